import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('e2e-marks');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path, { DIRECTOR_TOKENS: DIRECTOR, SHOW_CLOCK: 'events' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** The labels of the run-of-show rules under `scope` (the curve or the timeline). */
const labels = (page: Page, scope: string) =>
  page.locator(`${scope} [data-testid="show-mark"] text`).evaluateAll((els) => els.map((e) => e.textContent));

describe('run-of-show marks in Chromium', () => {
  it("a mark made on the console appears on a board's live curve and on the replay timeline", async () => {
    // Two minutes of the 2015 show: the show clock (events) stands at order 119's time, 00:01:59.250.
    const res = await postNdjson(server.url, ndjson(Array.from({ length: 120 }, (_, i) => order(i))));
    expect((await res.json()).accepted).toBe(120);

    const board = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await board.goto(server.url);
    await board.getByTestId('curve-svg').waitFor();

    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await desk.goto(`${server.url}/director`);
    await desk.getByTestId('director-token').fill(DIRECTOR);
    await desk.getByTestId('director-sign-in').click();
    await desk.getByTestId('marks').waitFor();
    // One now (the show clock), one ahead at noon, typed with its time.
    await desk.getByTestId('mark-kind').selectOption('coupon');
    await desk.getByTestId('mark-label').fill('¥50 coupon drop');
    await desk.getByTestId('mark-add').click();
    await expect.poll(() => desk.locator('[data-testid="mark-list"] li').count()).toBe(1);
    await desk.getByTestId('mark-kind').selectOption('act');
    await desk.getByTestId('mark-label').fill('Act 3: finale');
    await desk.getByTestId('mark-at').fill('2015-11-11T12:00:00+08:00');
    await desk.getByTestId('mark-add').click();
    await expect
      .poll(() => desk.locator('[data-testid="mark-list"] li strong').allTextContents())
      .toEqual(['¥50 coupon drop', 'Act 3: finale']);
    expect(await desk.locator('[data-testid="mark-list"] li time').allTextContents()).toEqual(['00:01:59', '12:00:00']);

    // The wall: the mark of now on the curve (noon is past the curve's axis, so not drawn yet).
    await expect.poll(() => labels(board, '[data-testid="curve"]'), { timeout: 15_000 }).toEqual(['¥50 coupon drop']);
    const rule = board.locator('[data-testid="curve"] [data-testid="show-mark"]');
    expect(await rule.getAttribute('data-kind')).toBe('coupon');
    await board.screenshot({ path: `${ARTIFACTS}/marks-curve.png` });

    // A removal reaches the wall too.
    await desk.getByTestId('mark-remove').first().click();
    await expect.poll(() => labels(board, '[data-testid="curve"]'), { timeout: 15_000 }).toEqual([]);
    await desk.getByTestId('mark-kind').selectOption('line');
    await desk.getByTestId('mark-label').fill('Host: welcome');
    await desk.getByTestId('mark-add').click();
    await expect.poll(() => labels(board, '[data-testid="curve"]'), { timeout: 15_000 }).toEqual(['Host: welcome']);

    // The replay of the show: both marks on the timeline.
    const replay = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await replay.goto(`${server.url}/replay`);
    await expect.poll(() => replay.getByTestId('show-select').locator('option[value="2015"]').count()).toBe(1);
    await replay.getByTestId('show-select').selectOption('2015');
    await replay.getByTestId('replay-start').click();
    await replay.getByTestId('timeline-svg').waitFor();
    await expect
      .poll(() => labels(replay, '[data-testid="timeline"]'), { timeout: 15_000 })
      .toEqual(['Host: welcome', 'Act 3: finale']);
    await replay.screenshot({ path: `${ARTIFACTS}/marks-replay.png` });
  });
});
