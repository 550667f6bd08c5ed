import type { SeriesRow } from '../shared/history.js';
import { formatFen, subtractFen, type Fen } from '../shared/money.js';
import {
  PROTOCOL_VERSION,
  type BreakdownRow,
  type Breakdowns,
  type SeriesPoint,
  type Snapshot,
  type Tick,
  type TotalsPart,
  type TotalsResponse,
} from '../shared/protocol.js';
import type {
  BoardFrame,
  FenBreakdowns,
  FenPoint,
  FenRow,
  FenTotals,
  SnapshotFrame,
  TickFrame,
} from './domain/figures.js';

/**
 * The server's edge for money: the domain works in integer fen, and every message and
 * response is built here, where each amount becomes a decimal string of CNY with two
 * decimals (formatFen, exact at any size). Nothing else on the server formats money.
 */

export function encodePart(t: FenTotals): TotalsPart {
  return { gmv: formatFen(t.fen), orders: t.orders };
}

/** One amount, e.g. a milestone in an alert (server/alerts/). */
export function encodeFen(fen: Fen): string {
  return formatFen(fen);
}

export function encodeRows(rows: readonly FenRow[]): BreakdownRow[] {
  return rows.map((r) =>
    r.name === undefined
      ? { key: r.key, orders: r.orders, gmv: formatFen(r.fen) }
      : { key: r.key, orders: r.orders, gmv: formatFen(r.fen), name: r.name },
  );
}

function encodeBreakdowns(b: FenBreakdowns): Breakdowns {
  return {
    channel: encodeRows(b.channel),
    country: encodeRows(b.country),
    category: encodeRows(b.category),
    merchant: encodeRows(b.merchant),
    province: encodeRows(b.province),
    city: encodeRows(b.city),
  };
}

export function encodeSeries(points: readonly FenPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = new Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    out[i] = [p[0], p[1], formatFen(p[2])];
  }
  return out;
}

/** Sales and refunds as the gross and net parts of the API, exactly. */
export function encodeSalesRefunds(sales: FenTotals, refunds: FenTotals): { gross: TotalsPart; net: TotalsPart } {
  return {
    gross: encodePart(sales),
    net: { gmv: formatFen(subtractFen(sales.fen, refunds.fen)), orders: sales.orders - refunds.orders },
  };
}

/** A step of a series: sales, refunds and net, exactly. */
export function encodeStep(b: { orders: number; fen: Fen; refunds: number; refundFen: Fen }): Omit<SeriesRow, 't'> {
  return {
    orders: b.orders,
    gmv: formatFen(b.fen),
    refunds: b.refunds,
    refundGmv: formatFen(b.refundFen),
    netGmv: formatFen(subtractFen(b.fen, b.refundFen)),
  };
}

function encodeState(f: BoardFrame, sentAtMs: number): Omit<Tick, 'show' | 'series'> {
  return {
    v: PROTOCOL_VERSION,
    seq: f.seq,
    asOfMs: f.asOfMs,
    gross: encodePart(f.gross),
    net: encodePart(f.net),
    rate: {
      ordersPerSec: f.rate.ordersPerSec,
      gmvPerSec: formatFen(f.rate.fenPerSec),
      peakOrdersPerSec: f.rate.peakOrdersPerSec,
      peakSecond: f.rate.peakSecond,
      peakGmvPerSec: formatFen(f.rate.peakFenPerSec),
      peakGmvSecond: f.rate.peakFenSecond,
    },
    breakdowns: encodeBreakdowns(f.breakdowns),
    newestEventMs: f.newestEventMs,
    committedAtMs: f.committedAtMs,
    sentAtMs,
    healthy: f.healthy,
    pace: {
      vsLastYearPct: f.pace.vsLastYearPct,
      projectedGmv: nullable(f.pace.projectedFen),
      lastYearSoFar: nullable(f.pace.lastYearSoFarFen),
    },
    milestones: f.milestones.map((m) => ({
      amount: formatFen(m.fen),
      kind: m.kind,
      crossedAtMs: m.crossedAtMs,
      predictedAtMs: m.predictedAtMs,
    })),
    arcs: f.arcs,
    ordersPerArc: f.ordersPerArc,
  };
}

function nullable(fen: Fen | null): string | null {
  return fen === null ? null : formatFen(fen);
}

export function encodeSnapshot(f: SnapshotFrame, sentAtMs = Date.now()): Snapshot {
  const s: Snapshot = {
    ...encodeState(f, sentAtMs),
    show: f.show,
    series: encodeSeries(f.series),
    lastYear: f.lastYear && {
      show: f.lastYear.show,
      name: f.lastYear.name,
      totalGmv: formatFen(f.lastYear.totalFen),
      minuteGmv: f.lastYear.minuteFen.map(formatFen),
    },
  };
  if (f.history !== undefined) s.history = f.history;
  return s;
}

export function encodeTick(f: TickFrame, sentAtMs = Date.now()): Tick {
  return { ...encodeState(f, sentAtMs), show: f.show, series: encodeSeries(f.series) };
}

/**
 * Stamps a broadcast message with the instant every board shows it: `delayMs` after it was sent
 * (PRESENT_DELAY_MS), on the sending live node's clock. Push nodes forward it untouched.
 */
export function stampPresentation<M extends Snapshot | Tick>(message: M, delayMs: number): M {
  message.presentAtMs = message.sentAtMs + delayMs;
  return message;
}

/** The one builder of GET /api/v1/totals answers, whichever side (live state, store, a push node's cache) they come from. */
export function totalsResponse(
  show: string,
  asOfMs: number,
  seq: number,
  parts: { gross: TotalsPart; net: TotalsPart },
): TotalsResponse {
  return { show, asOf: new Date(asOfMs).toISOString(), seq, currency: 'CNY', gross: parts.gross, net: parts.net };
}
