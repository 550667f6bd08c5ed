import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

// Small thresholds, set only on the server: the board learns them from its snapshot.
const AMBER_S = 3;
const RED_S = 6;

const dir = tempDir('e2e-freshness');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path, { STALE_AMBER_SECONDS: String(AMBER_S), STALE_RED_SECONDS: String(RED_S) });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** Waits (up to a deadline) until the freshness mark is at `level`. */
async function waitForLevel(page: Page, level: string): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="freshness"]')?.getAttribute('data-level') === want,
    level,
    // Polled on a timer: animation frames pause in a page that is not in front.
    { timeout: 30_000, polling: 200 },
  );
}

async function post(id: number): Promise<void> {
  const res = await postNdjson(server.url, ndjson([order(id, { country: 'CN' })]));
  expect((await res.json()).accepted).toBe(1);
}

describe('the freshness mark in Chromium', () => {
  it('goes amber, then red, when orders stop arriving, and green when they come again', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url);
    await page.getByTestId('gmv-counter').waitFor();
    await post(1);
    await waitForLevel(page, 'fresh');
    // No more orders: the server's heartbeats keep coming, the mark must not stay green.
    await waitForLevel(page, 'amber');
    expect(await page.getByTestId('freshness').textContent()).toBe('data late');
    expect(await page.getByTestId('freshness').getAttribute('aria-label')).toBe(
      `data late: no new orders for ${AMBER_S} s or more`,
    );
    await waitForLevel(page, 'red');
    expect(await page.getByTestId('freshness').textContent()).toBe('data stale');
    expect(await page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    await post(2);
    await waitForLevel(page, 'fresh');
    await page.close();
  });

  it('stays off the kiosk picture unless ?marks=1', async () => {
    await post(100);
    const plain = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const kiosk = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const marked = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await plain.goto(server.url);
    await kiosk.goto(`${server.url}/?kiosk=1`);
    await marked.goto(`${server.url}/?kiosk=1&marks=1`);
    // No order since: the operator's page and the director's marked kiosk go red.
    await waitForLevel(plain, 'red');
    await waitForLevel(marked, 'red');
    await expect.poll(() => kiosk.locator('main.kiosk').count()).toBe(1);
    // The kiosk board holds the same orders (so it has data to judge), yet shows no mark.
    await kiosk.waitForFunction(
      () =>
        !/¥0\.00$/.test(document.querySelector('[data-testid="gmv-counter"]')?.getAttribute('aria-label') ?? '¥0.00'),
      undefined,
      { timeout: 30_000, polling: 200 },
    );
    expect(await kiosk.getByTestId('freshness').count()).toBe(0);
    for (const p of [plain, kiosk, marked]) await p.close();
  });
});
