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
  const parsed = rows.map((row) => ({ row, fen: row.fen }));
  parsed.sort((a, b) =>
    a.fen !== b.fen ? (b.fen > a.fen ? 1 : -1) : a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0,
  );
  const top = parsed.slice(0, Math.max(0, limit));
  // Bars are geometry: the nearest doubles.
  const max = fenToNumber(top[0]?.fen ?? 0);
  return top.map(({ row, fen }, i) => ({
    key: row.key,
    name: nameOf(row.key),
    rank: i + 1,
    gmvFen: fen,
    orders: row.orders,
    bar: max > 0 ? Math.max(0, fenToNumber(fen)) / max : 0,
    valueText: compactCny(fen),
  }));
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
