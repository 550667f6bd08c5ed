import type { Show } from '../../shared/show.js';
import { LiveBoard, TOP_N, type DimensionRow, type RollupRow } from '../domain/board.js';
import { MinutePrefix } from '../domain/prefix.js';
import { LastYearCurve } from '../domain/comparison.js';
import { Milestones, crossingSecond } from '../domain/milestones.js';
import { withReadSettings, type ReadSettings, type StoreHandle } from '../store/client.js';
import { readSecondsFen } from '../store/board.js';
import { exactCrossing } from '../store/crossing.js';
import { dimensionRows, secondRows } from '../store/ranges.js';
import { dimensionMinutes } from '../store/minutes.js';
import { MerchantIndex } from './merchants.js';
import { edgeAndTopMerchants, topMerchants } from '../store/top.js';

/**
 * Replay reads run on one engine thread, so however many replays play, the live
 * show's inserts and reads keep the other core.
 */
export const REPLAY_QUERY_SETTINGS: ReadSettings = { max_threads: 1 };

/** The store as replays see it: every read with REPLAY_QUERY_SETTINGS. */
export function replayStore(store: StoreHandle, settings: ReadSettings = REPLAY_QUERY_SETTINGS): StoreHandle {
  return withReadSettings(store, settings);
}

/** A milestone of the show and when the stored orders crossed it (null: they never did). */
export interface Crossing {
  fen: number;
  kind: 'threshold' | 'last-year';
  atMs: number | null;
}

/** What a replay reads once: last year's curve, every milestone's exact crossing, and the series. */
export interface ReplayContext {
  show: Show;
  lastYearShow: Show | null;
  lastYear: LastYearCurve | null;
  crossings: Crossing[];
  /**
   * The window's per-second rollup rows (sales and refunds, ascending), kept when the
   * show's window had ended when they were read: a finished day no longer changes, so
   * seeks and frames take series and totals from here instead of reading them again.
   * Null while the show is on: then every seek and frame reads them from the store.
   */
  seconds: RollupRow[] | null;
  /** Channel/country/category running totals by whole minute, kept likewise for a finished show whose window starts on a whole minute. */
  minutes: MinutePrefix | null;
  /** The merchants able to rank and their minutes, kept likewise (null: ranked in the engine). */
  merchants: MerchantIndex | null;
}

/** Start of the show's window (its grace period before the start), epoch ms. */
export function windowStartMs(show: Show): number {
  return show.startMs - show.graceSeconds * 1000;
}

export function windowEndMs(show: Show): number {
  return show.endMs + show.graceSeconds * 1000;
}

export async function readContext(
  store: StoreHandle,
  show: Show,
  lastYearShow: Show | null,
  now = Date.now(),
): Promise<ReplayContext> {
  let lastYear: LastYearCurve | null = null;
  if (lastYearShow) {
    const curve = new LastYearCurve(await readSecondsFen(store, lastYearShow));
    lastYear = curve.totalFen > 0 ? curve : null;
  }
  const list = new Milestones(show.milestones, lastYear?.totalFen ?? null).state(0, 0, 0);
  // Gross per second over the whole window, as the live board keeps it.
  const first = -show.graceSeconds;
  const rows = await secondRows(store, show, { fromMs: windowStartMs(show), toMs: windowEndMs(show) });
  const fen = new Float64Array((windowEndMs(show) - windowStartMs(show)) / 1000);
  for (const r of rows) {
    if (r.type === 'sale' && r.second - first >= 0 && r.second - first < fen.length) fen[r.second - first]! += r.fen;
  }
  const crossings: Crossing[] = [];
  for (const m of list) {
    const at = crossingSecond(fen, m.fen);
    const atMs = at ? await exactCrossing(store, show, at.index + first, at.before, m.fen) : null;
    crossings.push({ fen: m.fen, kind: m.kind, atMs });
  }
  if (now < windowEndMs(show))
    return { show, lastYearShow, lastYear, crossings, seconds: null, minutes: null, merchants: null };
  const window = { fromMs: windowStartMs(show), toMs: windowEndMs(show) };
  // The rollup's minutes are whole minutes of the clock: they can stand for the window's
  // minutes only when it starts on one (else seeks read every minute from the store).
  const minutes =
    window.fromMs % 60_000 === 0
      ? new MinutePrefix(
          window.fromMs,
          Math.floor((window.toMs - window.fromMs) / 60_000),
          await dimensionMinutes(store, show.id, window),
        )
      : null;
  const merchants = await MerchantIndex.read(store, show.id, window);
  return { show, lastYearShow, lastYear, crossings, seconds: rows, minutes, merchants };
}

/** The milestones as they stood at `positionMs`: crossed when their crossing order came before it. */
export function milestonesAt(ctx: ReplayContext, positionMs: number): Milestones {
  const m = new Milestones(ctx.show.milestones, ctx.lastYear?.totalFen ?? null);
  for (const c of ctx.crossings) if (c.atMs !== null && c.atMs < positionMs) m.setCrossed(c.fen, c.atMs, 0);
  return m;
}

