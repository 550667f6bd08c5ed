import { TOP_N, type DimensionRow } from '../domain/board.js';
import { MinutePrefix } from '../domain/prefix.js';
import type { StoreHandle } from '../store/client.js';
import { merchantBuckets, merchantHours } from '../store/minutes.js';
import type { Range } from '../store/ranges.js';

const MINUTE = 60_000;
const TEN_MINUTES = 600_000;
const HOUR = 3_600_000;
/** More merchants than this able to rank within a bucket: look closer (or let the engine rank). */
export const MAX_CANDIDATES = 200;
/** Most merchants whose minutes a replay keeps. */
const MAX_KEPT = 2000;

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

/**
 * The merchants that can be in the top ten at any instant of a bucket, given every
 * merchant's totals at its start (`lo`) and end (`hi`): a total in between lies
 * between the two (sales only add), so a merchant whose upper bound is below the
 * tenth-best lower bound cannot rank. Null when more than MAX_CANDIDATES can.
 */
export function candidates(keys: readonly { key: string }[], lo: Float64Array, hi: Float64Array): string[] | null {
  const tenth = nthLargest(lo, TOP_N);
  const out: string[] = [];
  for (let j = 0; j < keys.length; j++) {
    if (hi[j]! > 0 && hi[j]! >= tenth) {
      out.push(keys[j]!.key);
      if (out.length > MAX_CANDIDATES) return null;
    }
  }
  return out;
}

/**
 * What a replay of a finished day keeps to rank merchants with no query at a
 * seek: for each hour (or, in hours where too many merchants can rank, each ten
 * minutes) the few merchants that can be in the top ten, and those merchants'
 * totals minute by minute. Built from the rollups once per show.
 */
export class MerchantIndex {
  private readonly index = new Map<string, number>();

  private constructor(
    readonly fromMs: number,
    readonly minutes: number,
    private readonly hourly: (string[] | null)[],
    private readonly tenMinutes: Map<number, string[] | null>,
    private readonly kept: MinutePrefix,
  ) {
    kept.row(0).keys.forEach((k, i) => this.index.set(k.key, i));
  }

  /** Null when the window does not start on the hour or too many merchants can rank. */
  static async read(store: StoreHandle, show: string, window: Range): Promise<MerchantIndex | null> {
    if (window.fromMs % HOUR !== 0) return null;
    const hours = Math.floor((window.toMs - window.fromMs) / HOUR);
    const byHour = new MinutePrefix(window.fromMs, hours, await merchantHours(store, show, window), HOUR);
    const hourly: (string[] | null)[] = [];
    const tenMinutes = new Map<number, string[] | null>();
    const union = new Set<string>();
    for (let h = 0; h < hours; h++) {
      const lo = byHour.row(h);
      const c = candidates(lo.keys, lo.fen, byHour.row(h + 1).fen);
      hourly.push(c);
      if (c) {
        for (const id of c) union.add(id);
        continue;
      }
      // The midnight rush: many merchants within reach of the top ten over a whole hour.
      const from = window.fromMs + h * HOUR;
      const byTen = new MinutePrefix(
        from,
        6,
        await merchantBuckets(store, show, { fromMs: from, toMs: from + HOUR }, TEN_MINUTES),
        TEN_MINUTES,
      );
      const at = new Map(byTen.row(0).keys.map((k, j) => [k.key, j] as const));
      // Every merchant's total since the window start at each ten minutes of the hour.
      const since = (t: number): Float64Array => {
        const r = byTen.row(t);
        return Float64Array.from(lo.keys, (k, j) => {
          const i = at.get(k.key);
          return lo.fen[j]! + (i === undefined ? 0 : r.fen[i]!);
        });
      };
      for (let t = 0; t < 6; t++) {
        const c10 = candidates(lo.keys, since(t), since(t + 1));
        tenMinutes.set(h * 6 + t, c10);
        if (c10) for (const id of c10) union.add(id);
      }
    }
    if (union.size > MAX_KEPT) return null;
    const ids = [...union];
    const minutes = Math.floor((window.toMs - window.fromMs) / MINUTE);
    const kept = new MinutePrefix(
      window.fromMs,
      minutes,
      ids.length ? await merchantBuckets(store, show, window, MINUTE, ids) : [],
    );
    return new MerchantIndex(window.fromMs, minutes, hourly, tenMinutes, kept);
  }

  /** The top ten over the first `m` whole minutes of the window, or null when it must be ranked in the engine. */
  topBefore(m: number): DimensionRow[] | null {
    const minute = Math.max(0, Math.min(this.minutes, m));
    // Past the last whole hour (a window that is not whole hours) no bucket bounds the totals.
    if (minute > this.hourly.length * 60) return null;
    // The minute boundary lies in (or at the start of) this bucket.
    const h = Math.floor(minute / 60);
    let ids: string[] | null | undefined = h < this.hourly.length ? this.hourly[h] : this.hourly.at(-1);
    if (ids === null) ids = this.tenMinutes.get(Math.floor(minute / 10));
    if (!ids) return null;
    const row = this.kept.row(minute);
    const out: DimensionRow[] = [];
    for (const key of ids) {
      const j = this.index.get(key);
      if (j === undefined || row.orders[j]! <= 0) continue;
      out.push({ dimension: 'merchant', key, orders: row.orders[j]!, fen: row.fen[j]! });
    }
    return out.sort((a, b) => b.fen - a.fen || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, TOP_N);
  }
}
