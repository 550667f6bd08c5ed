import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import {
  blankPanels,
  figuresGoingBack,
  overlappingTexts,
  recordDomFrames,
  stopDomFrames,
  type DomFrame,
} from '../fixtures/frame-checks.js';
import { framesWithDuplicateRows, recordRankFrames, stopRankFrames } from '../fixtures/frames.js';
import { OPENING_SCALE, OPENING_SEED, VISUAL_SHOWS } from '../fixtures/opening.js';
import { startServer, tempDir, TOKEN, type ServerProcess } from '../fixtures/server.js';
import { VISUAL_ARTIFACTS } from '../fixtures/visual.js';

/**
 * The recorded opening (docs/visual.md): the 2015 day's first 40 seconds at a thousandth of its
 * orders, sent at real speed by the simulator (its own process, as an outside client) into a real
 * server; a 1080p board in each language sampled every 100 ms (10 frames a second) in the page and screenshotted as
 * often as it can keep up with (at most 10 a second), then every frame checked.
 */

const SECONDS = 40;
const FRAME_MS = 100;
const RANKINGS = ['rank-country', 'rank-category', 'rank-merchant'];

const dir = tempDir('e2e-opening');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(showsFile, JSON.stringify(VISUAL_SHOWS));
  server = await startServer(join(dir.path, 'data'), { SHOWS_FILE: showsFile, SHOW_CLOCK: 'events' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** Runs the simulator over the opening at real speed; resolves with its exit code and output. */
function simulate(): Promise<{ code: number | null; output: string }> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/simulate.ts',
      ...['--year', '2015', '--scale', String(OPENING_SCALE), '--seed', String(OPENING_SEED)],
      ...['--speed', '1', '--from', '0', '--to', String(SECONDS), '--quiet'],
      ...['--url', server.url, '--token', TOKEN],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, output })));
}

interface Shot {
  png: Buffer;
  /** The DOM frame sampled last before it (the panels' boxes do not move during the opening). */
  frame: DomFrame;
}

/** Screenshots until `done`, one per FRAME_MS slot at most. */
async function screenshots(page: Page, done: () => boolean): Promise<Shot[]> {
  const shots: Shot[] = [];
  let next = performance.now();
  while (!done()) {
    const frame = await page.evaluate(() => (window as unknown as { domFrames: DomFrame[] }).domFrames.at(-1)!);
    shots.push({ png: await page.screenshot({ type: 'png' }), frame });
    next += FRAME_MS;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = performance.now();
  }
  return shots;
}

const LANGS = ['en', 'zh-CN'] as const;

describe('the recorded opening', () => {
  it('2015 at real speed: no blank panel, no overlapping text, no row twice, no figure going back', async () => {
    // One board per language, side by side on the same feed.
    const pages: Page[] = [];
    for (const lang of LANGS) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${server.url}/?kiosk=1&lang=${lang}`);
      await page.getByTestId('gmv-counter').waitFor();
      pages.push(page);
    }
    const run = simulate();
    // The opening starts with the first orders on the board.
    for (const page of pages) {
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="orders-total"]')?.getAttribute('data-value') ?? '0') > 0,
        undefined,
        { timeout: 30_000 },
      );
      await recordRankFrames(page, RANKINGS);
      await recordDomFrames(page, FRAME_MS);
    }
    let finished = false;
    const sent = run.then((r) => {
      finished = true;
      return r;
    });
    const shots = await Promise.all(pages.map((page) => screenshots(page, () => finished)));
    const { code, output } = await sent;
    expect(code, output).toBe(0);
    // A last second for the final tick to reach the boards.
    await pages[0]!.waitForTimeout(1000);

    for (const [p, page] of pages.entries()) {
      const lang = LANGS[p]!;
      const frames = await stopDomFrames(page);
      const rankFrames = await stopRankFrames(page);
      await page.close();
      console.log(
        `opening (${lang}): ${frames.length} DOM frames (every ${FRAME_MS} ms), ${shots[p]!.length} screenshots, ` +
          `${rankFrames.length / RANKINGS.length} animation frames of ${RANKINGS.length} rankings checked`,
      );
      // Liveness bounds, not timings: the recording spans the simulator's 40 s of real time, sampled
      // every 100 ms (half of that on a loaded machine still passes) and screenshotted as fast as it goes.
      expect(frames.length).toBeGreaterThanOrEqual(SECONDS * 5);
      expect(shots[p]!.length).toBeGreaterThanOrEqual(SECONDS / 4);

      const at = (f: DomFrame) => `${lang} ${(f.atMs / 1000).toFixed(1)} s`;
      expect(frames.flatMap((f) => overlappingTexts(f).map((o) => `${at(f)} ${o}`))).toEqual([]);
      expect(figuresGoingBack(frames)).toEqual([]);
      expect(framesWithDuplicateRows(rankFrames)).toEqual([]);
      // The figures really moved: the opening is on the board, not a frozen page.
      expect(Number(frames.at(-1)!.figures.orders)).toBeGreaterThan(Number(frames[0]!.figures.orders));
      expect(frames.at(-1)!.panels.length).toBeGreaterThanOrEqual(10);

      const blank: string[] = [];
      for (const [i, shot] of shots[p]!.entries()) {
        const empty = blankPanels(shot.png, shot.frame);
        if (empty.length === 0) continue;
        blank.push(`${lang} screenshot ${i}: ${empty.join(', ')}`);
        mkdirSync(VISUAL_ARTIFACTS, { recursive: true });
        writeFileSync(join(VISUAL_ARTIFACTS, `opening-${lang}-blank-${i}.png`), shot.png);
      }
      expect(blank).toEqual([]);
    }
  });
});
