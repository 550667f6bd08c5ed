import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import type { AuditResponse } from '../../shared/audit.js';
import type { ShowConfig } from '../../shared/show.js';
import { injectOrders, startApp } from '../fixtures/app.js';
import { launchChromium } from '../fixtures/browser.js';
import { cnyLabel, fenOf, ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('e2e-audit');
const now = Math.floor(Date.now() / 1000) * 1000;
const LIVE: ShowConfig = {
  id: 'live',
  name: 'Tonight',
  start: new Date(now - 3_600_000).toISOString(),
  durationHours: 24,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  rates: { CNY: '1' },
  milestones: ['100000000'],
  graceSeconds: 3600,
};
let app: AllNode;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync('test-results', { recursive: true });
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify([LIVE]));
  ({ app, url } = await startApp(join(dir.path, 'db'), { SHOWS_FILE: file, LIVE_SHOW: 'live' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  dir.remove();
});

const sale = (id: string, ts: number, amount: string) => ({
  order_id: id,
  ts,
  amount,
  currency: 'CNY',
  country: 'CN',
  channel: 'mobile',
  category: 'apparel',
});

describe('the /audit screen in Chromium', () => {
  it('picks an instant and shows what was on air, the store now, and the difference explained', async () => {
    const onWall = [1, 2, 3, 4].map((i) => sale(`a-${i}`, now - 60_000 + i * 1000, `${i}00.00`));
    expect((await injectOrders(app, ndjson(onWall))).json()).toMatchObject({ accepted: 4 });
    // The broadcast with them, once recorded.
    let at = 0;
    for (let i = 0; i < 100 && at === 0; i++) {
      const r = (await app.inject({ url: `/api/v1/audit?at=${new Date().toISOString()}` })).json<AuditResponse>();
      if (r.onAir?.gross.orders === 4) at = Date.parse(r.onAir.sentAt);
      else await new Promise((res) => setTimeout(res, 100));
    }
    expect(at).toBeGreaterThan(0);
    // Then two orders stamped before that instant arrive.
    const late = [sale('late-1', at - 20_000, '12.34'), sale('late-2', at - 10_000, '0.66')];
    expect((await injectOrders(app, ndjson(late))).json()).toMatchObject({ accepted: 2 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${url}/audit?lang=en`);
      await expect.poll(() => page.getByTestId('audit-show').inputValue()).toBe('live');
      await page.getByTestId('audit-at').fill(new Date(at).toISOString());
      await page.getByTestId('audit-look').click();
      const onAir = page.getByTestId('audit-on-air');
      const wallFen = onWall.reduce((s, o) => s + fenOf(o), 0);
      const lateFen = late.reduce((s, o) => s + fenOf(o), 0);
      await expect.poll(() => onAir.textContent()).toContain(cnyLabel(wallFen));
      expect(await page.getByTestId('audit-truth').textContent()).toContain(cnyLabel(wallFen + lateFen));
      const lateRow = page.locator('tr[data-part="late-sales"]');
      expect(await lateRow.textContent()).toContain(`Late sales`);
      expect(await lateRow.textContent()).toContain(`2 · ${cnyLabel(lateFen)}`);
      expect(await page.getByTestId('audit-verdict').textContent()).toBe('The whole difference is explained.');
      await page.screenshot({ path: 'test-results/audit-laptop.png', fullPage: true });

      // A click on the curve picks another instant: well before the orders, nothing late then.
      const box = (await page.getByTestId('audit-curve').boundingBox())!;
      const before = await page.getByTestId('audit-answer-at').textContent();
      await page.mouse.click(box.x + 5, box.y + box.height / 2);
      await expect.poll(() => page.getByTestId('audit-answer-at').textContent()).not.toBe(before);
      expect(await page.getByTestId('audit-at').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    } finally {
      await page.close();
    }
  });

  it('reads in Chinese on a phone without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${url}/audit?lang=zh-CN`);
      await expect.poll(() => page.getByTestId('audit-show').inputValue()).toBe('live');
      expect(await page.locator('h1').textContent()).toBe('播出审计');
      await page.getByTestId('audit-at').fill(new Date().toISOString());
      await page.getByTestId('audit-look').click();
      await expect.poll(() => page.getByTestId('audit-verdict').count()).toBe(1);
      expect(await page.getByTestId('audit-difference').textContent()).toContain('迟到订单');
      await page.screenshot({ path: 'test-results/audit-phone.png', fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });
});
