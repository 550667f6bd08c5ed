import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../shared/protocol.js';
import { launchChromium } from '../fixtures/browser.js';
import { openingBodies, VISUAL_SHOWS } from '../fixtures/opening.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { clippedTextsInPage } from '../fixtures/frame-checks.js';
import { compareWithReference, MAX_DIFF_RATIO, UPDATING } from '../fixtures/visual.js';

/**
 * The visual regression suite (docs/visual.md): every scene of the wall at 1080p, 4K and 32:9, in
 * zh-CN and en, against the references in tests/visual-ref/. Fixed data (the simulator's first two
 * minutes of 2015 at a thousandth of the day, posted to a real server on the event
 * clock), a fixed page clock (paused, then run on by hand until every animation has settled) and
 * no arcs (their particles move on the clock and their choice of orders on arrival order).
 */

const DIRECTOR = 'director-token-visual-0123456789';
const SECONDS = 120;
/** The page clock: the show's second 120 on the wall, whatever the machine's date. */
const FIXED_MS = Date.parse('2015-11-11T00:02:00+08:00');
/** The header's clock once every order is in: the show's newest order is in its second 119. */
const SHOW_CLOCK_TEXT = '00:01:59';

const VIEWPORTS = [
  { name: '1080p', width: 1920, height: 1080 },
  { name: '4k', width: 3840, height: 2160 },
  { name: '32x9', width: 5760, height: 1620 },
] as const;
const LANGS = ['en', 'zh-CN'] as const;
const SCENES: readonly Scene[] = [
  { kind: 'board' },
  { kind: 'hero' },
  { kind: 'map' },
  { kind: 'rankings' },
  { kind: 'milestone', milestone: '1000000.00' },
  { kind: 'countdown' },
];

/**
 * Stills only: the arcs' canvas is hidden (its particles are a function of the clock and of which
 * orders arrived in which batch); everything under it (land, countries' shading) stays.
 */
const STILL_CSS = '.map-arcs { visibility: hidden !important; } * { caret-color: transparent !important; }';

const dir = tempDir('e2e-visual');
let server: ServerProcess;
let browser: Browser;
/** The counter's accessible name once every order is in (the same in both languages: the first page reads it). */
const counterLabels = new Map<string, string>();

async function direct(path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/director/${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DIRECTOR}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(showsFile, JSON.stringify(VISUAL_SHOWS));
  server = await startServer(join(dir.path, 'data'), {
    SHOWS_FILE: showsFile,
    SHOW_CLOCK: 'events',
    DIRECTOR_TOKENS: DIRECTOR,
  });
  for (const body of openingBodies(2015, SECONDS)) {
    const res = await postNdjson(server.url, body);
    expect(res.status).toBe(200);
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** A fresh board on the scene on air, settled: the data in, fonts loaded, every animation run to its end. */
async function settledBoard(viewport: { width: number; height: number }, lang: string, kind: string): Promise<Page> {
  // bypassCSP: the page's policy allows no inline style, and the stills add one (STILL_CSS).
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: lang,
    timezoneId: 'UTC',
    bypassCSP: true,
  });
  await context.clock.install({ time: FIXED_MS });
  const page = await context.newPage();
  await page.goto(`${server.url}/?kiosk=1&lang=${lang}`);
  await page.addStyleTag({ content: STILL_CSS });
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="board"]')?.getAttribute('data-scene') === want,
    kind,
  );
  // Every order is in before the page opens, so the first snapshot has them all: the header's clock
  // shows the last order's second. Then the clock runs on a second at a time until the board's text
  // reads the same twice (no count-up under way), on every scene (some have no counter).
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="show-clock"]')?.textContent === want,
    SHOW_CLOCK_TEXT,
  );
  let last = '';
  for (let i = 0; i < 30; i++) {
    await page.clock.runFor(1000);
    const text = await page.evaluate(() => document.querySelector('[data-testid="board"]')?.textContent ?? '');
    if (text === last) break;
    last = text;
  }
  await page.evaluate(() => document.fonts.ready);
  // The China view's shapes come in a chunk of their own, fetched in real time: wait for it while the
  // clock still runs, so the resize it may cause (coalesced into an animation frame) runs below too.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="china-map"]')].every((e) => e.getAttribute('data-ready') === 'true'),
  );
  // Stop the clock and run it on by hand: the last transitions (bars, fades) and frames end.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
  await page.clock.runFor(2000);
  return page;
}

describe('the visual regression suite', () => {
  for (const scene of SCENES) {
    it(
      `the ${scene.kind} scene matches its references at 1080p, 4K and 32:9 in en and zh-CN, no text cut short`,
      { timeout: 300_000 },
      async () => {
        await direct('preview', { scene });
        await direct('take');
        const failures: string[] = [];
        let largest = 0;
        for (const viewport of VIEWPORTS) {
          for (const lang of LANGS) {
            const page = await settledBoard(viewport, lang, scene.kind);
            const label = await page.evaluate(
              () => document.querySelector('[data-testid="gmv-counter"]')?.getAttribute('aria-label') ?? null,
            );
            const known = counterLabels.get(lang);
            if (label !== null && known === undefined) counterLabels.set(lang, label);
            else if (label !== null) expect(label, 'every picture shows the same data').toBe(known);
            const name = `${scene.kind}-${viewport.name}-${lang}`;
            // Every text fits its box: no figure or label cut short with an ellipsis.
            for (const cut of await page.evaluate(clippedTextsInPage)) failures.push(`${name}: cut: ${cut}`);
            const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
            const result = compareWithReference(name, shot);
            largest = Math.max(largest, result.ratio);
            if (result.ratio > MAX_DIFF_RATIO) {
              failures.push(
                `${name}: ${(result.ratio * 100).toFixed(3)} % of pixels differ (${result.differing}); ` +
                  `see ${result.diffPath ?? result.actualPath}`,
              );
            }
            await page.context().close();
          }
        }
        if (!UPDATING) console.log(`visual: ${scene.kind}: at most ${(largest * 100).toFixed(4)} % of pixels differ`);
        expect(failures).toEqual([]);
      },
    );
  }
});
