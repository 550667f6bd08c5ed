import { decimalToFenExact, fenToNumber, type Fen } from '../../shared/money.js';
import type {
  BreakdownRow,
  Breakdowns,
  LastYear,
  Milestone,
  SeriesPoint,
  Snapshot,
  Tick,
} from '../../shared/protocol.js';
import type { ReplayStatus } from '../../shared/history.js';

/**
 * The client's one edge for money: every amount comes over the wire as a decimal string of
 * CNY with two decimals, and is read here, once, into integer fen (an exact number, or a
 * bigint past 2^53). The rest of the client works on fen; charts take the nearest double.
 * An unreadable amount becomes null (a figure) or is left out (a row, a point), so a panel
 * shows its placeholder instead of breaking.
 */

/** One second of the gross series: gmv in fen as the nearest double (a figure for the curve). */
export type FenPoint = [second: number, orders: number, fen: number];

/** Orders and their GMV; null when the amount could not be read. */
export interface FenPart {
  orders: number;
  fen: Fen | null;
}

export interface FenRow {
  key: string;
  orders: number;
  fen: Fen;
  /** A merchant's display name, when the server's reference data has one. */
  name?: string;
}

export type FenBreakdowns = Record<keyof Breakdowns, FenRow[]>;

export interface FenRate {
  ordersPerSec: number;
  fenPerSec: Fen | null;
  peakOrdersPerSec: number;
  peakSecond: number | null;
  /** The second with the most GMV so far and its GMV; null when the server does not say. */
  peakFenPerSec: Fen | null;
  peakFenSecond: number | null;
}

export interface FenPace {
  vsLastYearPct: number | null;
  projectedFen: Fen | null;
  lastYearSoFarFen: Fen | null;
}

export interface FenMilestone {
  fen: Fen;
  kind: Milestone['kind'];
  crossedAtMs: number | null;
  predictedAtMs: number | null;
}

export interface FenLastYear {
  show: string;
  name: string;
  totalFen: Fen | null;
  /** Per minute since its start, nearest doubles: the overlay is a chart. */
  minuteFen: number[];
}

/** A replay's bookmark (a milestone crossed within its range). */
export interface FenBookmark {
  fen: Fen;
  kind: Milestone['kind'];
  atMs: number;
}

/** The newest absolute figures, as sent, in fen; shared by snapshots and ticks. */
export interface Figures {
  seq: number;
  asOfMs: number;
  gross: FenPart;
  net: FenPart;
  rate: FenRate;
  breakdowns: FenBreakdowns;
  newestEventMs: number | null;
  committedAtMs: number | null;
  sentAtMs: number;
  healthy: boolean;
  pace: FenPace;
  milestones: FenMilestone[];
}

/** An amount from the wire as fen, exactly; null when it is missing or not an amount. */
export function decodeFen(text: unknown): Fen | null {
  if (typeof text !== 'string') return null;
  try {
    return decimalToFenExact(text);
  } catch {
    return null;
  }
}

function rows(list: readonly BreakdownRow[] | undefined): FenRow[] {
  const out: FenRow[] = [];
  for (const r of list ?? []) {
    const fen = decodeFen(r.gmv);
    if (fen !== null)
      out.push(
        r.name === undefined
          ? { key: r.key, orders: r.orders, fen }
          : { key: r.key, orders: r.orders, fen, name: r.name },
      );
  }
  return out;
}

/** Points of the series as fen (nearest doubles); unreadable points are left out. */
export function decodeSeries(points: readonly SeriesPoint[]): FenPoint[] {
  const out: FenPoint[] = [];
  for (const p of points) {
    const fen = decodeFen(p[2]);
    if (fen !== null) out.push([p[0], p[1], fenToNumber(fen)]);
  }
  return out;
}

export function decodeFigures(m: Snapshot | Tick): Figures {
  const milestones: FenMilestone[] = [];
  for (const x of m.milestones ?? []) {
    const fen = decodeFen(x.amount);
    if (fen !== null)
      milestones.push({ fen, kind: x.kind, crossedAtMs: x.crossedAtMs, predictedAtMs: x.predictedAtMs });
  }
  return {
    seq: m.seq,
    asOfMs: m.asOfMs,
    gross: { orders: m.gross.orders, fen: decodeFen(m.gross.gmv) },
    net: { orders: m.net.orders, fen: decodeFen(m.net.gmv) },
    rate: {
      ordersPerSec: m.rate.ordersPerSec,
      fenPerSec: decodeFen(m.rate.gmvPerSec),
      peakOrdersPerSec: m.rate.peakOrdersPerSec,
      peakSecond: m.rate.peakSecond,
      peakFenPerSec: m.rate.peakGmvPerSec === undefined ? null : decodeFen(m.rate.peakGmvPerSec),
      peakFenSecond: m.rate.peakGmvSecond ?? null,
    },
    breakdowns: {
      channel: rows(m.breakdowns.channel),
      country: rows(m.breakdowns.country),
      category: rows(m.breakdowns.category),
      merchant: rows(m.breakdowns.merchant),
      province: rows(m.breakdowns.province),
      city: rows(m.breakdowns.city),
    },
    newestEventMs: m.newestEventMs,
    committedAtMs: m.committedAtMs,
    sentAtMs: m.sentAtMs,
    healthy: m.healthy,
    pace: {
      vsLastYearPct: m.pace.vsLastYearPct,
      projectedFen: decodeFen(m.pace.projectedGmv),
      lastYearSoFarFen: decodeFen(m.pace.lastYearSoFar),
    },
    milestones,
  };
}

export function decodeLastYear(l: LastYear | null): FenLastYear | null {
  if (l === null) return null;
  // A minute that cannot be read draws as nothing sold, so the overlay keeps its time axis.
  const minuteFen = (l.minuteGmv ?? []).map((g) => {
    const fen = decodeFen(g);
    return fen === null ? 0 : fenToNumber(fen);
  });
  return { show: l.show, name: l.name, totalFen: decodeFen(l.totalGmv), minuteFen };
}

/** A replay's status with its bookmarks in fen (unreadable ones left out). */
export type FenReplayStatus = Omit<ReplayStatus, 'bookmarks'> & { bookmarks: FenBookmark[] };

export function decodeReplayStatus(s: ReplayStatus): FenReplayStatus {
  const bookmarks: FenBookmark[] = [];
  for (const b of s.bookmarks) {
    const fen = decodeFen(b.amount);
    if (fen !== null) bookmarks.push({ fen, kind: b.kind, atMs: b.atMs });
  }
  return { ...s, bookmarks };
}
