/**
 * The history side of the protocol, shared by the server and the analyst and
 * executive screens: time travel, series, breakdowns, what was on air, and the
 * server-driven replay. Replays reuse the live board's Snapshot and Tick messages,
 * so the same board components draw them.
 */
import type { BreakdownRow, ClientToServerEvents, ServerToClientEvents, TotalsPart } from './protocol.js';

/** socket.io namespace of replays. */
export const REPLAY_NAMESPACE = '/replay';

/**
 * HTTP path of the replays' own socket.io server (the board's is the default
 * `/socket.io`). A balancer routes by path: board sockets to any node, replay
 * sockets to the live node (ROLE=all), the only one that runs replays.
 */
export const REPLAY_PATH = '/replay.io';

/** Series steps the read API serves. */
export const SERIES_STEPS = ['1s', '1m', '1h'] as const;
export type SeriesStep = (typeof SERIES_STEPS)[number];

/** Most rows one series or export answer holds (a whole day at 1 s is 86,400). */
export const MAX_SERIES_ROWS = 100_000;

/** Slowest and fastest replay speeds (show-seconds per real second). */
export const REPLAY_MIN_SPEED = 1;
export const REPLAY_MAX_SPEED = 3600;

/** A configured show and what the store holds of it (GET /api/v1/shows). */
export interface ShowSummary {
  id: string;
  name: string;
  /** RFC 3339 UTC. */
  start: string;
  end: string;
  timeZone: string;
  live: boolean;
  /** Stored orders of the show (sales and refunds). */
  orders: number;
  /** Event time of the first and newest stored order, RFC 3339 UTC (null when empty). */
  firstEvent: string | null;
  lastEvent: string | null;
}

/** One step of a series: sales (gross) and refunds in it, and net. */
export interface SeriesRow {
  /** Start of the step, RFC 3339 UTC. */
  t: string;
  orders: number;
  gmv: string;
  refunds: number;
  refundGmv: string;
  netGmv: string;
}

/** GET /api/v1/series?show=&from=&to=&step= */
export interface SeriesResponse {
  show: string;
  step: SeriesStep;
  from: string;
  to: string;
  /** Non-empty steps only, ascending. */
  rows: SeriesRow[];
}

export type Dimension = 'channel' | 'country' | 'category' | 'merchant';

/** GET /api/v1/breakdowns?show=&from=&to=&dimension=&limit= */
export interface BreakdownsResponse {
  show: string;
  dimension: Dimension;
  /** The range actually summed (merchant ranges are whole minutes). */
  from: string;
  to: string;
  /** Gross (sales) by key, largest GMV first, ties by key. */
  rows: BreakdownRow[];
}

/** GET /api/v1/on-air?show=&at=: what the wall showed at an instant, next to the event-time truth. */
export interface OnAirResponse {
  show: string;
  at: string;
  /** The last tick or snapshot broadcast at or before `at` (null: nothing was on air yet). */
  onAir: {
    seq: number;
    kind: 'tick' | 'snapshot';
    sentAt: string;
    /** Show clock of that message. */
    asOf: string;
    gross: TotalsPart;
    net: TotalsPart;
  } | null;
  /** Totals of every stored order with event time up to `at`, as ClickHouse holds them now. */
  truth: { gross: TotalsPart; net: TotalsPart };
}

/**
 * State of one replay, sent to its viewers on every change and once a second while playing.
 *
 * A replay stands at whole seconds of event time: the board at `positionMs` holds every
 * order of the show with event time before `positionMs` ("before t"; Snapshot/Tick
 * `asOfMs` = `positionMs`), series and totals exact to the second, merchant rankings to
 * the whole minute. A seek rounds down to the second; play moves by whole seconds
 * (speed × 100 ms of show time per frame, so at 1x the position moves once a second).
 * In replay messages `arcs` are empty, `committedAtMs` is null, `newestEventMs` is
 * `positionMs - 1` once there are orders, and `seq` counts per replay.
 */
export interface ReplayStatus {
  id: string;
  show: string;
  /** Bounds of the replay, epoch ms (event time). */
  fromMs: number;
  toMs: number;
  /** Show clock of the current frame, epoch ms. */
  positionMs: number;
  speed: number;
  playing: boolean;
  /** Viewers watching this replay. */
  viewers: number;
  /** Milestones crossed within the replay's range: where the timeline puts its bookmarks. */
  bookmarks: { amount: string; kind: 'threshold' | 'last-year'; atMs: number }[];
}

export interface ReplayCreate {
  show: string;
  /** Event-time bounds, RFC 3339; default the whole show. */
  from?: string;
  to?: string;
  speed?: number;
}

export type ReplayControl =
  | { action: 'play' }
  | { action: 'pause' }
  | { action: 'speed'; speed: number }
  /** Jump to an instant, epoch ms of event time (rounded down to the second, clamped to the range). */
  | { action: 'seek'; atMs: number }
  /** Move by whole seconds while paused (negative: back). */
  | { action: 'step'; seconds: number };

/** Why a replay request was refused. */
export type ReplayErrorCode =
  | 'GMV_ERR_SHOW_UNKNOWN'
  | 'GMV_ERR_REPLAY_RANGE'
  | 'GMV_ERR_REPLAY_SPEED'
  | 'GMV_ERR_REPLAY_UNKNOWN'
  | 'GMV_ERR_REPLAY_REQUEST'
  | 'GMV_ERR_REPLAY_NOT_JOINED'
  | 'GMV_ERR_REPLAY_LIMIT'
  | 'GMV_ERR_REPLAY_FULL'
  | 'GMV_ERR_REPLAY_BUSY'
  | 'GMV_ERR_STORE_UNAVAILABLE';

/** `code` is a ReplayErrorCode. */
export type ReplayAck = { ok: true; status: ReplayStatus } | { ok: false; code: string; message: string };

export interface ReplayServerToClientEvents extends ServerToClientEvents {
  replay: (s: ReplayStatus) => void;
}

export interface ReplayClientToServerEvents extends ClientToServerEvents {
  /** Starts a new replay and joins it. */
  create: (req: ReplayCreate, ack: (r: ReplayAck) => void) => void;
  /** Joins an existing replay (a shared link); the viewer gets its snapshot at once. */
  join: (id: string, ack: (r: ReplayAck) => void) => void;
  /** Any viewer may steer: every viewer of a replay sees the same frames. */
  control: (c: ReplayControl, ack: (r: ReplayAck) => void) => void;
}
