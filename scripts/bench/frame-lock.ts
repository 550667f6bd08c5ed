/**
 * `node --import tsx scripts/bench/frame-lock.ts --url http://127.0.0.1:3000 [--pages 4 --seconds 20]`:
 * opens several boards of a running server (e.g. `npm run demo`) in one headless Chromium, each
 * with ?probe=1, lets them run, and prints the spread across boards of the frames that painted
 * each tick (p50/p95/max, target one frame: 16.7 ms) and the machine's load. Optional: the
 * Chromium test tests/e2e/frame-lock.test.ts prints the same line.
 */
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { flag, readFlags } from '../../shared/cli/args.js';
import { describeFrameLock, frameLockStats, type Paint } from './frame-lock-stats.js';

const flags = readFlags({
  name: 'bench:frame-lock',
  usage: 'node --import tsx scripts/bench/frame-lock.ts --url URL [flags]',
  about: 'The spread across boards of the frame that painted each tick, on a running server.',
  flags: {
    url: flag.string({ description: 'the server (its board page)', placeholder: 'URL' }),
    pages: flag.int({ description: 'boards, one page each', default: 4, min: 2, max: 32 }),
    seconds: flag.int({ description: 'how long to watch them', default: 20, min: 2, max: 3600 }),
    token: flag.string({ description: 'a viewer token, when access is closed', placeholder: 'TOKEN' }),
    width: flag.int({ description: 'page width (height: 9/16 of it)', default: 640, min: 320, max: 3840 }),
    chromium: flag.string({
      description: 'the Chromium binary',
      default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    }),
  },
});
const log = (s: string): boolean => process.stderr.write(`bench:frame-lock: ${s}\n`);

if (flags.url === undefined) {
  process.stderr.write('bench:frame-lock: --url is required (a running server, e.g. npm run demo)\n');
  process.exit(2);
}
const page = new URL(flags.url);
page.searchParams.set('probe', '1');
if (flags.token) page.searchParams.set('token', flags.token);

const browser = await chromium.launch({
  executablePath: flags.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const viewport = { width: flags.width, height: Math.round((flags.width * 9) / 16) };
  const pages = await Promise.all(Array.from({ length: flags.pages }, () => browser.newPage({ viewport })));
  const read = () => (window as unknown as { __gmvPaints?: Paint[] }).__gmvPaints ?? [];
  await Promise.all(pages.map((p) => p.goto(page.href)));
  await Promise.all(
    pages.map((p) =>
      p.waitForFunction(
        () => ((window as unknown as { __gmvPaints?: Paint[] }).__gmvPaints ?? []).some((x) => x.offsetMs !== null),
        undefined,
        { timeout: 30_000 },
      ),
    ),
  );
  const first = (await Promise.all(pages.map((p) => p.evaluate(read)))).map((ps) => ps.at(-1)!.seq);
  const fromSeq = Math.max(...first);
  for (let s = 0; s < flags.seconds; s++) {
    process.stderr.write(`\rbench:frame-lock: watching ${flags.pages} boards ${s + 1}/${flags.seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stderr.write('\n');
  const all = await Promise.all(pages.map((p) => p.evaluate(read)));
  const toSeq = Math.min(...all.map((ps) => ps.at(-1)!.seq));
  const stats = frameLockStats(all, fromSeq, toSeq);
  if (stats.ticks === 0) log('no tick reached every board: is the server live?');
  console.log(`frame lock: ${describeFrameLock(stats)}; load ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`);
} finally {
  await browser.close();
}
