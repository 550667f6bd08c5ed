import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ShowConfig } from '../../shared/show.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson } from '../fixtures/server.js';
import { ARTIFACTS, stageShow } from '../fixtures/stage.js';

const consoleErrors: string[] = [];

/** A show like 2015's with milestones small enough for a test to cross. */
const show: ShowConfig = {
  id: '2015',
  name: 'Gala e2e',
  start: '2015-11-11T00:00:00+08:00',
  durationHours: 24,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  rates: { CNY: '1', USD: '6.3643' },
  milestones: ['1000.00', '5000.00'],
  graceSeconds: 3600,
};

const stage = stageShow('e2e-gala', show);

async function open(width: number, height: number, query = ''): Promise<Page> {
  const page = await stage.browser.newPage({ viewport: { width, height } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${width}x${height}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${width}x${height}: ${String(e)}`));
  await page.goto(`${stage.server.url}/${query}`);
  await page.getByTestId('gmv-counter').waitFor();
  return page;
}

const at = (sec: number) => `2015-11-11T00:00:${String(sec).padStart(2, '0')}.250+08:00`;

describe('the gala board in Chromium', () => {
  it('celebrates a milestone crossed on air with its exact time since the start', async () => {
    const page = await open(1920, 1080);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="gmv-counter"]')?.getAttribute('aria-label')?.startsWith('GMV ¥'),
    );
    const first = [order(1, { amount: '600.00', ts: at(3) }), order(2, { amount: '500.00', ts: at(7) })];
    expect((await (await postNdjson(stage.server.url, ndjson(first))).json()).accepted).toBe(2);

    const banner = page.getByTestId('milestone-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.locator('.banner-text').textContent()).toBe('1,000 in 00:00:07');
    await page.waitForTimeout(600); // let the entrance animation finish for the picture
    await page.screenshot({ path: `${ARTIFACTS}/gala-banner-1080p.png` });

    await postNdjson(stage.server.url, ndjson([order(3, { amount: '4000.00', ts: at(30) })]));
    const crossed = page.locator('[data-testid="milestones"] li[data-key="threshold:5000.00"]');
    await expect.poll(() => crossed.getAttribute('data-state'), { timeout: 15_000 }).toBe('crossed');
    expect(await crossed.textContent()).toContain('00:00:30');
    // Both crossings stay listed after their banners are gone.
    expect(await page.locator('[data-testid="milestones"] li[data-state="crossed"]').count()).toBe(2);
    await page.close();
  });

  it('fills 1080p, 4K and a 32:9 wall without scrollbars, with every panel drawn', async () => {
    // A few more orders so rankings, channels and the map have something to show.
    const more = Array.from({ length: 60 }, (_, i) => order(100 + i, { ts: at(40 + (i % 15)) }));
    await postNdjson(stage.server.url, ndjson(more));
    for (const [w, h, name] of [
      [1920, 1080, 'gala-1920x1080'],
      [3840, 2160, 'gala-3840x2160'],
      [3840, 1080, 'gala-3840x1080'],
    ] as const) {
      const page = await open(w, h);
      await expect.poll(() => page.locator('[data-testid="rank-country"] g.rank-row').count()).toBeGreaterThan(0);
      await page.locator('[data-testid="channel-share"] text.channel-pct').first().waitFor();
      await page.locator('path.map-country').first().waitFor({ state: 'attached' });
      await page.waitForTimeout(1000); // rows fade in and bars grow on a first draw: let them settle
      const overflow = await page.evaluate(() => ({
        x: document.documentElement.scrollWidth - window.innerWidth,
        y: document.documentElement.scrollHeight - window.innerHeight,
        board: (() => {
          const r = document.querySelector('main')!.getBoundingClientRect();
          return [Math.round(r.width), Math.round(r.height)];
        })(),
      }));
      expect(overflow).toEqual({ x: 0, y: 0, board: [w, h] });
      await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
      await page.close();
    }
  });

  it('fetches the seconds a snapshot leaves out (older than 5 minutes) as series chunks', async () => {
    // The clock follows the newest event: at 00:20 the seconds of the first minute are history.
    await postNdjson(stage.server.url, ndjson([order(500, { ts: '2015-11-11T00:20:00.250+08:00' })]));
    const page = await stage.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => consoleErrors.push(`chunks: ${String(e)}`));
    const chunks: { url: string; status: number; body: { series: [number, number, number][] } }[] = [];
    // Every body read is awaited before the page closes (a read cut off by the close would reject).
    const reads: Promise<void>[] = [];
    page.on('response', (res) => {
      if (!res.url().includes('/api/v1/live/series/')) return;
      reads.push(
        res
          .json()
          .then(
            (body: (typeof chunks)[number]['body']) => void chunks.push({ url: res.url(), status: res.status(), body }),
          ),
      );
    });
    await page.goto(`${stage.server.url}/`);
    await expect.poll(() => chunks.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(chunks[0]!.url).toMatch(/\/api\/v1\/live\/series\/0$/);
    expect(chunks[0]!.status).toBe(200);
    // The first orders of the day (00:00:03 and 00:00:07) come in the chunk, not in the snapshot.
    expect(chunks[0]!.body.series.map(([s]) => s)).toEqual(expect.arrayContaining([3, 7]));
    await Promise.all(reads);
    await page.close();
  });

  it('kiosk mode hides the cursor and the operator details', async () => {
    const page = await open(1920, 1080, '?kiosk=1');
    await page.locator('main.kiosk').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).cursor)).toBe('none');
    expect(await page.getByTestId('data-age').count()).toBe(0);
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
