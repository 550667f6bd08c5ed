import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { loadDay } from '../../server/tools/day.js';
import { validateOrder } from '../../shared/order.js';
import { REPLAY_NAMESPACE, REPLAY_PATH } from '../../shared/history.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { startApp } from '../fixtures/app.js';
import { launchChromium } from '../fixtures/browser.js';
import { cnyLabel, fenOf, ndjson, order } from '../fixtures/orders.js';
import { postNdjson, tempDir } from '../fixtures/server.js';

const ARTIFACTS = 'test-results';
const dir = tempDir('e2e-replay');
const LOAD = { year: 2014, scale: 0.0001, seed: 1111 };
/** 2014-11-11 00:00 China time. */
const START = Date.UTC(2014, 10, 10, 16, 0, 0);
/** 00:38:28 show time. */
const TARGET = START + (38 * 60 + 28) * 1000;

let app: AllNode;
let url: string;
let browser: Browser;
/** Gross fen of the raw sales before each instant we look at, from the generator itself. */
let grossBefore: (ms: number) => number;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync(ARTIFACTS, { recursive: true });
  // The built-in shows, with 2014's milestones scaled down like its orders, so the timeline has bookmarks.
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(
    showsFile,
    JSON.stringify(DEFAULT_SHOWS.map((s) => (s.id === '2014' ? { ...s, milestones: ['100000.00', '1000000.00'] } : s))),
  );
  const env = { SHOWS_FILE: showsFile, SHOW_CLOCK: 'events' };
  ({ app, url } = await startApp(join(dir.path, 'data'), env));
  const config = loadConfig(env);
  const ctx = { shows: config.shows, categories: new Set(config.categories) };
  await loadDay(app.store, ctx, LOAD);

  // The expectation: the generated sales, validated like ingest, summed in JS (not by the store).
  const sales: [ts: number, fen: number][] = [];
  const gen = new DayGenerator(LOAD);
  for (let s = 0; s < DAY_SECONDS; s++) {
    for (const { fields } of gen.second(s)) {
      const check = validateOrder(fields, ctx);
      if (!check.ok) throw new Error(check.message);
      if (check.order.type === 'sale') sales.push([check.order.ts, check.order.gmv_fen]);
    }
  }
  grossBefore = (ms) => sales.reduce((sum, [ts, fen]) => (ts < ms ? sum + fen : sum), 0);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  dir.remove();
});

const positionMs = async (page: Page) => Number(await page.getByTestId('replay-position').getAttribute('data-ms'));
const grossLabel = (page: Page) => page.getByTestId('gmv-counter').getAttribute('aria-label');

/** Opens /replay, starts last year's day (`picked` runs on the picker), pauses and goes to TARGET (00:38:28). */
async function replayAtTarget(page: Page, picked: () => Promise<unknown> = async () => {}): Promise<void> {
  await page.goto(`${url}/replay`);
  await expect.poll(() => page.getByTestId('show-select').locator('option[value="2014"]').count()).toBe(1);
  await picked();
  await page.getByTestId('show-select').selectOption('2014');
  await page.getByTestId('replay-start').click();
  await page.getByTestId('play-pause').click();
  await expect.poll(() => page.getByTestId('replay-state').textContent()).toBe('paused');
  await page.getByTestId('goto-input').fill('00:38:28');
  await page.getByTestId('goto-input').press('Enter');
  await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBe(TARGET);
}

