import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { freePort, postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const ARTIFACTS = 'test-results';
const dir = tempDir('e2e-map');
let server: ServerProcess;
let browser: Browser;
const pageErrors: string[] = [];
let nextId = 1;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer(dir.path, {}, await freePort());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.getByTestId('board').waitFor();
  return page;
}

/**
 * Posts a batch of orders every 250 ms until stopped, so arcs keep flying while the page is
 * looked at (an arc lives about two seconds). `country(i)` is the buyer's country of order i.
 * The server sends arcs as [hub, country] today: no province, no merchant location.
 */
function keepPosting(country: (i: number) => string): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      const batch = Array.from({ length: 40 }, () => {
        const i = nextId++;
        return order(i, { order_id: `map-${i}`, country: country(i) });
      });
      await postNdjson(server.url, ndjson(batch));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Pixels the arc canvas of `testId`'s map has painted (poll it: arcs come and go). */
async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"] canvas.map-arcs`) as HTMLCanvasElement | null;
    if (canvas === null || canvas.width === 0) return 0;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
    return n;
  }, testId);
}

describe('the map panel chooses where flows are drawn', () => {
  it('shows the China view, with province shapes and domestic arcs, when almost all orders are domestic', async () => {
    const page = await open('/');
    const stop = keepPosting((i) => (i % 20 === 0 ? 'US' : 'CN'));
    try {
      const map = page.getByTestId('map');
      await expect.poll(() => map.getAttribute('data-view'), { timeout: 20_000 }).toBe('china');
      await page.locator('[data-testid="china-map"][data-ready="true"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-testid="china-map"] path.map-province').count()).toBe(31);
      // Hong Kong, Macao and Taiwan are drawn too, and the South China Sea islands in their inset.
      expect(await page.locator('[data-testid="china-map"] path.map-region').count()).toBe(3);
      expect(await page.locator('[data-testid="map-inset"] path').getAttribute('d')).toMatch(/^M/);
      expect(await page.locator('[data-testid="world-map"]').count()).toBe(0);
      await expect.poll(() => paintedPixels(page, 'china-map'), { timeout: 10_000 }).toBeGreaterThan(50);
      // Today's arcs carry no province or merchant location: both stand-ins are labelled on screen.
      await expect.poll(() => page.getByTestId('map-sink').getAttribute('display')).toBe('inline');
      await expect(page.getByTestId('map-origin-note').isVisible()).resolves.toBe(true);
      expect(await page.getByTestId('map-origin-note').textContent()).toBe('origin ≈ merchant hub');
      await expect
        .poll(async () => Number(await page.getByTestId('orders-per-arc').getAttribute('data-value')))
        .toBeGreaterThan(0);
      expect(Number(await page.getByTestId('map-view').getAttribute('data-value'))).toBeGreaterThanOrEqual(60);
      await page.screenshot({ path: `${ARTIFACTS}/map-china-1080p.png` });
      // The 4K wall: the view is laid out again, and the arcs in flight keep flying.
      await page.setViewportSize({ width: 3840, height: 2160 });
      await expect.poll(() => paintedPixels(page, 'china-map'), { timeout: 10_000 }).toBeGreaterThan(50);
      await page.screenshot({ path: `${ARTIFACTS}/map-china-3840x2160.png` });
      // A 32:9 wall has room for both views side by side: China's flows and the world's.
      await page.setViewportSize({ width: 3840, height: 1080 });
      await expect.poll(() => map.getAttribute('data-view')).toBe('both');
      await page.locator('[data-testid="china-map"][data-ready="true"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-testid="world-map"] path.map-country').count()).toBeGreaterThan(150);
      await expect.poll(() => paintedPixels(page, 'china-map'), { timeout: 10_000 }).toBeGreaterThan(50);
      await page.screenshot({ path: `${ARTIFACTS}/map-both-3840x1080.png` });
    } finally {
      await stop();
    }
    await page.close();
  });

  it('names provinces in the screen language', async () => {
    const page = await open('/?map=china&lang=zh-CN');
    await page.locator('[data-testid="china-map"][data-ready="true"]').waitFor({ timeout: 10_000 });
    const sichuan = page.locator('[data-testid="china-map"] text.map-province-label[data-id="51"]');
    expect(await sichuan.textContent()).toBe('四川');
    expect(await page.getByTestId('map-view').textContent()).toContain('全国');
    await page.close();
  });

  it('shows the world, with cross-border arcs, when most orders cross a border', async () => {
    const page = await open('/');
    const abroad = ['US', 'JP', 'DE', 'RU', 'AU', 'BR'];
    const stop = keepPosting((i) => (i % 5 === 0 ? 'CN' : abroad[i % abroad.length]!));
    try {
      const map = page.getByTestId('map');
      // The first batches decide (the view starts on the world); it must still be the world once the window is full.
      await expect
        .poll(() => page.getByTestId('map-view').getAttribute('data-value'), { timeout: 20_000 })
        .not.toBe('');
      expect(await map.getAttribute('data-view')).toBe('world');
      expect(await page.locator('[data-testid="world-map"] path.map-country').count()).toBeGreaterThan(150);
      expect(await page.locator('[data-testid="china-map"]').count()).toBe(0);
      await expect.poll(() => paintedPixels(page, 'world-map'), { timeout: 10_000 }).toBeGreaterThan(50);
      await page.screenshot({ path: `${ARTIFACTS}/map-world-1080p.png` });
    } finally {
      await stop();
    }
    await page.close();
  });

  it('keeps the view the screen asks for with ?map=world, whatever the shares', async () => {
    const page = await open('/?map=world');
    const stop = keepPosting(() => 'CN');
    try {
      await expect
        .poll(() => page.getByTestId('map-view').getAttribute('data-value'), { timeout: 20_000 })
        .not.toBe('');
      expect(await page.getByTestId('map').getAttribute('data-view')).toBe('world');
    } finally {
      await stop();
    }
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