/** Time spent in each part of a seek, ms. */
export interface SeekTimings {
  series: number;
  /** Channel/country/category and the merchant top ten. */
  breakdowns: number;
  build: number;
}

/** Per-second rows of [fromMs, toMs) (whole seconds): from the context when it holds them. */
async function seriesRows(store: StoreHandle, ctx: ReplayContext, fromMs: number, toMs: number): Promise<RollupRow[]> {
  if (!ctx.seconds) return secondRows(store, ctx.show, { fromMs, toMs });
  const start = Math.floor(ctx.show.startMs / 1000);
  const lo = Math.floor(fromMs / 1000) - start;
  const hi = Math.floor(toMs / 1000) - start;
  const rows = ctx.seconds;
  // Rows are ascending by second: find the slice by binary search.
  const bound = (s: number) => {
    let a = 0;
    let b = rows.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (rows[m]!.second < s) a = m + 1;
      else b = m;
    }
    return a;
  };
  return rows.slice(bound(lo), bound(hi));
}

/**
 * Channel, country and category before `atMs` and the merchant top ten over its
 * whole minutes. For a finished show: the whole minutes from the kept running
 * totals, the seconds of the last minute and the merchants in one query; for a show
 * still on air, all of it from the store (dimensionRows, then topMerchants).
 */
async function breakdownRows(store: StoreHandle, ctx: ReplayContext, atMs: number): Promise<DimensionRow[]> {
  const plain = ['channel', 'country', 'category'] as const;
  const from = windowStartMs(ctx.show);
  const all = { fromMs: from, toMs: atMs };
  if (!ctx.minutes) {
    const dims = await dimensionRows(store, ctx.show.id, all, plain);
    return [...dims, ...(await topMerchants(store, ctx.show.id, all, TOP_N))];
  }
  const m = Math.floor((atMs - from) / 60_000);
  const edge = { fromMs: from + m * 60_000, toMs: atMs };
  const top = ctx.merchants?.topBefore(m) ?? null;
  // Ranked from the kept minutes: the query reads only the last minute's seconds.
  const merchants = top ? { fromMs: from, toMs: from } : all;
  return [
    ...ctx.minutes.before(m),
    ...(top ?? []),
    ...(await edgeAndTopMerchants(store, ctx.show.id, edge, merchants, TOP_N)),
  ];
}

/**
 * The board as it stood at `atMs` (a whole second): every order of the show's
 * window with event time before it. Series and totals per second (gmv_by_second,
 * kept from the context for a finished show), channel/country/category exact to the
 * second (breakdownRows), the merchant top ten over the whole minutes before it.
 * Reads run one after the other: a replay never has two queries in flight.
 */
export async function seekBoard(
  store: StoreHandle,
  ctx: ReplayContext,
  atMs: number,
  timings?: SeekTimings,
): Promise<LiveBoard> {
  const { show } = ctx;
  const range = { fromMs: windowStartMs(show), toMs: atMs };
  let t = performance.now();
  const seconds = await seriesRows(store, ctx, range.fromMs, range.toMs);
  if (timings) timings.series = performance.now() - t;
  t = performance.now();
  const dims = await breakdownRows(store, ctx, atMs);
  if (timings) timings.breakdowns = performance.now() - t;
  t = performance.now();
  const board = new LiveBoard(show);
  board.load(seconds, dims, null);
  setNewest(board, atMs);
  if (timings) timings.build = performance.now() - t;
  return board;
}

/**
 * Adds [fromMs, toMs) to a board that stands at fromMs: the new seconds and the
 * channel/country/category rows of that range; the merchant ranking is read again
 * when the position enters a new minute (it is whole-minute, so only then it moves).
 */
export async function advanceBoard(
  store: StoreHandle,
  board: LiveBoard,
  ctx: ReplayContext,
  fromMs: number,
  toMs: number,
): Promise<void> {
  const { show } = ctx;
  const range = { fromMs, toMs };
  const seconds = await seriesRows(store, ctx, fromMs, toMs);
  const dims = await dimensionRows(store, show.id, range, ['channel', 'country', 'category']);
  let merchants: DimensionRow[] | null = null;
  if (Math.floor(toMs / 60_000) > Math.floor(fromMs / 60_000)) {
    const from = windowStartMs(show);
    const kept = ctx.merchants?.topBefore(Math.floor((toMs - from) / 60_000)) ?? null;
    merchants = kept ?? (await topMerchants(store, show.id, { fromMs: from, toMs }, TOP_N));
  }
  // Every read is done before the board moves: a viewer joining meanwhile gets it whole at fromMs.
  board.addRollups(seconds, dims);
  if (merchants) board.setBreakdown('merchant', merchants);
  setNewest(board, toMs);
}

/** A replay frame holds every order before its position: its newest event is at most 1 ms before. */
function setNewest(board: LiveBoard, positionMs: number): void {
  board.newestEventMs = board.gross().orders > 0 || board.net().orders !== 0 ? positionMs - 1 : null;
}
