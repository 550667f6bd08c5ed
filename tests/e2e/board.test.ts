import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { cnyLabel, fenOf, ndjson, order } from '../fixtures/orders.js';
import { freePort, postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const ARTIFACTS = 'test-results';
const dir = tempDir('e2e');
let server: ServerProcess;
let browser: Browser;
let port: number;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync(ARTIFACTS, { recursive: true });
  port = await freePort();
  server = await startServer(dir.path, {}, port);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

async function counterLabel(page: Page): Promise<string | null> {
  return page.getByTestId('gmv-counter').getAttribute('aria-label');
}

async function waitForLabel(page: Page, label: string): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="gmv-counter"]')?.getAttribute('aria-label') === want,
    label,
    { timeout: 20_000 },
  );
}

describe('the board in Chromium', () => {
  it('reaches the exact total and keeps it through a server kill -9 and restart', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('console', (m) => {
      // While the server is down, Chromium itself reports the refused WebSocket; that is not the page's error.
      if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(m.text()))
        consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(server.url);
    await waitForLabel(page, 'GMV ¥0.00');

    const known = Array.from({ length: 400 }, (_, i) => order(i + 1, { country: 'CN' }));
    let fen = 0;
    for (let k = 0; k < 4; k++) {
      const batch = known.slice(k * 100, k * 100 + 100);
      // Each batch also carries a resend of the previous one and an invalid line.
      const lines = [...batch, ...known.slice(Math.max(0, k - 1) * 100, k * 100), '{"order_id":"x"'];
      const res = await postNdjson(server.url, ndjson(lines));
      expect((await res.json()).accepted).toBe(100);
      fen += batch.reduce((s, o) => s + fenOf(o), 0);
    }
    const label = `GMV ${cnyLabel(fen)}`;
    await waitForLabel(page, label);
    await expect.poll(() => page.getByTestId('orders-total').getAttribute('data-value')).toBe('400');
    // The digits catch up with the exact value.
    await expect
      .poll(() => page.getByTestId('gmv-counter-display').textContent(), { timeout: 15_000 })
      .toContain(cnyLabel(fen).slice(1));
    await page.screenshot({ path: `${ARTIFACTS}/board-1080p.png` });

    await server.kill('SIGKILL');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('reconnecting');
    expect(await counterLabel(page)).toBe(label);

    server = await startServer(dir.path, {}, port);
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('live');
    expect(await counterLabel(page)).toBe(label);

    const more = order(9999, { country: 'CN' });
    await postNdjson(server.url, ndjson([more]));
    await waitForLabel(page, `GMV ${cnyLabel(fen + fenOf(more))}`);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('fills a 4K screen without scrollbars', async () => {
    const page = await browser.newPage({ viewport: { width: 3840, height: 2160 } });
    await page.goto(server.url);
    await page.getByTestId('gmv-counter').waitFor();
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });
    await page.screenshot({ path: `${ARTIFACTS}/board-4k.png` });
    await page.close();
  });
});
