import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ShowConfig } from '../../shared/show.js';
import type { TotalsResponse } from '../../shared/protocol.js';
import { cnyLabel, fenOf, ndjson, order } from '../fixtures/orders.js';
import { postNdjson } from '../fixtures/server.js';
import { ARTIFACTS, stageShow } from '../fixtures/stage.js';

/** A show like 2015's with milestones small enough for a test to cross. */
const show: ShowConfig = {
  id: '2015',
  name: 'Exec e2e',
  start: '2015-11-11T00:00:00+08:00',
  durationHours: 24,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  rates: { CNY: '1', USD: '6.3643' },
  milestones: ['1000.00', '50000.00', '200000.00'],
  graceSeconds: 3600,
};

const CATEGORIES = ['apparel', 'electronics', 'beauty'];
const COUNTRIES = ['CN', 'US', 'RU', 'BR'];
/** Sales across channels, countries and categories, and a few refunds, so net differs from gross. */
const sales = Array.from({ length: 240 }, (_, i) =>
  order(i + 1, { country: COUNTRIES[i % 4], category: CATEGORIES[i % 3] }),
);
const refunds = [3, 50, 77].map((i) => order(i, { order_id: `r-${i}`, type: 'refund' }));

const stage = stageShow('e2e-exec', show);

/** A phone: 390×844 CSS px at 3× with touch; every Notification.requestPermission call is counted. */
async function phone(grant: boolean): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await stage.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  });
  if (grant) await context.grantPermissions(['notifications'], { origin: stage.server.url });
  await context.addInitScript(() => {
    const w = window as unknown as { __asked: number; __notified: string[] };
    w.__asked = 0;
    w.__notified = [];
    const Real = window.Notification;
    if (Real === undefined) return;
    const ask = Real.requestPermission.bind(Real);
    Real.requestPermission = (...a: Parameters<typeof ask>) => {
      w.__asked++;
      return ask(...a);
    };
    // Records each notification the page raises (headless Chromium shows none).
    class Recorded extends Real {
      constructor(title: string, opts?: NotificationOptions) {
        super(title, opts);
        w.__notified.push(title);
      }
    }
    window.Notification = Recorded as typeof Notification;
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function totals(): Promise<TotalsResponse> {
  return (await (await fetch(`${stage.server.url}/api/v1/totals`)).json()) as TotalsResponse;
}

/** "1234.50" → "¥1,234.50", written here apart from the client's formatter. */
const cny = (gmv: string) => {
  const [whole = '0', frac = '00'] = gmv.split('.');
  return `¥${BigInt(whole).toLocaleString('en-US')}.${frac}`;
};

describe('/exec on a phone in Chromium', () => {
  it('shows the exact totals of the API, the breakdowns and the milestones, without overflow', async () => {
    const res = await postNdjson(stage.server.url, ndjson([...sales, ...refunds]));
    expect((await res.json()).accepted).toBe(sales.length + refunds.length);
    const grossFen = sales.reduce((s, o) => s + fenOf(o), 0);
    const netFen = grossFen - refunds.reduce((s, o) => s + fenOf(o), 0);

    const { context, page, errors } = await phone(false);
    await page.goto(`${stage.server.url}/exec`);
    await expect.poll(() => page.getByTestId('exec-gross').textContent(), { timeout: 20_000 }).toBe(cnyLabel(grossFen));

    // The same numbers as the read API (and so the wall), to the last digit.
    const t = await totals();
    expect(t.gross.orders).toBe(sales.length);
    expect(await page.getByTestId('exec-gross').textContent()).toBe(cny(t.gross.gmv));
    expect(await page.getByTestId('exec-net').textContent()).toBe(cny(t.net.gmv));
    expect(await page.getByTestId('exec-net').textContent()).toBe(cnyLabel(netFen));
    expect(await page.getByTestId('exec-orders').textContent()).toBe(t.gross.orders.toLocaleString('en-US'));

    // Breakdowns: every channel, country and category of the orders, with its exact gross.
    for (const [dim, field] of [
      ['channel', 'channel'],
      ['country', 'country'],
      ['category', 'category'],
    ] as const) {
      const want = new Map<string, number>();
      for (const o of sales) want.set(String(o[field]), (want.get(String(o[field])) ?? 0) + fenOf(o));
      const rows = await page
        .getByTestId(`exec-${dim}`)
        .locator('li')
        .evaluateAll((lis) =>
          lis.map((li) => [li.getAttribute('data-key'), li.querySelector('.exec-row-value')?.textContent]),
        );
      expect(new Map(rows as [string, string][])).toEqual(new Map([...want].map(([k, fen]) => [k, cnyLabel(fen)])));
    }

    // Milestones crossed, each with its exact show-local time.
    const crossed = [100_000, 5_000_000, 20_000_000].filter((fen) => grossFen >= fen).length;
    expect(crossed).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('exec-milestone').count()).toBe(crossed);
    expect(await page.getByTestId('exec-milestone').first().textContent()).toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}/);

    // Phone width: nothing sticks out sideways.
    const overflow = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('.exec *')].filter((e) => e.getBoundingClientRect().right > w + 0.5);
      return { scroll: document.documentElement.scrollWidth - w, wide: wide.map((e) => e.className || e.tagName) };
    });
    expect(overflow).toEqual({ scroll: 0, wide: [] });

    // Notifications are offered, never asked for unprompted.
    expect(await page.getByTestId('exec-notify').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);

    await page.screenshot({ path: `${ARTIFACTS}/exec-phone.png`, fullPage: true });
    const png = readFileSync(`${ARTIFACTS}/exec-phone.png`);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width at 3× device pixels; a blank page compresses to almost nothing.
    expect(png.readUInt32BE(16)).toBe(390 * 3);
    expect(png.length).toBeGreaterThan(30_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('grows into a grid on a tablet and a laptop, still without overflow', async () => {
    for (const viewport of [
      { width: 820, height: 1180 },
      { width: 1440, height: 900 },
    ]) {
      const page = await stage.browser.newPage({ viewport });
      await page.goto(`${stage.server.url}/exec`);
      await expect
        .poll(() => page.getByTestId('exec-gross').getAttribute('data-value'), { timeout: 20_000 })
        .not.toBe('');
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        columns: getComputedStyle(document.querySelector('.exec')!).gridTemplateColumns.split(' ').length,
      }));
      expect(layout.scroll, `${viewport.width}`).toBe(0);
      expect(layout.columns, `${viewport.width}`).toBe(viewport.width >= 1100 ? 3 : 2);
      await page.screenshot({ path: `${ARTIFACTS}/exec-${viewport.width}.png` });
      await page.close();
    }
  });

  it('asks for notifications only on a press, then notifies each milestone crossed while open', async () => {
    const { context, page, errors } = await phone(true);
    await page.goto(`${stage.server.url}/exec`);
    await expect
      .poll(() => page.getByTestId('exec-gross').getAttribute('data-value'), { timeout: 20_000 })
      .not.toBe('');
    expect(await page.getByTestId('exec-notify').getAttribute('data-permission')).toBe('granted');
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);

    // 200,000 CNY in one more order crosses the last two milestones; the one crossed before load is not news.
    await postNdjson(stage.server.url, ndjson([order(5000, { amount: '200000.00' })]));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __notified: string[] }).__notified), { timeout: 20_000 })
      .toEqual(['Exec e2e: 50,000 crossed', 'Exec e2e: 200,000 crossed']);
    expect(errors).toEqual([]);
    await context.close();

    // Where permission is not yet decided, the button asks, once per press.
    const second = await phone(false);
    await second.page.goto(`${stage.server.url}/exec`);
    await second.page.getByTestId('exec-notify').waitFor();
    expect(await second.page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
    if ((await second.page.getByTestId('exec-notify').getAttribute('data-permission')) === 'default') {
      await second.page.getByTestId('exec-notify').click();
      await expect.poll(() => second.page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);
    }
    await second.context.close();
  });
});
