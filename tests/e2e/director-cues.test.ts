import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const T0 = Date.parse('2015-11-11T00:00:00+08:00');
const dir = tempDir('e2e-director-cues');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  const file = join(dir.path, 'shows.json');
  writeFileSync(
    file,
    JSON.stringify(DEFAULT_SHOWS.map((s) => (s.id === '2015' ? { ...s, milestones: ['1000.00'] } : s))),
  );
  server = await startServer(dir.path, { DIRECTOR_TOKENS: DIRECTOR, SHOW_CLOCK: 'events', SHOWS_FILE: file });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

function sale(id: string, ms: number, amount: string) {
  return { order_id: id, ts: ms, amount, currency: 'CNY', country: 'CN', channel: 'mobile', merchant_id: 'm1' };
}

/** Waits until the board's `main` shows `scene` (polled on a timer: a page in the back gets no frames). */
async function sceneIs(page: Page, scene: string): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="board"]')?.getAttribute('data-scene') === want,
    scene,
    { timeout: 15_000, polling: 100 },
  );
}

describe('an armed milestone cue in Chromium', () => {
  it('the console arms the card; the board switches to it at the crossing, with the exact crossing time', async () => {
    expect((await (await postNdjson(server.url, ndjson([sale('a-1', T0 + 10_000, '600.00')]))).json()).accepted).toBe(
      1,
    );
    const board = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await board.goto(server.url);
    await board.getByTestId('gmv-counter').waitFor();
    await sceneIs(board, 'board');

    const console = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await console.goto(`${server.url}/director`);
    await console.getByTestId('director-token').fill(DIRECTOR);
    await console.getByTestId('director-sign-in').click();
    await console.getByTestId('cue-amount').fill('1000');
    await console.getByTestId('cue-mode-auto').check();
    await console.getByTestId('cue-arm').click();
    await expect.poll(() => console.getByTestId('cue-state').getAttribute('data-state')).toBe('armed');
    await expect.poll(() => console.getByTestId('preview').getAttribute('data-scene')).toBe('milestone');
    expect(await board.getByTestId('board').getAttribute('data-scene')).toBe('board');

    // 500.00 at 00:00:20.300 China time (16:00:20.300 UTC) takes gross GMV to 1000.00.
    const res = await postNdjson(server.url, ndjson([sale('a-2', T0 + 20_300, '500.00')]));
    expect((await res.json()).accepted).toBe(1);
    await sceneIs(board, 'milestone');
    await expect.poll(() => board.getByTestId('milestone-card').textContent()).toContain('reached at 00:00:20');
    await expect.poll(() => console.getByTestId('cue-state').getAttribute('data-state')).toBe('on-air');
    expect(await console.getByTestId('cue-state').textContent()).toContain('16:00:20.300');
    await expect.poll(() => console.getByTestId('program').getAttribute('data-scene')).toBe('milestone');
    const first = console.locator('[data-testid="audit"] li').first();
    expect(await first.getAttribute('data-action')).toBe('take');
    expect(await first.textContent()).toContain('auto');
    await console.screenshot({ path: `${ARTIFACTS}/director-cue.png` });
  });
});
