/**
 * Frame-time benchmark of the on-air board: a fresh server (temp DATA_DIR, show
 * clock on events, last year loaded for the overlay), the simulator streaming an
 * 11.11 day into it, and the built board in headless Chromium. Measures frame
 * gaps (requestAnimationFrame in the page), long tasks, and the JS heap over time
 * to show whether memory stays flat (the 2014 on-air leak).
 *
 *   npm run bench:board                      # 10 minutes
 *   npm run bench:board -- --quick           # 60 s
 *   npm run bench:board -- --duration 300 --sim="--scale 0.002 --speed 30" --width 3840 --height 2160
 *   npm run bench:board -- --quick --console  # with the director's console open in its own window
 *
 * Needs `npm run build` first. Prints a table and writes bench/results/board-latest.json.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type CDPSession } from 'playwright-core';
import { flag, readFlags } from '../shared/cli/args.js';
import { progressBar } from '../shared/cli/progress.js';
import { finished, run, type Proc } from './board/procs.js';
import { startServer } from './bench/server.js';
import { compositedLayers } from './board/layers.js';
import { DRAIN, overlapsAny, PROBE, type ProbeDrain, type Span } from './board/probe.js';
import { selfTimes, traceTimes, type CpuProfile, type SelfTime, type TraceEvent } from './board/profile.js';
import { fixed, MB, quantile, slope, table } from './board/stats.js';

const flags = readFlags({
  name: 'bench:board',
  usage: 'npm run bench:board [-- flags]',
  about:
    'Frame times, long tasks and the JS heap of the built board in headless Chromium while the\n' +
    'simulator streams a day into a fresh server. Needs `npm run build` first.',
  flags: {
    duration: flag.number({ description: 'seconds to measure', default: 600, min: 0, above: true }),
    quick: flag.boolean({ description: '60 seconds' }),
    sim: flag.string({
      description: 'flags for the simulator',
      default: '--year 2015 --scale 0.002 --speed 30 --from 0',
      placeholder: '"FLAGS"',
    }),
    'last-year': flag.number({
      description: "scale of last year's day loaded first; 0: none",
      default: 0.001,
      min: 0,
      max: 1,
    }),
    width: flag.int({ description: 'viewport width', default: 1920, min: 100, max: 10_000 }),
    height: flag.int({ description: 'viewport height', default: 1080, min: 100, max: 10_000 }),
    console: flag.boolean({ description: "the director's console open in its own window (its fleet polls)" }),
    trace: flag.number({
      description: 'seconds of a Chromium trace taken at the start of the measurement, summed by event and thread',
      default: 0,
      min: 0,
      max: 60,
    }),
    profile: flag.string({
      description: 'write a CPU profile of the board over the measurement and print its heaviest functions',
      default: '',
      placeholder: 'FILE.cpuprofile',
    }),
    out: flag.string({
      description: 'the JSON report',
      default: 'bench/results/board-latest.json',
      placeholder: 'FILE',
    }),
  },
});

const SAMPLE_MS = 5000;
const GC_EVERY_SAMPLES = 12;
const WARMUP_MS = 5000;
const FRAME_BUDGET_MS = 1000 / 60;

interface HeapSample {
  atMin: number;
  usedMb: number;
  nodes: number;
  listeners: number;
  /** Cumulative seconds the page's main thread spent in tasks, scripts, layout and style (CDP). */
  taskS: number;
  scriptS: number;
  layoutS: number;
  styleS: number;
}

