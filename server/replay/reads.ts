import type { ClickHouseSettings } from '@clickhouse/client';
import type { Show } from '../../shared/show.js';
import { LiveBoard, TOP_N, type DimensionRow, type RollupRow } from '../domain/board.js';
import { MinutePrefix } from '../domain/prefix.js';
import { LastYearCurve } from '../domain/comparison.js';
import { Milestones, crossingSecond } from '../domain/milestones.js';
import { decimalToFen } from '../../shared/money.js';
import type { StoreHandle } from '../store/client.js';
import { exactCrossing, readSecondsFen } from '../store/board.js';
import { dimensionRows, secondRows, type Range } from '../store/ranges.js';
import { dimensionMinutes, merchantHours } from '../store/minutes.js';
import { edgeAndMerchantSums, edgeAndTopMerchants, topMerchants } from '../store/top.js';

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
  /** Channel/country/category running totals by whole minute, kept likewise for a finished show. */
  minutes: MinutePrefix | null;
  /**
   * Merchant running totals by whole hour (finished shows whose window starts on the
   * hour): the bounds that leave only a few merchants able to rank at a seek.
   */
  merchantHours: MinutePrefix | null;
}

const HOUR = 3_600_000;

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
    const target = decimalToFen(m.amount);
    const at = crossingSecond(fen, target);
    const atMs = at ? await exactCrossing(store, show, at.index + first, at.before, target) : null;
    crossings.push({ fen: target, amount: m.amount, kind: m.kind, atMs });
  }
  if (now < windowEndMs(show))
    return { show, lastYearShow, lastYear, crossings, seconds: null, minutes: null, merchantHours: null };
  const window = { fromMs: windowStartMs(show), toMs: windowEndMs(show) };
  const minutes = new MinutePrefix(
    window.fromMs,
    (window.toMs - window.fromMs) / 60_000,
    await dimensionMinutes(store, show.id, window),
  );
  const merchantHoursPrefix =
    window.fromMs % HOUR === 0
      ? new MinutePrefix(
          window.fromMs,
          Math.floor((window.toMs - window.fromMs) / HOUR),
          await merchantHours(store, show.id, window),
          HOUR,
        )
      : null;
  return { show, lastYearShow, lastYear, crossings, seconds: rows, minutes, merchantHours: merchantHoursPrefix };
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
  const whole = ctx.minutes.before(m);
  const merchants = ctx.merchantHours ? candidates(ctx.merchantHours, from + m * 60_000) : null;
  if (!merchants) return [...whole, ...(await edgeAndTopMerchants(store, ctx.show.id, edge, all, TOP_N))];
  const partial = await edgeAndMerchantSums(store, ctx.show.id, edge, merchants.rest, merchants.ids);
  return [...whole, ...partial.filter((r) => r.dimension !== 'merchant'), ...merchants.rank(partial)];
}

/** The n-th largest value (0 when there are fewer), in one pass keeping the n best. */
function nthLargest(values: Float64Array, n: number): number {
  const best: number[] = [];
  for (const v of values) {
    if (best.length === n && v <= best[n - 1]!) continue;
    let i = best.length < n ? best.length : n - 1;
    best[i] = v;
    while (i > 0 && best[i]! > best[i - 1]!) {
      [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
      i--;
    }
  }
  return best.length === n ? best[n - 1]! : 0;
}

/** More merchants than this within the bounds: let the engine rank them all instead. */
const MAX_CANDIDATES = 200;

/**
 * Which merchants can be in the top ten over [window start, minuteMs): every
 * merchant's total lies between its totals at the hour before and the hour after
 * (sales only add), so a merchant whose upper bound is below the tenth-best lower
 * bound cannot rank. `rank` adds the candidates' partial hour (from the store) and
 * ranks them exactly. Null when the bounds leave too many (the day's first hour).
 */
function candidates(
  hours: MinutePrefix,
  minuteMs: number,
): { ids: string[]; rest: Range; rank: (partial: readonly DimensionRow[]) => DimensionRow[] } | null {
  const h = Math.floor((minuteMs - hours.fromMs) / HOUR);
  const lo = hours.row(h);
  const hi = hours.row(h + 1);
  const hourStart = hours.fromMs + h * HOUR;
  const exact = minuteMs === hourStart || h >= hours.minutes;
  const tenth = nthLargest(lo.fen, TOP_N);
  const picked: number[] = [];
  for (let j = 0; j < lo.keys.length; j++) {
    const upper = exact ? lo.fen[j]! : hi.fen[j]!;
    if (upper > 0 && upper >= tenth) picked.push(j);
  }
  if (!exact && picked.length > MAX_CANDIDATES) return null;
  return {
    ids: exact ? [] : picked.map((j) => lo.keys[j]!.key),
    rest: { fromMs: hourStart, toMs: exact ? hourStart : minuteMs },
    rank: (partial) => {
      const add = new Map(partial.filter((r) => r.dimension === 'merchant').map((r) => [r.key, r]));
      const all = picked.map((j) => {
        const p = add.get(lo.keys[j]!.key);
        return {
          dimension: 'merchant' as const,
          key: lo.keys[j]!.key,
          orders: lo.orders[j]! + (p?.orders ?? 0),
          fen: lo.fen[j]! + (p?.fen ?? 0),
        };
      });
      return all
        .filter((r) => r.orders > 0)
        .sort((a, b) => b.fen - a.fen || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, TOP_N);
    },
  };
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
  board.addRollups(seconds, dims);
  if (Math.floor(toMs / 60_000) > Math.floor(fromMs / 60_000)) {
    board.setBreakdown('merchant', await topMerchants(store, show.id, { fromMs: windowStartMs(show), toMs }, TOP_N));
  }
  setNewest(board, toMs);
}

/** A replay frame holds every order before its position: its newest event is at most 1 ms before. */
function setNewest(board: LiveBoard, positionMs: number): void {
  board.newestEventMs = board.gross().orders > 0 || board.net().orders !== 0 ? positionMs - 1 : null;
}
