import { fenToNumber } from '../../../shared/money.js';
import type { FenRow } from '../../live/decode.js';

export const CHANNELS = ['mobile', 'pc', 'offline'] as const;

export interface ChannelShare {
  key: string;
  gmvFen: number;
  /** Share in tenths of a percent; the three always add up to exactly 1000 (or all are 0). */
  permille: number;
  /** Start of the segment, 0..1, in the fixed channel order. */
  start: number;
  /** Width of the segment, 0..1. */
  width: number;
  pctText: string;
}

/**
 * Channel shares of GMV in a fixed order (mobile, pc, offline) so segments never
 * swap places. Rounded by largest remainder: the shown percentages add up to
 * 100.0 exactly, as an audience will check.
 */
export function channelShares(rows: readonly FenRow[]): ChannelShare[] {
  const fen = CHANNELS.map((key) => {
    const row = rows.find((r) => r.key === key);
    // Shares are proportions: the nearest doubles.
    return row === undefined ? 0 : Math.max(0, fenToNumber(row.fen));
  });
  const total = fen.reduce((s, f) => s + f, 0);
  const permille = largestRemainder(fen, total, 1000);
  let start = 0;
  return CHANNELS.map((key, i) => {
    const width = total > 0 ? fen[i]! / total : 0;
    const share: ChannelShare = {
      key,
      gmvFen: fen[i]!,
      permille: permille[i]!,
      start,
      width,
      pctText: total > 0 ? `${(permille[i]! / 10).toFixed(1)}%` : '—',
    };
    start += width;
    return share;
  });
}

/** Integer parts of `scale` proportional to `values`, summing to `scale` exactly (0s when the total is 0). */
export function largestRemainder(values: readonly number[], total: number, scale: number): number[] {
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((v) => (v / total) * scale);
  const parts = exact.map(Math.floor);
  let left = scale - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  return parts;
}
