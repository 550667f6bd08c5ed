/**
 * The seek measurement: each sample is the whole board state at one second,
 * made exactly as a replay seek makes it (ReplaySession's seek: seekBoard through
 * the replay's bounded store, then the Snapshot with milestones and pace), timed
 * on the server side. A second pass times the parts on their own, so a miss can
 * be put on the part that costs it.
 */
import type { StoreHandle } from '../../server/store/client.js';
import { frameSource, showSnapshot } from '../../server/domain/frames.js';
import { encodeSnapshot } from '../../server/wire.js';
import { formatFen } from '../../shared/money.js';
import { readContext, replayStore, seekBoard, milestonesAt, type SeekTimings } from '../../server/replay/reads.js';
import { dimensionRows, secondRows } from '../../server/store/ranges.js';
import { edgeAndTopMerchants, topMerchants } from '../../server/store/top.js';
import { TOP_N } from '../../server/domain/board.js';
import { mulberry32 } from '../../shared/sim/random.js';
import type { Show } from '../../shared/show.js';
import { quantiles, type Quantiles } from './stats.js';

export interface SeekReport {
  /** Stored orders of the show (sales and refunds). */
  orders: number;
  /** Reading the replay's context once (last year's curve, every milestone's exact crossing), ms. */
  contextMs: number;
  /** Whole seeks: reads, board, Snapshot. */
  seek: Quantiles;
  /**
   * Inside those seeks: series (from the replay's context); the breakdowns query (the
   * last minute's seconds of channel/country/category plus the merchant top ten, whole
   * minutes coming from the context); board + snapshot.
   */
  parts: { series: Quantiles; breakdowns: Quantiles; build: Quantiles };
  /**
   * Alternatives timed alone on the first seconds (--alone-samples): the series read from the store (what a
   * replay of a show still on air pays), every merchant's total instead of the top ten,
   * and the milestone state.
   */
  alone: {
    /** The two halves of the breakdowns query, each on its own. */
    edgeSeconds: Quantiles;
    topMerchants: Quantiles;
    seriesFromStore: Quantiles;
    /** Channel/country/category from the store without the kept minutes (a show on air). */
    dimensionsFromStore: Quantiles;
    allMerchants: Quantiles;
    milestones: Quantiles;
  };
  /** 00:38:28 China time (10 billion on the day), ms. */
  at003828: { ms: number; gross: string; orders: number };
  /** Seeks whose merchants were ranked in the engine (too many within reach: the first minutes of the rush). */
  rankedInEngine: number;
  /** Seeks at fixed instants of the midnight rush (China time), ms: where the engine ranks merchants. */
  rush: { at: string; ms: number; rankedInEngine: boolean }[];
  seconds: number[];
}

