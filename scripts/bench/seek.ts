/**
 * `npm run bench:seek [-- --scale 1 --samples 200 --seed 7 --data bench/data/fullday-2014]`:
 * the replay's seek over a full-scale 2014 day (278 M orders). The day is
 * generated inside the engine once (scripts/bench/fullday.ts) into a persistent
 * data dir that later runs reuse; then N seeded random seconds plus 00:38:28
 * are each turned into the whole board state exactly as a replay seek does
 * (seekBoard in server/replay/reads.ts, then the Snapshot), timing the server
 * side. Prints p50/p95/max against the 50 ms target, a breakdown by part, and
 * writes bench/results/seek-*.json.
 * `--load-only` stops after the load; `--max-threads N` overrides the replay's engine threads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { flag, readFlags } from '../../shared/cli/args.js';
import {
  loadConfig,
  openStore,
  type StoreHandle,
  dropShow,
  storedOrders,
  migrate,
  REPLAY_QUERY_SETTINGS,
} from '../../server/tools/engine.js';
import { DEFAULT_SHOWS, resolveShow, type Show } from '../../shared/show.js';
import { engineDayCounts, generateDay } from './fullday.js';
import { measureSeeks, type SeekReport } from './seek-measure.js';

const flags = readFlags({
  name: 'bench:seek',
  usage: 'npm run bench:seek [-- flags]',
  about:
    "The replay's seek over a full-scale 2014 day, made inside the engine once into a data dir that\n" +
    'later runs reuse; N seeded random seconds each turned into the whole board state, timed.',
  flags: {
    scale: flag.number({ description: 'share of the 2014 day', default: 1, min: 0, above: true, max: 1 }),
    seed: flag.int({ description: 'seed of the day and of the sampled seconds', default: 7, min: 0, max: 2 ** 32 - 1 }),
    samples: flag.int({ description: 'random seconds to seek to', default: 200, min: 1 }),
    data: flag.string({
      description: 'the data dir (bench/data/fullday-2014, or day-2014-<scale>)',
      placeholder: 'DIR',
    }),
    out: flag.string({ description: 'where the JSON goes', default: 'bench/results', placeholder: 'DIR' }),
    'load-only': flag.boolean({ description: 'stop after the load' }),
    'max-threads': flag.int({ description: "the replay's engine threads (its setting)", min: 1, max: 1024 }),
    'alone-samples': flag.int({ description: 'seeks timed alone, one part at a time', default: 20, min: 0 }),
  },
});
const { scale, seed, samples } = flags;
const dataDir = resolve(flags.data ?? (scale === 1 ? 'bench/data/fullday-2014' : `bench/data/day-2014-${scale}`));
const log = (s: string): boolean => process.stderr.write(`bench:seek: ${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Loads the day unless the data dir already holds exactly it. */
async function ensureDay(store: StoreHandle, show: Show): Promise<{ loadedNow: boolean; ordersPerS: number | null }> {
  const want = engineDayCounts(2014, scale).reduce((a, b) => a + b, 0);
  const rs = await store.query({
    query: `SELECT toString(countIf(type = 'sale')) AS n FROM ${store.db}.orders WHERE show = {show:String}`,
    query_params: { show: show.id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string }>();
  if (Number(row?.n ?? 0) === want) {
    log(`${dataDir} already holds the day: ${fmt(want)} sales`);
    return { loadedNow: false, ordersPerS: null };
  }
  if ((await storedOrders(store, show.id)) > 0) {
    log('a partial day is stored: dropping it');
    await dropShow(store, show.id);
  }
  log(`generating ${fmt(want)} sales (+1 % refunds) in the engine into ${dataDir}`);
  const r = await generateDay(store, {
    year: 2014,
    scale,
    seed,
    startMs: show.startMs,
    show: show.id,
    onProgress: (p) =>
      log(
        `${((100 * p.sales) / p.totalSales).toFixed(1)} % ${fmt(p.sales)} sales, second ${p.second}, ` +
          `${fmt(p.sales / (p.ms / 1000))} sales/s, ${Math.round(p.ms / 1000)} s`,
      ),
  });
  const rate = r.sales / (r.ms / 1000);
  log(`loaded ${fmt(r.sales)} sales in ${Math.round(r.ms / 1000)} s: ${fmt(rate)} sales/s`);
  return { loadedNow: true, ordersPerS: rate };
}

async function main(): Promise<void> {
  const shows = DEFAULT_SHOWS.map(resolveShow);
  const show = shows.find((s) => s.id === '2014')!;
  mkdirSync(dataDir, { recursive: true });
  const store = openStore(loadConfig({ DATA_DIR: dataDir }));
  try {
    await migrate(store);
    const load = await ensureDay(store, show);
    if (flags['load-only']) return;
    const maxThreads = flags['max-threads'] ? Number(flags['max-threads']) : undefined;
    const loadBefore = loadavg();
    const report: SeekReport = await measureSeeks(store, show, {
      samples,
      seed,
      log,
      maxThreads,
      aloneSamples: Number(flags['alone-samples']),
    });
    const result = {
      bench: 'seek',
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        memGb: Math.round(totalmem() / 2 ** 30),
        // Other work on the box inflates every figure: the 1-minute load before and after.
        loadAvg1m: [loadBefore[0] ?? 0, loadavg()[0] ?? 0],
      },
      maxThreads: maxThreads ?? REPLAY_QUERY_SETTINGS.max_threads,
      scale,
      seed,
      dataDir,
      load,
      ...report,
    };
    mkdirSync(flags.out, { recursive: true });
    const json = JSON.stringify(result, null, 2);
    writeFileSync(join(flags.out, 'seek-latest.json'), json);
    writeFileSync(join(flags.out, `seek-${result.at.replace(/[:.]/g, '-')}.json`), json);
    const q = (x: { p50: number; p95: number; max: number }) => `p50 ${x.p50} / p95 ${x.p95} / max ${x.max} ms`;
    const p = report.parts;
    const a = report.alone;
    log(
      `in the seek: series (context) ${q(p.series)}; breakdowns query ${q(p.breakdowns)}; board+snapshot ${q(p.build)}`,
    );
    log(
      `alone: last-minute seconds ${q(a.edgeSeconds)}; merchant top ten ${q(a.topMerchants)}; ` +
        `series from the store ${q(a.seriesFromStore)}; dimensions from the store ${q(a.dimensionsFromStore)}; ` +
        `every merchant ${q(a.allMerchants)}; milestones ${q(a.milestones)}; context once per show ${report.contextMs} ms`,
    );
    log(
      `00:38:28: ${report.at003828.ms.toFixed(1)} ms, gross ${report.at003828.gross} CNY, ${fmt(report.at003828.orders)} orders`,
    );
    log(
      `merchants ranked in the engine in ${report.rankedInEngine} of the seeks; rush: ` +
        report.rush.map((r) => `${r.at} ${r.ms} ms${r.rankedInEngine ? ' (engine)' : ''}`).join(', '),
    );
    const s = report.seek;
    log(
      `seek over ${fmt(report.orders)} orders, ${s.count} seeks: p50 ${s.p50} ms, p95 ${s.p95} ms, max ${s.max} ms ` +
        `(target ≤ 50 ms: ${s.max <= 50 ? 'met' : s.p95 <= 50 ? 'met at p95, not at max' : 'MISSED'}; ` +
        `load average ${result.machine.loadAvg1m.map((x) => x.toFixed(1)).join(' → ')} on ${result.machine.cpus} cores)`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
