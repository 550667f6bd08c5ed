import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowConfig } from '../../shared/show.js';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const base = {
  durationHours: 24,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  rates: { CNY: '1' },
  graceSeconds: 3600,
} as const;
const shows: ShowConfig[] = [
  {
    ...base,
    id: '2015',
    name: 'Forecast e2e',
    start: '2015-11-11T00:00:00+08:00',
    milestones: ['2000.00'],
    compareTo: '2014',
    target: '3000',
  },
  { ...base, id: '2014', name: 'Forecast e2e 2014', start: '2014-11-11T00:00:00+08:00', milestones: [] },
];

/** China time of second `s` of the day, a quarter second in. */
function at(year: number, s: number): string {
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${year}-11-11T${hh}:${mm}:${ss}.250+08:00`;
}

// Last year: 10.00 CNY every 12 minutes all day (1,200.00). This year: 20.00 CNY on the same
// seconds up to 02:00:30, then 0.01 at 02:01:00, so the show clock stands on a whole minute.
const lastYear = Array.from({ length: 120 }, (_, i) =>
  order(i, { order_id: `y-${i}`, ts: at(2014, 30 + 720 * i), amount: '10.00' }),
);
const thisYear = [
  ...Array.from({ length: 11 }, (_, i) => order(i, { ts: at(2015, 30 + 720 * i), amount: '20.00' })),
  order(99, { ts: at(2015, 7260), amount: '0.01' }),
];

const dir = tempDir('e2e-exec-forecast');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync(ARTIFACTS, { recursive: true });
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(showsFile, JSON.stringify(shows));
  const env = { SHOWS_FILE: showsFile, SHOW_CLOCK: 'events' };
  // Last year's day is read when the live show starts: store both days, then start again.
  const first = await startServer(join(dir.path, 'data'), env);
  const res = await postNdjson(first.url, ndjson([...lastYear, ...thisYear]));
  expect((await res.json()).accepted).toBe(lastYear.length + thisYear.length);
  await first.kill('SIGTERM');
  server = await startServer(join(dir.path, 'data'), env);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

describe('/exec forecast from last year', () => {
  it("puts last year's total, the milestone and the target's pace where last year's curve says", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/exec`);
    const card = page.getByTestId('exec-forecast');
    // Last year's 1,200.00 at ratio ≈ 2 is its 600.00: its 60th order, 11:48:30, within that minute. (Polled:
    // the seconds the snapshot left out come over HTTP after it, and until then the band is wider.)
    await expect
      .poll(() => page.getByTestId('exec-pass-last-year').textContent(), { timeout: 20_000 })
      .toBe("passes last year's total at 11:48 ± 1 min");
    // 22,001 fen against last year's 11,000 at 02:01:00.
    expect(Number(await card.getAttribute('data-ratio'))).toBeCloseTo(22_001 / 11_000, 9);
    // 2,000.00 is last year's 1,000.00: its 100th order, in the minute from 19:48 (the attribute rounds).
    const eta = Number(await page.getByTestId('exec-eta').getAttribute('data-at-sec'));
    expect(eta).toBeGreaterThanOrEqual(19 * 3600 + 48 * 60);
    expect(eta).toBeLessThanOrEqual(19 * 3600 + 49 * 60);
    // The next milestone (last year's total, the smaller) by last year's shape, not by the last seconds.
    expect(await page.locator('.exec-milestones').textContent()).toContain(
      "next: last year's total (1,200) ≈ 11:48 ± 1 min",
    );
    // 3,000.00 − 220.01 over the 21.98 hours left; last year has 1,090.00 of its day left.
    const target = page.getByTestId('exec-target');
    expect(await target.getAttribute('data-need')).toBe('277999');
    expect(await target.textContent()).toContain("2.55× last year's same hours");
    expect(await target.textContent()).toContain('short at this ratio');
    // The projection card's band reads the same seconds, the older ones fetched after the snapshot: the
    // ratio was 2 at every minute, so its low end is 2 × 1,200.00.
    expect(await page.getByTestId('exec-band').getAttribute('data-low')).toBe('240000');
    await page.screenshot({ path: `${ARTIFACTS}/exec-forecast.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(
      0,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
