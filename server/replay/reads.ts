import type { ClickHouseSettings } from '@clickhouse/client';
import type { Show } from '../../shared/show.js';
import { LiveBoard } from '../domain/board.js';
import { LastYearCurve } from '../domain/comparison.js';
import { Milestones, crossingSecond } from '../domain/milestones.js';
import { decimalToFen } from '../../shared/money.js';
import type { StoreHandle } from '../store/client.js';
import { exactCrossing, readSecondsFen } from '../store/board.js';
import { dimensionRows, secondRows } from '../store/ranges.js';

/**
 * Replay reads run on one engine thread, so however many replays play, the live
 * show's inserts and reads keep the other core.
 */
export const REPLAY_QUERY_SETTINGS: ClickHouseSettings = { max_threads: 1 };

/** The store as replays see it: every read with REPLAY_QUERY_SETTINGS. */
export function replayStore(store: StoreHandle, settings: ClickHouseSettings = REPLAY_QUERY_SETTINGS): StoreHandle {
  return {
    ...store,
    query: ((params: Parameters<StoreHandle['query']>[0]) =>
      store.query({
        ...params,
        clickhouse_settings: { ...settings, ...params.clickhouse_settings },
      })) as StoreHandle['query'],
  };
}

/** A milestone of the show and when the stored orders crossed it (null: they never did). */
export interface Crossing {
  fen: number;
  amount: string;
  kind: 'threshold' | 'last-year';
  atMs: number | null;
}

/** What a replay reads once: last year's curve and every milestone's exact crossing. */
export interface ReplayContext {
  show: Show;
  lastYearShow: Show | null;
  lastYear: LastYearCurve | null;
  crossings: Crossing[];
}

/** Start of the show's window (its grace period before the start), epoch ms. */
export function windowStartMs(show: Show): number {
  return show.startMs - show.graceSeconds * 1000;
}

export function windowEndMs(show: Show): number {
  return show.endMs + show.graceSeconds * 1000;
}

export async function readContext(store: StoreHandle, show: Show, lastYearShow: Show | null): Promise<ReplayContext> {
  let lastYear: LastYearCurve | null = null;
  if (lastYearShow) {
    const curve = new LastYearCurve(await readSecondsFen(store, lastYearShow));
    lastYear = curve.totalFen > 0 ? curve : null;
  }
  const list = new Milestones(show.milestones, lastYear?.totalFen ?? null).state(0, 0, 0);
  // Gross per second over the whole window, as the live board keeps it.
  const first = -show.graceSeconds;
  const fen = new Float64Array((windowEndMs(show) - windowStartMs(show)) / 1000);
  for (const r of await secondRows(store, show, { fromMs: windowStartMs(show), toMs: windowEndMs(show) })) {
    if (r.type === 'sale' && r.second - first >= 0 && r.second - first < fen.length) fen[r.second - first]! += r.fen;
  }
  const crossings: Crossing[] = [];
  for (const m of list) {
    const target = decimalToFen(m.amount);
    const at = crossingSecond(fen, target);
    const atMs = at ? await exactCrossing(store, show, at.index + first, at.before, target) : null;
    crossings.push({ fen: target, amount: m.amount, kind: m.kind, atMs });
  }
  return { show, lastYearShow, lastYear, crossings };
}

/** The milestones as they stood at `positionMs`: crossed when their crossing order came before it. */
export function milestonesAt(ctx: ReplayContext, positionMs: number): Milestones {
  const m = new Milestones(ctx.show.milestones, ctx.lastYear?.totalFen ?? null);
  for (const c of ctx.crossings) if (c.atMs !== null && c.atMs < positionMs) m.setCrossed(c.fen, c.atMs, 0);
  return m;
}

/** Time spent in each read of a seek, ms. */
export interface SeekTimings {
  series: number;
  dimensions: number;
  build: number;
}

/**
 * The board as it stood at `atMs` (a whole second): every order of the show's
 * window with event time before it. Series and totals come from the per-second
 * rollup, breakdowns from dimensionRows (merchants to the whole minute).
 * Two reads, one after the other: a replay never has two queries in flight.
 */
export async function seekBoard(
  store: StoreHandle,
  show: Show,
  atMs: number,
  timings?: SeekTimings,
): Promise<LiveBoard> {
  const range = { fromMs: windowStartMs(show), toMs: atMs };
  let t = performance.now();
  const seconds = await secondRows(store, show, range);
  if (timings) timings.series = performance.now() - t;
  t = performance.now();
  const dims = await dimensionRows(store, show.id, range, ['channel', 'country', 'category', 'merchant']);
  if (timings) timings.dimensions = performance.now() - t;
  t = performance.now();
  const board = new LiveBoard(show);
  board.load(seconds, dims, null);
  setNewest(board, atMs);
  if (timings) timings.build = performance.now() - t;
  return board;
}

/**
 * Adds [fromMs, toMs) to a board that stands at fromMs. Merchants telescope: each
 * delta covers [minute(from), minute(to)), so the sum of deltas is the seek's range.
 */
export async function advanceBoard(
  store: StoreHandle,
  board: LiveBoard,
  show: Show,
  fromMs: number,
  toMs: number,
): Promise<void> {
  const range = { fromMs, toMs };
  const seconds = await secondRows(store, show, range);
  const dims = await dimensionRows(store, show.id, range, ['channel', 'country', 'category', 'merchant']);
  board.addRollups(seconds, dims);
  setNewest(board, toMs);
}

/** A replay frame holds every order before its position: its newest event is at most 1 ms before. */
function setNewest(board: LiveBoard, positionMs: number): void {
  board.newestEventMs = board.gross().orders > 0 || board.net().orders !== 0 ? positionMs - 1 : null;
}
