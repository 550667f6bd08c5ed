import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Presented } from '../../client/live/present.js';
import { describeFrameLock, frameLockStats } from '../../scripts/bench/frame-lock-stats.js';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

// Several boards on one server: each shows every message at its presentAtMs, on the server clock
// it measured. Each page records (?probe=1) the frame that applied each seq; the spread of those
// frames across pages is printed, not asserted (it depends on the machine's load).

const PAGES = Number(process.env.FRAME_LOCK_PAGES ?? 4);
const BATCHES = 12;
const dir = tempDir('frame-lock');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

const paints = (page: Page) =>
  page.evaluate(() => (window as unknown as { __gmvPaints?: Presented[] }).__gmvPaints ?? []);

describe('frame-locked boards in Chromium', () => {
  it('paints every tick on every board in order, each at or after its presentation time', async () => {
    const pages: Page[] = [];
    const errors: string[] = [];
    for (let i = 0; i < PAGES; i++) {
      // Small pages: four boards share two cores with the server here, and a page that cannot paint
      // in time receives its messages after their time (the line below counts them).
      const page = await browser.newPage({ viewport: { width: 320, height: 180 } });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/?probe=1`);
      pages.push(page);
    }
    // Every board has painted its snapshot and measured its clock.
    for (const page of pages) {
      await page.waitForFunction(
        () => ((window as unknown as { __gmvPaints?: Presented[] }).__gmvPaints ?? []).some((p) => p.offsetMs !== null),
        undefined,
        { timeout: 20_000 },
      );
    }
    const startSeq = Math.max(...(await Promise.all(pages.map(paints))).map((ps) => ps.at(-1)!.seq));

    for (let k = 0; k < BATCHES; k++) {
      const batch = Array.from({ length: 50 }, (_, i) => order(1 + k * 50 + i, { country: 'CN' }));
      const res = await postNdjson(server.url, ndjson(batch));
      expect((await res.json()).accepted).toBe(50);
      await new Promise((r) => setTimeout(r, 150 + (k % 3) * 70));
    }
    // Every board has painted the orders.
    for (const page of pages) {
      await expect
        .poll(() => page.getByTestId('orders-total').getAttribute('data-value'), { timeout: 20_000 })
        .toBe(String(BATCHES * 50));
    }
    // And the seqs every board has reached by now.
    await new Promise((r) => setTimeout(r, 500));
    const all = await Promise.all(pages.map(paints));
    const endSeq = Math.min(...all.map((ps) => ps.at(-1)!.seq));
    expect(endSeq - startSeq).toBeGreaterThan(3);

    for (const ps of all) {
      const window = ps.filter((p) => p.seq > startSeq && p.seq <= endSeq);
      // In order, each seq once, none missing: every board painted every tick it received.
      expect(window.map((p) => p.seq)).toEqual(Array.from({ length: endSeq - startSeq }, (_, i) => startSeq + 1 + i));
      for (const p of window) {
        expect(p.presentAtMs, `seq ${p.seq} carries a presentation time`).not.toBeNull();
        expect(p.offsetMs, `seq ${p.seq} applied with a measured offset`).not.toBeNull();
        expect(p.dueMs).toBe(Math.min(p.presentAtMs! + p.offsetMs!, p.arrivedMs + 10_000));
        // Never before its time: in the frame that starts at or after it.
        expect(p.frameMs).toBeGreaterThanOrEqual(p.dueMs);
      }
    }
    const stats = frameLockStats(all, startSeq, endSeq);
    expect(stats.ticks).toBe(endSeq - startSeq);
    console.log(`frame lock: ${describeFrameLock(stats)}; load ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`);
    expect(errors).toEqual([]);
    for (const page of pages) await page.close();
  });
});
