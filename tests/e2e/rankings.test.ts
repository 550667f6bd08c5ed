import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { launchChromium } from '../fixtures/browser.js';
import { framesWithDuplicateRows, recordRankFrames, stopRankFrames } from '../fixtures/frames.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const dir = tempDir('e2e-rankings');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  // The show clock follows the orders, so one order makes one second of show.
  server = await startServer(dir.path, { SHOW_CLOCK: 'events' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

let seq = 0;
/** Posts one order of the 2015 show in `country`, one show-second after the last. */
async function sell(country: string, amount: string): Promise<void> {
  const res = await postNdjson(server.url, ndjson([order(++seq, { country, amount, order_id: `rk-${seq}` })]));
  expect((await res.json()).accepted).toBe(1);
}

/** The show's first order, once: one second of data. */
async function opening(): Promise<void> {
  if (seq === 0) await sell('CN', '100.00');
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** The curve's time labels, once drawn: at least two, no two of them touching. */
async function expectClearTimeLabels(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="curve-svg"] .axis-x .tick text').length > 1,
  );
  const labels = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="curve-svg"] .axis-x .tick text')].map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }),
  );
  expect(labels.length).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      expect(overlaps(labels[i]!, labels[j]!), `${labels[i]!.text} / ${labels[j]!.text}`).toBe(false);
}

describe('rankings and the curve on air', () => {
  it("with one second of data the curve's time labels do not overlap", async () => {
    for (const [viewport, lang] of [
      [{ width: 1920, height: 1080 }, 'en'],
      [{ width: 1280, height: 720 }, 'en'],
      [{ width: 1280, height: 720 }, 'zh-CN'],
    ] as const) {
      const page = await browser.newPage({ viewport });
      await page.goto(`${server.url}/?kiosk=1&lang=${lang}`);
      await opening();
      await expectClearTimeLabels(page);
      await page.close();
    }
  });

  it('with one second of data in a show long over (the wall clock), the time labels do not overlap', async () => {
    const wallDir = tempDir('e2e-rankings-wall');
    const wall = await startServer(wallDir.path);
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${wall.url}/?kiosk=1`);
      const res = await postNdjson(wall.url, ndjson([order(1, { country: 'CN', order_id: 'wall-1' })]));
      expect((await res.json()).accepted).toBe(1);
      await expectClearTimeLabels(page);
      await page.close();
    } finally {
      await wall.kill('SIGKILL');
      wallDir.remove();
    }
  });

  it('never shows a country twice while a row drops out of the top 5 and comes back', async () => {
    // No hold: every swap at the boundary makes a row leave and come back during its exit.
    await opening();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/?kiosk=1&rankhold=0`);
    // Beside it a board whose rows hold their place far longer than this test runs.
    const held = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await held.goto(`${server.url}/?kiosk=1&rankhold=30`);
    for (const p of [page, held]) {
      await p.waitForFunction(() => document.querySelectorAll('[data-testid="rank-country"] g.rank-row').length > 0);
      await recordRankFrames(p);
    }
    for (const [country, amount] of [
      ['JP', '9000.00'],
      ['US', '8000.00'],
      ['DE', '7000.00'],
      ['FR', '6000.00'],
      ['SG', '1000.00'],
      ['KR', '1000.00'],
    ] as const)
      await sell(country, amount);
    // SG and KR take the fifth place from each other, one every 250 ms, while the exit takes 700.
    const total: Record<string, number> = { SG: 1000, KR: 1000 };
    for (let i = 0; i < 12; i++) {
      const [up, other] = i % 2 === 0 ? ['SG', 'KR'] : ['KR', 'SG'];
      const add = total[other!]! - total[up!]! + 25;
      total[up!] = total[up!]! + add;
      await sell(up!, `${add}.00`);
      await page.waitForTimeout(250);
    }
    await page.waitForTimeout(1000);
    const frames = await stopRankFrames(page);
    expect(frames.length).toBeGreaterThan(60);
    expect(framesWithDuplicateRows(frames)).toEqual([]);
    // The boundary really moved: each of the two was seen leaving, and each is back at the end or gone.
    const left = new Set(frames.flatMap((f) => f.leaving));
    expect(left.has('SG') && left.has('KR')).toBe(true);
    expect(frames.at(-1)!.visible).toHaveLength(5);

    // The biggest second so far (JP's 9,000.00, the show's second 2) is the GMV peak, on the curve too.
    await expect.poll(() => page.getByTestId('peak-gmv').getAttribute('data-value')).toBe('9000.00');
    expect(await page.getByTestId('curve-peak-gmv').getAttribute('data-second')).toBe('2');

    // With the hold, the rows first shown stay (CN among them, beaten since the start): none left.
    const heldFrames = await stopRankFrames(held);
    expect(heldFrames.filter((f) => f.leaving.length > 0 || new Set(f.visible).size !== f.visible.length)).toEqual([]);
    expect(heldFrames.at(-1)!.visible).toContain('CN');
    await page.close();
    await held.close();
  });
});
