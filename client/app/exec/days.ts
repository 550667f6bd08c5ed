import type { DaySummary } from '../../../shared/history.js';
import type { Fen } from '../../../shared/money.js';
import { decodeFen } from '../../live/decode.js';

/** One row of the exec screen's net-by-day table, money as exact fen. */
export interface DayRow {
  show: string;
  name: string;
  live: boolean;
  grossFen: Fen;
  refundFen: Fen;
  /** Refunds made after the show's end (netted to it whenever they came). */
  lateRefundFen: Fen;
  netFen: Fen;
  /** Refund GMV / gross GMV, null without sales. */
  refundRate: number | null;
}

/** The rows of GET /api/v1/days; a day whose amounts do not read is left out. */
export function dayRows(body: unknown): DayRow[] {
  const days = (body as { days?: unknown } | null)?.days;
  if (!Array.isArray(days)) return [];
  const out: DayRow[] = [];
  for (const d of days as DaySummary[]) {
    const grossFen = decodeFen(d?.gross?.gmv);
    const refundFen = decodeFen(d?.refunds?.gmv);
    const lateRefundFen = decodeFen(d?.lateRefunds?.gmv);
    const netFen = decodeFen(d?.net?.gmv);
    if (grossFen === null || refundFen === null || lateRefundFen === null || netFen === null) continue;
    const rate = typeof d.refundRate === 'number' && Number.isFinite(d.refundRate) ? d.refundRate : null;
    out.push({
      show: d.show,
      name: d.name,
      live: d.live === true,
      grossFen,
      refundFen,
      lateRefundFen,
      netFen,
      refundRate: rate,
    });
  }
  return out;
}

/** A refund rate as a percentage with two decimals ("3.25%"), or "—". */
export function formatRefundRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${(Math.round(rate * 10_000) / 100).toFixed(2)}%`;
}