export async function measureSeeks(
  rawStore: StoreHandle,
  show: Show,
  opts: {
    samples: number;
    seed: number;
    log: (s: string) => void;
    lastYearShow?: Show | null;
    /** Engine threads per replay read (default: REPLAY_QUERY_SETTINGS). */
    maxThreads?: number;
    /** Seconds on which the alternatives are timed (the first of the seek seconds). */
    aloneSamples?: number;
  },
): Promise<SeekReport> {
  const store = opts.maxThreads ? replayStore(rawStore, { max_threads: opts.maxThreads }) : replayStore(rawStore);
  const countRs = await store.query({
    query: `SELECT toString(count()) AS n FROM ${store.db}.orders WHERE show = {show:String}`,
    query_params: { show: show.id },
    format: 'JSONEachRow',
  });
  const orders = Number((await countRs.json<{ n: string }>())[0]?.n ?? 0);

  let t = performance.now();
  const ctx = await readContext(store, show, opts.lastYearShow ?? null);
  if (!ctx.seconds) throw new Error('the day to seek in must be over');
  const contextMs = performance.now() - t;
  opts.log(
    `context (crossings ${ctx.crossings.map((c) => `${formatFen(c.fen)}@${c.atMs === null ? '-' : new Date(c.atMs).toISOString()}`).join(', ')}) in ${Math.round(contextMs)} ms`,
  );

  const rand = mulberry32(opts.seed);
  const at003828 = show.startMs + (38 * 60 + 28) * 1000;
  const seconds = [
    at003828,
    ...Array.from({ length: opts.samples }, () => show.startMs + Math.floor(rand() * 86_400) * 1000),
  ];

  /** A seek exactly as ReplaySession does it: the board, then the Snapshot the viewers get. */
  const seek = async (atMs: number, timings: SeekTimings) => {
    const board = await seekBoard(store, ctx, atMs, timings);
    const b = performance.now();
    const milestones = milestonesAt(ctx, atMs);
    const of = { show, lastYearShow: ctx.lastYearShow, lastYear: ctx.lastYear };
    const snap = encodeSnapshot(
      showSnapshot(frameSource(of, board, { seq: 1, asOfMs: atMs, healthy: true }, milestones), 'events'),
    );
    timings.build += performance.now() - b;
    return snap;
  };

  // Warm-up: the first reads load marks and caches, as a running server would have.
  for (const s of seconds.slice(0, 3)) await seek(s, { series: 0, breakdowns: 0, build: 0 });

  const total: number[] = [];
  const series: number[] = [];
  const breakdowns: number[] = [];
  const build: number[] = [];
  let first: SeekReport['at003828'] | null = null;
  const windowStart = show.startMs - show.graceSeconds * 1000;
  const inEngine = (s: number) => ctx.merchants?.topBefore(Math.floor((s - windowStart) / 60_000)) == null;
  let rankedInEngine = 0;
  for (const [i, s] of seconds.entries()) {
    const timings: SeekTimings = { series: 0, breakdowns: 0, build: 0 };
    t = performance.now();
    const snap = await seek(s, timings);
    const ms = performance.now() - t;
    total.push(ms);
    series.push(timings.series);
    breakdowns.push(timings.breakdowns);
    build.push(timings.build);
    if (i === 0) first = { ms, gross: snap.gross.gmv, orders: snap.gross.orders };
    if (inEngine(s)) rankedInEngine++;
    if ((i + 1) % 50 === 0) opts.log(`${i + 1}/${seconds.length} seeks`);
  }

  const rush: SeekReport['rush'] = [];
  for (const sec of [30, 90, 300, 599, 601, 1200]) {
    const at = show.startMs + sec * 1000;
    t = performance.now();
    await seek(at, { series: 0, breakdowns: 0, build: 0 });
    rush.push({
      at: `00:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`,
      ms: Math.round((performance.now() - t) * 10) / 10,
      rankedInEngine: inEngine(at),
    });
  }

  // Alternatives alone, on the same seconds.
  const seriesFromStore: number[] = [];
  const edgeSeconds: number[] = [];
  const top: number[] = [];
  const dimensionsFromStore: number[] = [];
  const allMerchants: number[] = [];
  const milestoneState: number[] = [];
  const from = show.startMs - show.graceSeconds * 1000;
  for (const s of seconds.slice(0, opts.aloneSamples ?? 20)) {
    const m = Math.floor((s - from) / 60_000);
    t = performance.now();
    await edgeAndTopMerchants(store, show.id, { fromMs: from + m * 60_000, toMs: s }, { fromMs: s, toMs: s }, TOP_N);
    edgeSeconds.push(performance.now() - t);
    t = performance.now();
    await topMerchants(store, show.id, { fromMs: from, toMs: s }, TOP_N);
    top.push(performance.now() - t);
    t = performance.now();
    await secondRows(store, show, { fromMs: from, toMs: s });
    seriesFromStore.push(performance.now() - t);
    t = performance.now();
    await dimensionRows(store, show.id, { fromMs: from, toMs: s }, ['channel', 'country', 'category']);
    dimensionsFromStore.push(performance.now() - t);
    t = performance.now();
    await dimensionRows(store, show.id, { fromMs: from, toMs: s }, ['merchant']);
    allMerchants.push(performance.now() - t);
    t = performance.now();
    milestonesAt(ctx, s).state(0, 0, s);
    milestoneState.push(performance.now() - t);
  }
  return {
    orders,
    contextMs: Math.round(contextMs),
    seek: quantiles(total),
    parts: {
      series: quantiles(series),
      breakdowns: quantiles(breakdowns),
      build: quantiles(build),
    },
    alone: {
      edgeSeconds: quantiles(edgeSeconds),
      topMerchants: quantiles(top),
      seriesFromStore: quantiles(seriesFromStore),
      dimensionsFromStore: quantiles(dimensionsFromStore),
      allMerchants: quantiles(allMerchants),
      milestones: quantiles(milestoneState),
    },
    at003828: first!,
    rankedInEngine,
    rush,
    seconds: seconds.map((s) => (s - show.startMs) / 1000),
  };
}
