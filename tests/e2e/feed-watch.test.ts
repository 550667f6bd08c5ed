import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const OTHER = 'another-sender-token-0123456789';
const SENDER = `ingest:${createHash('sha256').update(OTHER).digest('hex').slice(0, 12)}`;
const START_2015 = Date.parse('2015-11-11T00:00:00+08:00');
const START_2014 = Date.parse('2014-11-11T00:00:00+08:00');
const dir = tempDir('e2e-feed-watch');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path, {
    DIRECTOR_TOKENS: DIRECTOR,
    INGEST_TOKENS: `${TOKEN},${OTHER}`,
    SHOW_CLOCK: 'events',
    FEED_WATCH_WINDOW_SECONDS: '600',
    FEED_WATCH_MIN_ORDERS: '5',
    FEED_WATCH_REJECT_PCT: '20',
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

describe("the director's feed watch in Chromium", () => {
  it('shows the rate inside its band, then a burst of rejected lines as an alert with its sender and figure', async () => {
    // Last year and this year: three orders a second (one per channel) for two minutes.
    let id = 0;
    const sale = (start: number, s: number, c: number) => ({
      ...order(++id),
      order_id: `fw-${id}`,
      ts: start + s * 1000 + 500,
      channel: ['mobile', 'pc', 'offline'][c],
    });
    const lastYear = [];
    for (let s = 0; s < 120; s++) for (let c = 0; c < 3; c++) lastYear.push(sale(START_2014, s, c));
    expect((await postNdjson(server.url, ndjson(lastYear))).status).toBe(200);
    for (let from = 0; from < 120; from += 10) {
      const batch = [];
      for (let s = from; s < from + 10; s++) for (let c = 0; c < 3; c++) batch.push(sale(START_2015, s, c));
      expect((await postNdjson(server.url, ndjson(batch))).status).toBe(200);
    }

    const console = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await console.goto(`${server.url}/director`);
    await console.getByTestId('director-token').fill(DIRECTOR);
    await console.getByTestId('director-sign-in').click();
    await console.getByTestId('feed-ok').waitFor({ timeout: 15_000 });
    // Last year's orders are read within seconds of the show having them.
    await expect
      .poll(() => console.getByTestId('feed-rate').textContent(), { timeout: 20_000 })
      .toMatch(/^Orders\/s 3 band 1\.8–4\.2 \(last year × 1\)$/);

    const lines = [...Array.from({ length: 5 }, () => sale(START_2015, 119, 0)), 'not json', 'not json either'];
    const res = await postNdjson(server.url, ndjson(lines), { authorization: `Bearer ${OTHER}` });
    expect((await res.json()).rejected).toHaveLength(2);
    const alert = console.locator('[data-testid="feed-alerts"] li[data-kind="rejections"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.getAttribute('data-subject')).toBe(SENDER);
    expect(await alert.textContent()).toContain('28.6% of its lines (limit 20%)');
    await console.getByTestId('feed-watch').screenshot({ path: `${ARTIFACTS}/director-feed-watch.png` });
  });
});
