/**
 * The live wire protocol between the server and every board, shared by both
 * sides. Bump PROTOCOL_VERSION on any incompatible change.
 *
 * Money: every amount on the wire, in these messages and in the HTTP API, is a decimal
 * string of CNY with exactly two decimals ("57100000000.00"): exact at any size, as orders
 * are sent. The server writes it with formatFen from integer fen; the client reads it back
 * into fen at its edge (client/live/decode.ts). Version 4 made the series and last
 * year's minutes strings too (they were fen numbers).
 */
export const PROTOCOL_VERSION = 4;

/** socket.io namespace of the live board. */
export const LIVE_NAMESPACE = '/live';

/** Totals of one side of the ledger; `gmv` is CNY with two decimals ("57100000000.00"). */
export interface TotalsPart {
  gmv: string;
  orders: number;
}

/** Answer of GET /api/v1/totals. */
export interface TotalsResponse {
  show: string;
  /** Show clock at which these totals stand, RFC 3339 UTC. */
  asOf: string;
  seq: number;
  currency: 'CNY';
  gross: TotalsPart;
  net: TotalsPart;
}

/** Current pace, averaged over the last complete show-seconds. */
export interface Rate {
  ordersPerSec: number;
  gmvPerSec: string;
  /** Highest orders in one show-second so far, and which second (since start). */
  peakOrdersPerSec: number;
  peakSecond: number | null;
}

/** One second of the gross series: [seconds since show start, orders, gmv CNY with two decimals]. */
export type SeriesPoint = [second: number, orders: number, gmv: string];

export interface BreakdownRow {
  key: string;
  orders: number;
  gmv: string;
}

export interface Breakdowns {
  channel: BreakdownRow[];
  country: BreakdownRow[];
  category: BreakdownRow[];
  merchant: BreakdownRow[];
}

export interface ShowInfo {
  id: string;
  name: string;
  startMs: number;
  endMs: number;
  timeZone: string;
  currency: 'CNY';
  /** CNY per USD, for the secondary display. */
  usdRate: string | null;
  milestones: string[];
  compareTo: string | null;
  /** "wall": the clock is real time; "events": it follows the newest event (simulations, replays). */
  clock: 'wall' | 'events';
}

/** A milestone of the show and when it was (or is expected to be) crossed. */
export interface Milestone {
  /** CNY with two decimals. */
  amount: string;
  /** "last-year" for the previous show's total, else "threshold". */
  kind: 'threshold' | 'last-year';
  /** Event time at which gross GMV reached the amount, exact to the ms; null until crossed. */
  crossedAtMs: number | null;
  /** Projected crossing at the current pace, for the next milestone only. */
  predictedAtMs: number | null;
}

/** This year against last year at the same seconds since the start. */
export interface Pace {
  /** Gross now over last year's gross at the same elapsed second, minus one, in percent. */
  vsLastYearPct: number | null;
  /** Last year's final total scaled by that ratio, CNY. */
  projectedGmv: string | null;
  /** Last year's gross at the same elapsed second, CNY. */
  lastYearSoFar: string | null;
}

/**
 * One drawn order flow, from a merchant hub (index into MERCHANT_HUBS) to the
 * buyer's country. Arcs are a sample of the orders of the tick.
 */
export type Arc = [hub: number, country: string];

/** Last year's day, for the overlay: gross GMV (CNY, two decimals) per minute since its start. */
export interface LastYear {
  show: string;
  name: string;
  totalGmv: string;
  minuteGmv: string[];
}

interface StateBase {
  v: typeof PROTOCOL_VERSION;
  seq: number;
  /** Show clock, epoch ms. */
  asOfMs: number;
  gross: TotalsPart;
  net: TotalsPart;
  rate: Rate;
  breakdowns: Breakdowns;
  /** Event time of the newest order included, epoch ms (null before the first). */
  newestEventMs: number | null;
  /** Server wall time at which the newest included insert committed, epoch ms. */
  committedAtMs: number | null;
  /** Server wall time when this message was sent, epoch ms. */
  sentAtMs: number;
  /** False while the store is failing: the board shows its data as stale. */
  healthy: boolean;
  pace: Pace;
  milestones: Milestone[];
  /** A sample of the orders committed since the previous message. */
  arcs: Arc[];
  /** Orders each arc stands for in this message (1 arc ≈ N orders). */
  ordersPerArc: number;
}

/** Seconds per chunk of the live series served over HTTP (SERIES_CHUNK_PATH). */
export const SERIES_CHUNK_SECONDS = 3600;

/** GET `${SERIES_CHUNK_PATH}/<chunk>`: one chunk of the live show's gross series (ETag, 304 when unchanged). */
export const SERIES_CHUNK_PATH = '/api/v1/live/series';

/**
 * Where the seconds a snapshot leaves out are: the live show's snapshot carries only its recent
 * seconds, so it costs the same at 00:01 and at 23:59; the older ones come in chunks over HTTP.
 */
export interface SeriesHistory {
  /** The snapshot's `series` holds every non-empty second from this one on. */
  before: number;
  /** Seconds per chunk: chunk i holds seconds [i * chunkSeconds, (i + 1) * chunkSeconds). */
  chunkSeconds: number;
  /** The chunks with seconds before `before` that hold any order, ascending. */
  chunks: number[];
}

/** One chunk of the gross series. Gross seconds only ever grow: a client keeps the larger of two values. */
export interface SeriesChunk {
  show: string;
  chunk: number;
  /** Non-empty seconds of the chunk, ascending. */
  series: SeriesPoint[];
}

/** The whole board state: sent on connect, on reconnect and on request. */
export interface Snapshot extends StateBase {
  show: ShowInfo;
  /** The non-empty seconds of the gross series, ascending: all of them, or from `history.before` on. */
  series: SeriesPoint[];
  /** Absent or null: `series` is complete (replays). Else where the older seconds are. */
  history?: SeriesHistory | null;
  lastYear: LastYear | null;
}

/** Absolute state after a change; `series` holds the seconds that changed, with their absolute values. */
export interface Tick extends StateBase {
  show: string;
  series: SeriesPoint[];
}

export interface ServerToClientEvents {
  snapshot: (s: Snapshot) => void;
  tick: (t: Tick) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (after a gap in seq). */
  resync: () => void;
}

/** Most ticks per second the server sends. */
export const MAX_TICKS_PER_SECOND = 10;

/** True when `tick` directly follows the last seen seq; otherwise the client must resync. */
export function followsDirectly(lastSeq: number, tick: Pick<Tick, 'seq'>): boolean {
  return tick.seq === lastSeq + 1;
}
