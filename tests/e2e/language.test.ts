import { mkdirSync, existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRINGS } from '../../client/i18n/strings.js';
import type { Lang } from '../../client/i18n/lang.js';
import { launchChromium } from '../fixtures/browser.js';
import { fenOf, ndjson, order } from '../fixtures/orders.js';
import { freePort, postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const ARTIFACTS = 'test-results';
const dir = tempDir('e2e-lang');
let server: ServerProcess;
let browser: Browser;
/** The exact gross of the orders posted, fen. */
let fen = 0;

beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer(dir.path, {}, await freePort());
  // Large orders, so the rankings' compact figures reach 万 and the hero has many digits.
  const orders = Array.from({ length: 120 }, (_, i) =>
    order(i + 1, { amount: `${98_765 + i * 1_013}.${String(i % 100).padStart(2, '0')}` }),
  );
  const res = await postNdjson(server.url, ndjson(orders));
  expect((await res.json()).accepted).toBe(orders.length);
  fen = orders.reduce((s, o) => s + fenOf(o), 0);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

const HAN = /\p{Script=Han}/u;
const SIZES = [
  ['1080p', 1920, 1080],
  ['4k', 3840, 2160],
] as const;

/** The font Chromium actually drew a node's text with (CDP), so tofu or a fallback face shows up. */
async function renderedFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map((f) => f.familyName);
}

async function openBoard(lang: Lang, width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}/?lang=${lang}`);
  // The hero settles on the exact gross: every digit, whatever the language.
  await page.waitForFunction(
    (want) =>
      (document.querySelector('[data-testid="gmv-counter-display"]')?.textContent ?? '').replace(/\D/g, '') === want,
    String(fen),
    { timeout: 20_000 },
  );
  await page.locator('[data-testid="rank-country"] .rank-value').first().waitFor();
  return { page, requests };
}

describe('the board in each on-air language', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const [name, width, height] of SIZES) {
      it(`speaks ${lang} at ${name}, keeps every digit of the hero and loads no remote font`, async () => {
        const { page, requests } = await openBoard(lang, width, height);
        const dict = STRINGS[lang];
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        expect(await page.title()).toBe(dict['app.title']);

        const heroLabel = await page.locator('.hero .panel-label').textContent();
        const ordersLabel = await page.locator('.kpis .panel-label').first().textContent();
        const countriesTitle = await page.locator('[data-testid="rank-country"] .panel-label').textContent();
        expect([heroLabel, ordersLabel, countriesTitle]).toEqual([
          dict['hero.label'],
          dict['kpi.orders'],
          dict['dimension.country'],
        ]);
        // The text language of the labels, not only the keys: Chinese characters in zh-CN, none in en.
        for (const text of [ordersLabel, countriesTitle]) expect(HAN.test(text ?? '')).toBe(lang === 'zh-CN');

        const top = await page.locator('[data-testid="rank-country"] .rank-value').first().textContent();
        expect(top).toMatch(lang === 'zh-CN' ? /^¥\d+(\.\d+)?万$/ : /^¥\d+(\.\d+)?[KM]$/);
        const hero = await page.getByTestId('gmv-counter-display').textContent();
        expect(hero?.replace(/\D/g, '')).toBe(String(fen));
        expect(await page.getByTestId('gmv-counter').getAttribute('aria-label')).toContain(hero);

        if (lang === 'zh-CN') {
          const fonts = await renderedFonts(page, '[data-testid="rank-country"] .panel-label');
          expect(fonts.some((f) => /Noto Sans CJK/.test(f))).toBe(true);
        }
        const overflow = await page.evaluate(() => ({
          x: document.documentElement.scrollWidth - window.innerWidth,
          y: document.documentElement.scrollHeight - window.innerHeight,
        }));
        expect(overflow).toEqual({ x: 0, y: 0 });
        await page.screenshot({ path: `${ARTIFACTS}/board-${lang}-${name}.png` });

        // Everything the page asked for came from the board's own server: no font host, no CDN.
        const origin = new URL(server.url).origin;
        const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
        expect(foreign).toEqual([]);
        expect(requests.filter((u) => /\.(woff2?|ttf|otf)(\?|$)|fonts\.(googleapis|gstatic)/.test(u))).toEqual([]);
        await page.close();
      });
    }
  }
  it('puts /exec and /replay in Chinese too, with the exec figures in full', async () => {
    const dict = STRINGS['zh-CN'];
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/exec?lang=zh-CN`);
    await expect
      .poll(() => page.getByTestId('exec-gross').getAttribute('data-value'), { timeout: 20_000 })
      .toBe((fen / 100).toFixed(2));
    expect((await page.getByTestId('exec-gross').textContent())?.replace(/\D/g, '')).toBe(String(fen));
    expect(await page.locator('.exec-gross h2').textContent()).toBe(dict['exec.gross']);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: `${ARTIFACTS}/exec-zh-CN.png` });

    await page.goto(`${server.url}/replay?lang=zh-CN`);
    await expect.poll(() => page.getByTestId('replay-start').textContent()).toBe(dict['replay.start']);
    expect(await page.title()).toBe(dict['app.replayTitle']);
    await page.close();
  });
});