describe('/replay in Chromium', () => {
  it("plays last year's day at 60x and shows the board as it stood at 00:38:28", async () => {
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    await page.goto(`${url}/replay`);
    await expect.poll(() => page.getByTestId('replay-badge').textContent()).toBe('REPLAY');

    // Pick 2014 from the stored shows and play it at 60x.
    await expect.poll(() => page.getByTestId('show-select').locator('option[value="2014"]').count()).toBe(1);
    await page.getByTestId('show-select').selectOption('2014');
    await page.getByTestId('start-speed').selectOption('60');
    await page.getByTestId('replay-start').click();
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 20_000 }).toBe('playing 60×');
    expect(new URL(page.url()).searchParams.get('id')).toBeTruthy();
    expect(await page.getByTestId('connection').textContent()).toContain('replay');
    // It moves: at 60x a show-minute passes each real second.
    const first = await positionMs(page);
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBeGreaterThan(first);

    // Pause, then go to 00:38:28 show time (China), typed as the analyst would.
    await page.getByTestId('play-pause').click();
    await expect.poll(() => page.getByTestId('replay-state').textContent()).toBe('paused');
    await page.getByTestId('goto-input').fill('00:38:28');
    await page.getByTestId('goto-input').press('Enter');
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBe(TARGET);
    const want = grossBefore(TARGET);
    expect(want).toBeGreaterThan(0);
    await expect.poll(() => grossLabel(page), { timeout: 20_000 }).toBe(`GMV ${cnyLabel(want)}`);
    expect(await page.getByTestId('show-clock').textContent()).toBe('00:38:28');
    await page.screenshot({ path: `${ARTIFACTS}/replay-003828.png` });

    // The shared link shows the same frame to a second viewer.
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(page.url());
    await expect.poll(() => positionMs(other), { timeout: 20_000 }).toBe(TARGET);
    await expect.poll(() => grossLabel(other), { timeout: 20_000 }).toBe(`GMV ${cnyLabel(want)}`);
    await expect.poll(() => page.getByTestId('replay-position').textContent()).toContain('2 viewers');

    // Keyboard: → steps a second, shift+← a minute back; both viewers follow.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => positionMs(other), { timeout: 20_000 }).toBe(TARGET + 1000);
    await expect.poll(() => grossLabel(other)).toBe(`GMV ${cnyLabel(grossBefore(TARGET + 1000))}`);
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBe(TARGET - 59_000);
    await expect.poll(() => grossLabel(page)).toBe(`GMV ${cnyLabel(grossBefore(TARGET - 59_000))}`);

    // Scrub: drag the play head to the middle of the track; the replay lands on the middle second.
    const box = (await page.getByTestId('timeline-svg').boundingBox())!;
    const head = (await page.getByTestId('timeline-head').boundingBox())!;
    await page.mouse.move(head.x + head.width / 2, head.y + head.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, head.y + head.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).not.toBe(TARGET - 59_000);
    const mid = await positionMs(page);
    // 14 px of padding either side (render.ts): the middle of the svg is the middle of the track.
    expect(Math.abs(mid - (START + 43_200_000))).toBeLessThanOrEqual(1000);
    await expect.poll(() => grossLabel(page), { timeout: 20_000 }).toBe(`GMV ${cnyLabel(grossBefore(mid))}`);

    // A milestone bookmark jumps to its crossing (to the whole second before it).
    const marks = page.getByTestId('bookmark');
    await expect.poll(() => marks.count()).toBe(2);
    const at = Number(await marks.first().getAttribute('data-at'));
    expect(at).toBeGreaterThan(START);
    await marks.first().locator('path').click();
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBe(Math.floor(at / 1000) * 1000);

    // The server drops every replay socket: both pages keep their frame, come back, rejoin the same
    // replay (rooms do not survive a reconnection) and follow each other again.
    const before = await grossLabel(page);
    app.replayIo.of(REPLAY_NAMESPACE).disconnectSockets();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('reconnecting');
    expect(await grossLabel(page)).toBe(before);
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('live');
    await expect
      .poll(() => other.getByTestId('connection').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('live');
    await expect
      .poll(() => page.getByTestId('replay-position').textContent(), { timeout: 20_000 })
      .toContain('2 viewers');
    const here = await positionMs(page);
    await other.getByTestId('step-fwd-min').click();
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).toBe(here + 60_000);
    await expect.poll(() => grossLabel(page)).toBe(`GMV ${cnyLabel(grossBefore(here + 60_000))}`);

    expect(errors).toEqual([]);
    // The replay socket went to the replays' own path (a balancer sends it to the live node), under the CSP.
    expect(sockets.length).toBeGreaterThan(0);
    expect(new Set(sockets)).toEqual(new Set([`${REPLAY_PATH}/`]));
    await other.close();
    await page.close();
  });

  it('tells a viewer whose replay ended while it was away, and offers a new one', async () => {
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/replay`);
    // The page loads, then asks for the shows: on a busy machine that takes more than vitest's default second.
    await expect
      .poll(() => page.getByTestId('show-select').locator('option[value="2014"]').count(), { timeout: 10_000 })
      .toBe(1);
    await page.getByTestId('show-select').selectOption('2014');
    await page.getByTestId('replay-start').click();
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 20_000 }).toContain('playing');
    const id = new URL(page.url()).searchParams.get('id')!;
    expect(app.replays.sessions.has(id)).toBe(true);

    // Away past REPLAY_IDLE_MS (a laptop asleep): the server has dropped the replay when the page comes back.
    app.replays.sessions.get(id)!.close();
    app.replays.sessions.delete(id);
    app.replayIo.of(REPLAY_NAMESPACE).disconnectSockets();
    await expect
      .poll(() => page.getByTestId('replay-error').textContent(), { timeout: 20_000 })
      .toContain('GMV_ERR_REPLAY_UNKNOWN');
    expect(await page.getByTestId('replay-picker').isVisible()).toBe(true);
    expect(new URL(page.url()).searchParams.get('id')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('downloads what the screen shows: the replayed range on /replay, the live show so far on /exec', async () => {
    /** Sums a series CSV ("t","orders","gmv",…) to [orders, fen]. */
    const sums = (csv: string): [number, number] => {
      const [head, ...rows] = csv.trim().split('\n');
      expect(head).toBe('"t","orders","gmv","refunds","refundGmv","netGmv"');
      return rows.reduce<[number, number]>(
        (acc, row) => {
          const [, n, gmv] = row.split(',');
          const [whole, frac] = gmv!.split('.');
          return [acc[0] + Number(n), acc[1] + Number(whole) * 100 + Number(frac)];
        },
        [0, 0],
      );
    };
    const download = async (page: Page, testId: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return { name: file.suggestedFilename(), body: readFileSync((await file.path())!) };
    };

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await replayAtTarget(page);
    // The day up to the second on screen, in whole seconds: exactly the sales before it.
    const series = await download(page, 'export-series-csv');
    expect(series.name).toBe('gmv-2014-series-1s-20141110T160000Z-20141110T163828Z.csv');
    const [, fen] = sums(series.body.toString('utf8'));
    expect(fen).toBe(grossBefore(TARGET));
    const parquet = await download(page, 'export-channel-parquet');
    expect(parquet.name).toMatch(/^gmv-2014-channel-.*\.parquet$/);
    expect(parquet.body.subarray(0, 4).toString('latin1')).toBe('PAR1');
    await page.close();

    // /exec: the live show (2015) from its start to now.
    const posted = [order(3), order(7), order(65)];
    expect((await (await postNdjson(url, ndjson(posted))).json()).accepted).toBe(3);
    const exec = await browser.newPage({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    await exec.goto(`${url}/exec`);
    await expect.poll(() => exec.getByTestId('exec-orders').getAttribute('data-value'), { timeout: 20_000 }).toBe('3');
    const live = await download(exec, 'export-series-csv');
    expect(live.name).toMatch(/^gmv-2015-series-1s-/);
    expect(sums(live.body.toString('utf8'))).toEqual([3, posted.reduce((n, o) => n + fenOf(o), 0)]);
    const channels = await download(exec, 'export-channel-csv');
    expect(channels.body.toString('utf8').split('\n')[0]).toBe('"dimension","key","orders","gmv"');
    await exec.close();
  });

  it('fits a phone (390×844): the board, the transport and the timeline on screen, nothing wider than it', async () => {
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await replayAtTarget(page, async () => page.screenshot({ path: `${ARTIFACTS}/replay-phone-picker.png` }));
    await expect.poll(() => grossLabel(page), { timeout: 20_000 }).toBe(`GMV ${cnyLabel(grossBefore(TARGET))}`);
    await page.screenshot({ path: `${ARTIFACTS}/replay-phone.png`, fullPage: true });
    // Nothing wider than the phone; the counter, the play button and the timeline inside the viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const id of ['gmv-counter', 'play-pause', 'timeline-svg', 'goto-input']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.x, id).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, id).toBeLessThanOrEqual(390.5);
    }
    // The timeline takes a finger: a tap on its middle seeks there.
    const track = (await page.getByTestId('timeline-svg').boundingBox())!;
    await page.touchscreen.tap(track.x + track.width / 2, track.y + track.height / 2);
    await expect.poll(() => positionMs(page), { timeout: 20_000 }).not.toBe(TARGET);
    expect(errors).toEqual([]);
    await page.close();
  });
});
