import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const SENDER = `ingest:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 12)}`;
const dir = tempDir('e2e-feed-watch');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path, {
    DIRECTOR_TOKENS: DIRECTOR,
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
  it('shows a burst of rejected lines as an alert with its sender, figure and threshold', async () => {
    const console = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await console.goto(`${server.url}/director`);
    await console.getByTestId('director-token').fill(DIRECTOR);
    await console.getByTestId('director-sign-in').click();
    await console.getByTestId('feed-ok').waitFor({ timeout: 15_000 });

    const lines = [order(1), order(2), order(3), order(4), order(5), 'not json', 'not json either'];
    const res = await postNdjson(server.url, ndjson(lines));
    expect((await res.json()).rejected).toHaveLength(2);
    const alert = console.locator('[data-testid="feed-alerts"] li[data-kind="rejections"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.getAttribute('data-subject')).toBe(SENDER);
    expect(await alert.textContent()).toContain('28.6% of its lines (limit 20%)');
    await console.getByTestId('feed-watch').screenshot({ path: `${ARTIFACTS}/director-feed-watch.png` });
  });
});
