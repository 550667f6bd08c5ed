import { fenToNumber, type Fen } from '../../../shared/money.js';
import type { FenRow } from '../../live/decode.js';
import { compactCny } from '../../format/amount.js';

export interface RankedRow {
  key: string;
  /** Display name (text, never markup). */
  name: string;
  rank: number;
  gmvFen: Fen;
  orders: number;
  /** Bar length: share of the leader's GMV, 0..1. */
  bar: number;
  valueText: string;
}

/**
 * Ranked rows, largest GMV first and ties by key, so the order is the same on
 * every board and every tick however the rows arrive (exactly, past 2^53 fen too).
 */
export function rankRows(rows: readonly FenRow[], nameOf: (key: string) => string, limit: number): RankedRow[] {
  const top = [...rows].sort(byRank).slice(0, Math.max(0, limit));
  // Bars are geometry: the nearest doubles.
  const max = fenToNumber(top[0]?.fen ?? 0);
  return top.map((row, i) => ({
    key: row.key,
    // A display name the server sent (a merchant's, from the reference data) before the key's own.
    name: row.name ?? nameOf(row.key),
    rank: i + 1,
    gmvFen: row.fen,
    orders: row.orders,
    bar: max > 0 ? Math.max(0, fenToNumber(row.fen)) / max : 0,
    valueText: compactCny(row.fen),
  }));
}

/** Largest GMV first, ties by key (exact for bigint fen too). */
function byRank(a: FenRow, b: FenRow): number {
  if (a.fen !== b.fen) return b.fen > a.fen ? 1 : -1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The rows a ranking shows, remembered between ticks so that places change with hysteresis. */
export interface Settled {
  /** The keys on screen and their newest row (a held row may have left the server's list). */
  shown: ReadonlyMap<string, FenRow>;
  /** Since when (ms) each shown key has been beaten out of the top `limit`. */
  beatenSince: ReadonlyMap<string, number>;
}

export interface SettleResult {
  state: Settled;
  /** The rows to rank and draw: at most `limit`. */
  rows: FenRow[];
  /** When a held row's time is up (ms), so the host can settle again then; null: none held. */
  wakeAtMs: number | null;
}

/** Default of `?rankhold=`: long enough to stop flicker at the boundary, short enough to read as live. */
export const RANK_HOLD_MS = 2000;

/**
 * Which rows a top-`limit` ranking shows: a shown row leaves only once it has been beaten
 * (outside the top `limit`) for `holdMs` without a break; the best row not shown takes the
 * place it frees. Rows that only trade places inside the list move at once. Without it a row
 * at the boundary that drops out and comes back a tick later would flicker out and in.
 * Pure: `nowMs` is the caller's clock (the screen's, as the hold is for the viewers' eyes).
 */
export function settleRanking(
  prev: Settled | null,
  rows: readonly FenRow[],
  limit: number,
  nowMs: number,
  holdMs: number,
): SettleResult {
  const n = Math.max(0, limit);
  const sorted = [...rows].sort(byRank);
  const top = new Set(sorted.slice(0, n).map((r) => r.key));
  const latest = new Map(sorted.map((r) => [r.key, r]));
  const shown = new Map<string, FenRow>();
  const beatenSince = new Map<string, number>();
  for (const [key, last] of prev?.shown ?? []) {
    const row = latest.get(key) ?? last;
    if (top.has(key)) {
      shown.set(key, row);
      continue;
    }
    const since = prev?.beatenSince.get(key) ?? nowMs;
    if (nowMs - since >= holdMs) continue;
    shown.set(key, row);
    beatenSince.set(key, since);
  }
  // Fewer places than shown rows (the limit shrank): the lowest go at once.
  if (shown.size > n) {
    const keep = [...shown.values()].sort(byRank).slice(0, n);
    shown.clear();
    for (const r of keep) shown.set(r.key, r);
    for (const key of [...beatenSince.keys()]) if (!shown.has(key)) beatenSince.delete(key);
  }
  for (const r of sorted) {
    if (shown.size >= n) break;
    if (!shown.has(r.key)) shown.set(r.key, r);
  }
  let wakeAtMs: number | null = null;
  for (const since of beatenSince.values()) wakeAtMs = Math.min(wakeAtMs ?? Infinity, since + holdMs);
  return { state: { shown, beatenSince }, rows: [...shown.values()].sort(byRank), wakeAtMs };
}

/** `?rankhold=2` (seconds, 0..60) from a page's search: how long a beaten row holds its place. */
export function rankHoldMs(search: string): number {
  const v = new URLSearchParams(search).get('rankhold');
  const s = v === null || v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(s) && s >= 0 && s <= 60 ? Math.round(s * 1000) : RANK_HOLD_MS;
}

/** True when two rankings would draw the same: lets the host skip a redraw on a heartbeat tick. */
export function sameRanking(a: readonly RankedRow[], b: readonly RankedRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key || x.gmvFen !== y.gmvFen || x.name !== y.name) return false;
  }
  return true;
}

/** Shortens text to `max` characters with an ellipsis; long merchant ids must not run into the figures. */
export function clip(text: string, max: number): string {
  if (max <= 1) return text.length > 0 ? '…' : '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