async function main(): Promise<void> {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  const durationS = flags.quick ? 60 : flags.duration;
  const viewport = { width: flags.width, height: flags.height };
  const dir = mkdtempSync(join(tmpdir(), 'gmv-board-bench-'));
  const token = randomBytes(16).toString('hex');
  const director = randomBytes(16).toString('hex');
  const env = {
    DATA_DIR: dir,
    INGEST_TOKENS: token,
    DIRECTOR_TOKENS: director,
    SHOW_CLOCK: 'events',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  };
  const procs: Proc[] = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
  try {
    const lastYear = flags['last-year'];
    if (lastYear > 0) {
      log(`loading last year's day at scale ${lastYear} ...`);
      const load = run('server/tools/load-day.ts', ['--year', '2014', '--scale', String(lastYear)], env);
      await finished(load, 'load-day');
    }
    const server = await startServer(env, { graceMs: 10_000 });
    procs.push({ child: server.proc, output: server.output, stop: server.stop });
    const { url } = server;

    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    await page.addInitScript(PROBE);
    await page.goto(`${url}/?kiosk=1&screen=bench-board`);
    await page.getByTestId('gmv-counter').waitFor();
    if (flags.console) {
      // The crew's console beside the board, in its own window (a background tab would paint nothing).
      const desk = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
      desk.on('pageerror', (e) => errors.push(`console: ${String(e)}`));
      await desk.goto(`${url}/director`);
      await desk.getByTestId('director-token').fill(director);
      await desk.getByTestId('director-sign-in').click();
      await desk.locator('tr[data-screen="bench-board"]').waitFor();
      log("the director's console is open and lists the board");
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    const simArgs = String(flags.sim).split(/\s+/).filter(Boolean);
    log(`simulator: ${simArgs.join(' ')}`);
    const sim = run('scripts/simulate.ts', [...simArgs, '--url', url, '--token', token, '--quiet'], {});
    procs.push(sim);
    await sleep(WARMUP_MS);
    const layers = await compositedLayers(cdp);

    const metrics = async (): Promise<Omit<HeapSample, 'atMin'>> => {
      const { metrics: m } = (await cdp.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      const get = (n: string) => m.find((x) => x.name === n)?.value ?? NaN;
      return {
        usedMb: get('JSHeapUsedSize') / MB,
        nodes: get('Nodes'),
        listeners: get('JSEventListeners'),
        taskS: get('TaskDuration'),
        scriptS: get('ScriptDuration'),
        layoutS: get('LayoutDuration'),
        styleS: get('RecalcStyleDuration'),
      };
    };
    // The bench's own pauses: a forced GC can land inside the board's script (the inspector
    // interrupts it), so long tasks and scripts that overlap one are counted apart.
    const gcWindows: [number, number][] = [];
    const pageNow = async () => (await page.evaluate('performance.now()')) as number;
    const gc = async () => {
      const from = await pageNow();
      await cdp.send('HeapProfiler.collectGarbage');
      gcWindows.push([from, await pageNow()]);
      return metrics();
    };
    const afterGcStart = await gc();
    await page.evaluate(DRAIN); // frames of the warm-up and the forced GC do not count
    gcWindows.length = 0;
    if (flags.profile !== '') {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }

    const traced = flags.trace > 0 ? await traceFor(cdp, flags.trace) : [];
    const deltas: number[] = [];
    const samples: HeapSample[] = [];
    const gcSamples: [number, number][] = [[0, afterGcStart.usedMb]];
    const loaf = { frames: 0, scriptMs: 0, maxScriptMs: 0 };
    const spans: Span[] = [];
    const started = Date.now();
    const bar = progressBar('bench:board', durationS * 1000);
    const loadStart = loadavg()[0] ?? NaN;
    while (Date.now() - started < durationS * 1000) {
      await sleep(Math.min(SAMPLE_MS, durationS * 1000 - (Date.now() - started)));
      const d = (await page.evaluate(DRAIN)) as ProbeDrain;
      for (const x of d.deltas) deltas.push(x);
      loaf.frames += d.loafs;
      loaf.scriptMs += d.loafScriptMs;
      loaf.maxScriptMs = Math.max(loaf.maxScriptMs, d.maxLoafScriptMs);
      spans.push(...d.spans);
      const atMin = (Date.now() - started) / 60_000;
      samples.push({ atMin, ...(await metrics()) });
      // Once a minute, the heap after a forced GC: the clean signal for a leak (costs one short pause).
      if (samples.length % GC_EVERY_SAMPLES === 0) gcSamples.push([atMin, (await gc()).usedMb]);
      bar.update(Date.now() - started, `${deltas.length} frames`);
    }
    bar.done();
    const forcedGcs = gcWindows.length;
    const measuredS = (Date.now() - started) / 1000;
    const heaviest: SelfTime[] = [];
    if (flags.profile !== '') {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      writeFileSync(String(flags.profile), JSON.stringify(profile));
      heaviest.push(...selfTimes(profile).slice(0, 25));
    }
    const afterGcEnd = await gc();
    // Share of wall time the page's main thread was busy: the board's own cost, whatever else runs.
    const busy = (k: 'taskS' | 'scriptS' | 'layoutS' | 'styleS') =>
      (100 * (afterGcEnd[k] - afterGcStart[k])) / measuredS;
    const totals = (await (await fetch(`${url}/api/v1/totals`)).json()) as { gross: { orders: number; gmv: string } };
    const shown = await page.getByTestId('gmv-counter').getAttribute('aria-label');

    const tasks = spans.filter((x) => x.kind === 'task');
    const longTasks = tasks.length;
    const longTaskMs = tasks.reduce((a, x) => a + x.ms, 0);
    const maxLongTaskMs = Math.max(0, ...tasks.map((x) => x.ms));
    const slowScripts = new Map<string, { n: number; maxMs: number }>();
    for (const x of spans) {
      if (x.kind !== 'script') continue;
      const k = slowScripts.get(x.key) ?? { n: 0, maxMs: 0 };
      slowScripts.set(x.key, { n: k.n + 1, maxMs: Math.max(k.maxMs, x.ms) });
    }
    const inGc = spans.filter((x) => overlapsAny(x, gcWindows));
    const tasksInGc = inGc.filter((x) => x.kind === 'task').length;
    const scriptsInGc = (key?: string) =>
      inGc.filter((x) => x.kind === 'script' && (key === undefined || x.key === key)).length;
    const sorted = [...deltas].sort((a, b) => a - b);
    const used = samples.map((s) => s.usedMb);
    const result = {
      date: new Date().toISOString(),
      viewport,
      console: flags.console,
      durationS: Math.round(measuredS),
      simulator: simArgs.join(' '),
      lastYearScale: lastYear,
      frames: {
        count: deltas.length,
        fps: deltas.length / measuredS,
        p50Ms: quantile(sorted, 0.5),
        p95Ms: quantile(sorted, 0.95),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? NaN,
        over16_7Pct: (100 * deltas.filter((d) => d > FRAME_BUDGET_MS * 1.2).length) / Math.max(1, deltas.length),
      },
      longTasks: { count: longTasks, totalMs: longTaskMs, maxMs: maxLongTaskMs, duringForcedGc: tasksInGc },
      layers,
      forcedGcMs: gcWindows.slice(0, forcedGcs).map(([from, to]) => to - from),
      // The board's own code in frames over 50 ms (Long Animation Frames attribution).
      longFrames: {
        count: loaf.frames,
        boardScriptMs: loaf.scriptMs,
        maxBoardScriptMsInAFrame: loaf.maxScriptMs,
        boardScriptsOver50Ms: [...slowScripts]
          .map(([script, v]) => ({ script, ...v, duringForcedGc: scriptsInGc(script) }))
          .sort((a, b) => b.maxMs - a.maxMs),
      },
      mainThreadBusyPct: {
        total: busy('taskS'),
        script: busy('scriptS'),
        layout: busy('layoutS'),
        style: busy('styleS'),
      },
      heapMb: {
        start: used[0] ?? NaN,
        end: used[used.length - 1] ?? NaN,
        max: Math.max(...used),
        slopePerMin: slope(samples.map((s) => [s.atMin, s.usedMb] as const)),
        afterGcStart: afterGcStart.usedMb,
        afterGcEnd: afterGcEnd.usedMb,
        afterGcSlopePerMin: slope([...gcSamples, [measuredS / 60, afterGcEnd.usedMb]]),
        afterGc: gcSamples,
      },
      // Counted after a forced GC: without it, detached nodes awaiting collection look like a leak.
      domNodesAfterGc: { start: afterGcStart.nodes, end: afterGcEnd.nodes },
      listenersAfterGc: { start: afterGcStart.listeners, end: afterGcEnd.listeners },
      // Other work on this 2-core machine shows up as frame time: keep the context with the figures.
      loadAverage1m: { start: loadStart, end: loadavg()[0] ?? NaN },
      orders: totals.gross.orders,
      gmv: totals.gross.gmv,
      boardShows: shown,
      pageErrors: errors.slice(0, 20),
      samples,
    };
    mkdirSync(join(String(flags.out), '..'), { recursive: true });
    writeFileSync(String(flags.out), JSON.stringify(result, null, 2) + '\n');
    const f = result.frames;
    const h = result.heapMb;
    console.log(
      `\nboard bench: ${viewport.width}x${viewport.height}, ${result.durationS} s, simulator ${result.simulator}` +
        `${flags.console ? ", the director's console open" : ''}\n` +
        table([
          ['frames', `${f.count} (${fixed(f.fps)} fps)`],
          [
            'frame time p50 / p95 / p99',
            `${fixed(f.p50Ms)} / ${fixed(f.p95Ms)} / ${fixed(f.p99Ms)} ms (max ${fixed(f.maxMs)})`,
          ],
          ['frames over 20 ms', `${fixed(f.over16_7Pct, 2)} %`],
          [
            'long tasks',
            `${longTasks} (${fixed(longTaskMs, 0)} ms total, max ${fixed(maxLongTaskMs, 0)} ms; ` +
              `${tasksInGc} during the bench's ${forcedGcs} forced GCs)`,
          ],
          [
            "long frames: the board's script in them",
            `${loaf.frames} frames, ${fixed(loaf.scriptMs, 0)} ms total, at most ${fixed(loaf.maxScriptMs, 0)} ms in one`,
          ],
          [
            "the board's scripts over 50 ms",
            slowScripts.size === 0
              ? 'none'
              : `${[...slowScripts.values()].reduce((a, v) => a + v.n, 0)}, longest ${fixed(Math.max(...[...slowScripts.values()].map((v) => v.maxMs)), 0)} ms; ` +
                `${scriptsInGc()} during a forced GC`,
          ],
          [
            'composited layers that draw',
            layers
              .filter((l) => l.draws)
              .map(
                (l) =>
                  `${l.element || l.reasons.join('+') || '(unnamed)'} ${Math.round(l.width)}x${Math.round(l.height)}`,
              )
              .join(', '),
          ],
          [
            'main thread busy (script/layout/style)',
            `${fixed(busy('taskS'))} % (${fixed(busy('scriptS'))} / ${fixed(busy('layoutS'))} / ${fixed(busy('styleS'))} %)`,
          ],
          ['JS heap start / end / max', `${fixed(h.start)} / ${fixed(h.end)} / ${fixed(h.max)} MB`],
          ['JS heap slope (all samples)', `${fixed(h.slopePerMin, 3)} MB/min`],
          ['JS heap after GC start → end', `${fixed(h.afterGcStart)} → ${fixed(h.afterGcEnd)} MB`],
          ['JS heap after GC slope', `${fixed(h.afterGcSlopePerMin, 3)} MB/min`],
          ['DOM nodes after GC start → end', `${afterGcStart.nodes} → ${afterGcEnd.nodes}`],
          ['event listeners start → end', `${afterGcStart.listeners} → ${afterGcEnd.listeners}`],
          ['orders on the board', `${result.orders} (${shown ?? '—'})`],
          ['page errors', String(errors.length)],
          ['load average (1 min) start → end', `${fixed(loadStart, 2)} → ${fixed(loadavg()[0] ?? NaN, 2)}`],
        ]) +
        `\nwrote ${flags.out}`,
    );
    if (traced.length > 0) {
      console.log(
        `\ntrace of the first ${flags.trace} s, busiest events (ms per second, nested ones counted in their parents too):`,
      );
      console.log(table(traced.slice(0, 30).map((t) => [`${t.thread}: ${t.name}`, fixed(t.msPerS, 1)])));
    }
    if (slowScripts.size > 0) {
      console.log("\nthe board's scripts that ran over 50 ms at once (invoker, function, file:char):");
      console.log(
        table(
          result.longFrames.boardScriptsOver50Ms
            .slice(0, 12)
            .map((s) => [
              s.script,
              `${s.n} times, longest ${fixed(s.maxMs, 0)} ms, ${s.duringForcedGc} during a forced GC`,
            ]),
        ),
      );
    }
    if (heaviest.length > 0) {
      console.log(`\nheaviest functions by self time (profile in ${flags.profile}):`);
      console.log(table(heaviest.map((t) => [`${t.name} ${t.where}`, `${fixed(t.ms, 0)} ms (${fixed(t.pct)} %)`])));
    }
  } finally {
    await browser.close();
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Chromium trace of `seconds` of the page: time by event name and thread. */
async function traceFor(cdp: CDPSession, seconds: number): Promise<ReturnType<typeof traceTimes>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    for (const x of e.value) events.push(x as unknown as TraceEvent);
  });
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink,cc,viz,gpu,skia,__metadata',
    transferMode: 'ReportEvents',
  });
  await sleep(seconds * 1000);
  await cdp.send('Tracing.end');
  await done;
  return traceTimes(events, seconds);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

function log(text: string): void {
  console.log(`board bench: ${text}`);
}

main().catch((err: unknown) => {
  console.error(`board bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
