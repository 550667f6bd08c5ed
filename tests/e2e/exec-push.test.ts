import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushMessage } from '../../server/alerts/push.js';
import { SUBSCRIBE_TIMEOUT_MS } from '../../client/app/exec/webPush.js';
import type { MilestoneAlert } from '../../server/alerts/payloads.js';
import type { PushMessage } from '../../shared/web-push.js';
import type { ShowConfig } from '../../shared/show.js';
import { startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const show: ShowConfig = {
  id: '2015',
  name: 'Push e2e',
  start: '2015-11-11T00:00:00+08:00',
  durationHours: 24,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  rates: { CNY: '1' },
  milestones: ['1000.00'],
  graceSeconds: 3600,
};
const VIEW = 'viewer-token-0123456789';
const VAPID = webpush.generateVAPIDKeys();
const dir = tempDir('e2e-exec-push');
let server: ServerProcess;

beforeAll(async () => {
  if (!existsSync('dist/client/sw.js')) throw new Error('the board is not built: run `npm run build` first');
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(showsFile, JSON.stringify([show]));
  server = await startServer(join(dir.path, 'data'), {
    SHOWS_FILE: showsFile,
    SHOW_CLOCK: 'events',
    VIEW_TOKENS: VIEW,
    WEB_PUSH_VAPID_PUBLIC_KEY: VAPID.publicKey,
    WEB_PUSH_VAPID_PRIVATE_KEY: VAPID.privateKey,
    WEB_PUSH_SUBJECT: 'mailto:ops@example.com',
  });
});
afterAll(async () => {
  // A test that failed before closing its browser leaves it writing into its profile: close it first.
  await Promise.all(contexts.map((c) => c.close()));
  await server?.kill('SIGKILL');
  dir.remove();
});

let profiles = 0;
const contexts: BrowserContext[] = [];

/**
 * /exec in a Chromium with a profile of its own on disk: the Push API and installing an app are
 * refused in an incognito context (what `browser.newContext()` makes), as they are for people.
 * The flags are tests/fixtures/browser.ts's.
 */
async function open(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await chromium.launchPersistentContext(join(dir.path, `profile-${++profiles}`), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  contexts.push(context);
  await context.grantPermissions(['notifications'], { origin: server.url });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/exec?token=${VIEW}`);
  return { context, page, errors };
}

/** What Chromium displayed, as DevTools' Background Services panel records it (its tag, title and body). */
interface Displayed {
  tag: string;
  title: string;
  body: string;
}

/**
 * Collects each notification as Chromium puts it on display. The test reads the worker's notifications
 * (getNotifications) only after that: Chromium's read keeps a stored notification only when the
 * platform already has it on display (or it was made after the read began) and deletes every other
 * from its store (content/browser/notifications/platform_notification_context_impl.cc), so a read that
 * lands between the worker's showNotification and the display loses it for good. Polling the read while
 * a push was being shown lost the notification in about one run in twenty-five on a loaded machine.
 * /exec itself never reads its notifications.
 */
async function watchDisplayed(cdp: CDPSession): Promise<Displayed[]> {
  const displayed: Displayed[] = [];
  cdp.on('BackgroundService.backgroundServiceEventReceived', ({ backgroundServiceEvent: e }) => {
    if (e.service !== 'notifications' || e.eventName !== 'Notification displayed') return;
    const meta = new Map(e.eventMetadata.map((m) => [m.key, m.value]));
    displayed.push({ tag: e.instanceId, title: meta.get('Title') ?? '', body: meta.get('Body') ?? '' });
  });
  await cdp.send('BackgroundService.setRecording', { service: 'notifications', shouldRecord: true });
  await cdp.send('BackgroundService.startObserving', { service: 'notifications' });
  return displayed;
}

/** The worker's notifications: read once each is on display (see watchDisplayed). */
async function shown(page: Page): Promise<{ title: string; body: string; tag: string; icon: string }[]> {
  return page.evaluate(async () => {
    const r = await navigator.serviceWorker.ready;
    return (await r.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon }));
  });
}

/** A milestone alert as the live node makes it, for the message the server would push. */
const alert: MilestoneAlert = {
  id: '2015:milestone:100000:1447171230200',
  type: 'milestone',
  show: { id: '2015', name: 'Push e2e', timeZone: 'Asia/Shanghai' },
  milestone: '1000.00',
  crossedAtMs: 1447171230200,
  previousCrossedAtMs: null,
  gmv: '1100.00',
  orders: 2,
};

describe('/exec Web Push in Chromium', () => {
  it('registers the service worker, which shows a pushed alert as a notification', async () => {
    const { context, page, errors } = await open();
    await expect.poll(() => page.getByTestId('exec-push').getAttribute('data-state'), { timeout: 20_000 }).toBe('off');
    expect(await page.getByTestId('exec-push-toggle').textContent()).toBe('Notify me on this device');
    const reg = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return { scope: r.scope, script: r.active?.scriptURL ?? null };
    });
    expect(reg).toEqual({ scope: `${server.url}/`, script: `${server.url}/sw.js` });

    // The DevTools protocol delivers a push to the registration, as a push service would.
    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const displayed = await watchDisplayed(cdp);
    const deliver = async (m: PushMessage) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: server.url,
        registrationId: await registrationId,
        data: JSON.stringify(m),
      });
    const message = pushMessage(alert, Date.now());
    await deliver(message);
    // Generous: the worker starts for the push while other test files load the 2 cores.
    await expect.poll(() => displayed.map((d) => d.tag), { timeout: 30_000 }).toEqual([alert.id]);
    const first: Displayed = {
      tag: alert.id,
      title: 'Push e2e: ¥1,000.00 crossed',
      body: 'Push e2e crossed ¥1,000.00 at 2015-11-11 00:00:30.200 (Asia/Shanghai)\nGMV ¥1,100.00 from 2 orders',
    };
    expect(displayed).toEqual([first]);
    expect(await shown(page)).toEqual([{ ...first, icon: `${server.url}/exec-icon-192.png` }]);
    // The same alert again (a retry, another node) replaces its notification; another alert adds one.
    const revised = pushMessage({ ...alert, id: `${alert.id}:r`, type: 'milestone-revised' }, Date.now());
    for (const m of [message, revised]) await deliver(m);
    await expect.poll(() => displayed.length, { timeout: 30_000 }).toBe(3);
    expect((await shown(page)).map((n) => n.tag).sort()).toEqual([alert.id, revised.id].sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('links an installable manifest: start_url /exec, standalone, icons that load', async () => {
    const { context, page, errors } = await open();
    await expect.poll(() => page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/exec.webmanifest');
    const res = await fetch(`${server.url}/exec.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as {
      start_url: string;
      display: string;
      name: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/exec', display: 'standalone', name: 'GMV Live · Executive' });
    for (const icon of manifest.icons) {
      const img = await fetch(`${server.url}${icon.src}`);
      expect(img.status, icon.src).toBe(200);
      expect(img.headers.get('content-type'), icon.src).toContain(icon.type);
    }
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    // Chromium reads the same manifest from the page, without errors.
    const cdp = await context.newCDPSession(page);
    const app = await cdp.send('Page.getAppManifest');
    expect(app.url).toBe(`${server.url}/exec.webmanifest`);
    expect(app.errors).toEqual([]);
    const installability = await cdp.send('Page.getInstallabilityErrors');
    expect(installability.installabilityErrors).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so plainly when the browser cannot reach its push service, and the screen stays', async () => {
    // This machine has no internet: Chromium's registration with Google's push service never answers.
    const { context, page, errors } = await open();
    await expect.poll(() => page.getByTestId('exec-push').getAttribute('data-state'), { timeout: 20_000 }).toBe('off');
    await page.getByTestId('exec-push-toggle').click();
    expect(await page.getByTestId('exec-push').getAttribute('data-state')).toBe('working');
    await expect
      .poll(() => page.getByTestId('exec-push').getAttribute('data-state'), { timeout: SUBSCRIBE_TIMEOUT_MS + 15_000 })
      .toBe('failed');
    expect(await page.getByTestId('exec-push-error').textContent()).toBe(
      `The browser's push service could not be reached (TimeoutError: no answer in ${SUBSCRIBE_TIMEOUT_MS / 1000} s): ` +
        'this device cannot get alerts now',
    );
    // The button offers another try; the figures are still there.
    expect(await page.getByTestId('exec-push-toggle').isEnabled()).toBe(true);
    expect(await page.getByTestId('exec-push-toggle').textContent()).toBe('Try again');
    expect(await page.getByTestId('exec-gross').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
