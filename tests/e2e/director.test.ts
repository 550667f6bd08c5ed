import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/browser.js';
import { ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';
import { ARTIFACTS } from '../fixtures/stage.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('e2e-director');
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  server = await startServer(dir.path, { DIRECTOR_TOKENS: DIRECTOR, SHOW_CLOCK: 'events' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

/** Waits until the board's `main` shows `scene` (polled on a timer: a page in the back gets no frames). */
async function sceneIs(page: Page, scene: string): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="board"]')?.getAttribute('data-scene') === want,
    scene,
    { timeout: 15_000, polling: 100 },
  );
}

describe("the director's console in Chromium", () => {
  it('a take switches both boards to the new scene and the console shows it on program', async () => {
    const res = await postNdjson(server.url, ndjson([order(1), order(2)]));
    expect((await res.json()).accepted).toBe(2);
    const boards = await Promise.all([1, 2].map(() => browser.newPage({ viewport: { width: 1280, height: 720 } })));
    for (const b of boards) {
      await b.goto(server.url);
      await b.getByTestId('gmv-counter').waitFor();
      await sceneIs(b, 'board');
    }
    const console = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await console.goto(`${server.url}/director`);
    // A wrong token is refused, and the console asks again.
    await console.getByTestId('director-token').fill('not-the-director-token');
    await console.getByTestId('director-sign-in').click();
    await console.getByText('The token was refused').waitFor();
    await console.getByTestId('director-token').fill(DIRECTOR);
    await console.getByTestId('director-sign-in').click();
    await expect.poll(() => console.getByTestId('program').getAttribute('data-scene')).toBe('board');

    await console.getByTestId('scene-hero').click();
    await expect.poll(() => console.getByTestId('preview').getAttribute('data-scene')).toBe('hero');
    // Only previewed: nothing changed on air.
    for (const b of boards) expect(await b.getByTestId('board').getAttribute('data-scene')).toBe('board');

    await console.getByTestId('take').click();
    await expect.poll(() => console.getByTestId('program').getAttribute('data-scene')).toBe('hero');
    for (const b of boards) {
      await sceneIs(b, 'hero');
      await b.getByTestId('gmv-counter').waitFor();
      await expect.poll(() => b.locator('[data-testid="curve"], .area-curve').count()).toBe(0);
    }
    await console.getByTestId('hold').click();
    await expect.poll(() => console.getByTestId('program-hold').textContent()).toMatch(/^HELD at seq \d+$/);
    await expect
      .poll(() => console.locator('[data-testid="audit"] li').evaluateAll((li) => li.map((l) => l.dataset.action)))
      .toEqual(['hold', 'take', 'preview']);
    await boards[0]!.screenshot({ path: `${ARTIFACTS}/director-hero-scene.png` });
    // Tall enough for every panel of the console (it scrolls inside its own box).
    await console.setViewportSize({ width: 1280, height: 1900 });
    await console.screenshot({ path: `${ARTIFACTS}/director-console.png` });
  });
});
