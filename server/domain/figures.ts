import type { Fen } from '../../shared/money.js';
import type { Arc, Breakdowns, Milestone, SeriesHistory, ShowInfo } from '../../shared/protocol.js';

/**
 * The board's figures in integer fen, as the domain hands them over. Only the edge that
 * builds a message or a response (server/wire.ts) turns them into wire strings.
 */

/** Orders and their GMV, exactly (a bigint past 2^53 fen). */
export interface FenTotals {
  orders: number;
  fen: Fen;
}

/** One row of a breakdown. */
export interface FenRow extends FenTotals {
  key: string;
  /** A merchant's display name from the reference data, when known. */
  name?: string;
}

export type FenBreakdowns = Record<keyof Breakdowns, FenRow[]>;

/** Current pace; `fenPerSec` is a pace, the nearest double past 2^53 fen. */
export interface FenRate {
  ordersPerSec: number;
  fenPerSec: number;
  peakOrdersPerSec: number;
  peakSecond: number | null;
  /** The show-second with the most GMV so far (ties: the earliest), and its GMV. */
  peakFenPerSec: number;
  peakFenSecond: number | null;
}

/** This year against last year (see Pace). */
export interface FenPace {
  vsLastYearPct: number | null;
  /** A projection: the nearest double. */
  projectedFen: number | null;
  lastYearSoFarFen: Fen | null;
}

/** A milestone (see Milestone): thresholds are safe integers of fen. */
export interface FenMilestone {
  fen: number;
  kind: Milestone['kind'];
  crossedAtMs: number | null;
  predictedAtMs: number | null;
}

/** One second of the gross series: a figure for the curve, the nearest double past 2^53 fen. */
export type FenPoint = [second: number, orders: number, fen: number];

/** Last year's day (see LastYear). */
export interface FenLastYear {
  show: string;
  name: string;
  totalFen: Fen;
  minuteFen: number[];
}

/** What every board message holds (see StateBase), but `v` and `sentAtMs`, which the encoder sets. */
export interface BoardFrame {
  seq: number;
  asOfMs: number;
  gross: FenTotals;
  net: FenTotals;
  rate: FenRate;
  breakdowns: FenBreakdowns;
  newestEventMs: number | null;
  committedAtMs: number | null;
  healthy: boolean;
  pace: FenPace;
  milestones: FenMilestone[];
  arcs: Arc[];
  ordersPerArc: number;
}

/** A Snapshot in fen. */
export interface SnapshotFrame extends BoardFrame {
  show: ShowInfo;
  series: FenPoint[];
  history?: SeriesHistory | null;
  lastYear: FenLastYear | null;
}

/** A Tick in fen. */
export interface TickFrame extends BoardFrame {
  show: string;
  series: FenPoint[];
}
