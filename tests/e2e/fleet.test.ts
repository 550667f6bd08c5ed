import { existsSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('e2e-fleet');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  // No order arrives after the first two: the data must not turn stale (red) during the test.
  server = await startServer(dir.path, {
    DIRECTOR_TOKENS: DIRECTOR,
    SHOW_CLOCK: 'events',
    STALE_AMBER_SECONDS: '300',
    STALE_RED_SECONDS: '600',
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** The console's row of a screen: its flags ('' when none), or null while it is not listed. */
function flagsOf(console: Page, screen: string): Promise<string | null> {
  return console.evaluate(
    (name) => document.querySelector(`tr[data-screen="${name}"]`)?.getAttribute('data-flags') ?? null,
    screen,
  );
}

/** A board in its own window (each window paints, none is a background tab). */
async function board(name: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 960, height: 540 } })).newPage();
  await page.goto(`${server.url}/?kiosk=1&screen=${name}`);
  await page.getByTestId('gmv-counter').waitFor();
  return page;
}

describe('the screen fleet in Chromium', () => {
  it('lists every board on the console and flags, by sight and sound, one that stops painting and one that leaves', async () => {
    expect((await (await postNdjson(server.url, ndjson([order(1), order(2)]))).json()).accepted).toBe(2);
    const [a, b] = [await board('wall-a'), await board('wall-b')];
    const console = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    await console.goto(`${server.url}/director`);
    await console.getByTestId('director-token').fill(DIRECTOR);
    await console.getByTestId('director-sign-in').click();
    await expect.poll(() => flagsOf(console, 'wall-a'), { timeout: 15_000 }).toBe('');
    await expect.poll(() => flagsOf(console, 'wall-b'), { timeout: 15_000 }).toBe('');
    await console.getByTestId('fleet-sound').click();
    expect(await console.getByTestId('fleet-sound').getAttribute('aria-pressed')).toBe('true');
    const alarmsBefore = Number(await console.getByTestId('fleet').getAttribute('data-alarms'));

    // wall-b freezes: its script stuck for 8 s (no report, no frame), as a hung tab is.
    const frozenAt = Date.now();
    const stuck = b.evaluate(() => {
      const end = Date.now() + 8000;
      while (Date.now() < end);
    });
    await expect
      .poll(() => flagsOf(console, 'wall-b'), { timeout: 15_000, interval: 50 })
      .toMatch(/silent|not-painting/);
    const flaggedAfterMs = Date.now() - frozenAt;
    expect(await flagsOf(console, 'wall-a')).toBe('');
    expect(Number(await console.getByTestId('fleet').getAttribute('data-alarms'))).toBeGreaterThan(alarmsBefore);
    expect(await console.getByTestId('fleet').getAttribute('class')).toContain('is-alarm');
    await console.screenshot({ path: `${ARTIFACTS}/director-fleet.png` });
    // The measured delay, for docs/director.md (a figure, not an assertion: tests never assert timings).
    writeFileSync(`${ARTIFACTS}/fleet-flag.json`, JSON.stringify({ flaggedAfterMs }) + '\n');
    process.stdout.write(`fleet: a frozen board was flagged on the console ${flaggedAfterMs} ms after it froze\n`);

    // Unstuck, it reports and paints again: the flag clears.
    await stuck;
    await expect.poll(() => flagsOf(console, 'wall-b'), { timeout: 15_000 }).toBe('');

    // wall-a closes: listed as disconnected, not forgotten.
    await a.context().close();
    await expect.poll(() => flagsOf(console, 'wall-a'), { timeout: 15_000 }).toBe('disconnected');
    await b.context().close();
    await console.context().close();
  });
});
