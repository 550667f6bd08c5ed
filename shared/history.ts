/**
 * The history side of the protocol, shared by the server and the analyst and
 * executive screens: time travel, series, breakdowns, what was on air, and the
 * server-driven replay. Replays reuse the live board's Snapshot and Tick messages,
 * so the same board components draw them.
 */
import { Type, type Static } from 'typebox';
import type { ErrorCode, ErrorCodes } from './errors.js';
import {
  BreakdownRowSchema,
  Instant,
  Money,
  TotalsPartSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from './protocol.js';

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
export const SeriesStepSchema = Type.Enum(SERIES_STEPS);
export type SeriesStep = Static<typeof SeriesStepSchema>;

/** Most rows one series or export answer holds (a whole day at 1 s is 86,400). */
export const MAX_SERIES_ROWS = 100_000;

/** Slowest and fastest replay speeds (show-seconds per real second). */
export const REPLAY_MIN_SPEED = 1;
export const REPLAY_MAX_SPEED = 3600;

const NullableInstant = Type.Union([Instant, Type.Null()]);

/** A configured show and what the store holds of it (GET /api/v1/shows). */
export const ShowSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** RFC 3339 UTC. */
  start: Instant,
  end: Instant,
  timeZone: Type.String(),
  live: Type.Boolean(),
  /** Stored orders of the show (sales and refunds). */
  orders: Type.Integer(),
  /** Event time of the first and newest stored order, RFC 3339 UTC (null when empty). */
  firstEvent: NullableInstant,
  lastEvent: NullableInstant,
});
export type ShowSummary = Static<typeof ShowSummarySchema>;

/** One step of a series: sales (gross) and refunds in it, and net. */
export const SeriesRowSchema = Type.Object({
  /** Start of the step, RFC 3339 UTC. */
  t: Instant,
  orders: Type.Integer(),
  gmv: Money,
  refunds: Type.Integer(),
  refundGmv: Money,
  netGmv: Money,
});
export type SeriesRow = Static<typeof SeriesRowSchema>;

/** GET /api/v1/series?show=&from=&to=&step= */
export const SeriesResponseSchema = Type.Object({
  show: Type.String(),
  step: SeriesStepSchema,
  from: Instant,
  to: Instant,
  /** Non-empty steps only, ascending. */
  rows: Type.Array(SeriesRowSchema),
});
export type SeriesResponse = Static<typeof SeriesResponseSchema>;

export const DIMENSIONS = ['channel', 'country', 'category', 'merchant', 'province', 'city'] as const;
export const DimensionSchema = Type.Enum(DIMENSIONS);
export type Dimension = Static<typeof DimensionSchema>;

/** GET /api/v1/breakdowns?show=&from=&to=&dimension=&limit= */
export const BreakdownsResponseSchema = Type.Object({
  show: Type.String(),
  dimension: DimensionSchema,
  /** The range actually summed (merchant ranges are whole minutes). */
  from: Instant,
  to: Instant,
  /** Gross (sales) by key, largest GMV first, ties by key. */
  rows: Type.Array(BreakdownRowSchema),
});
export type BreakdownsResponse = Static<typeof BreakdownsResponseSchema>;

/** GET /api/v1/on-air?show=&at=: what the wall showed at an instant, next to the event-time truth. */
export const OnAirResponseSchema = Type.Object({
  show: Type.String(),
  at: Instant,
  /** The last tick or snapshot broadcast at or before `at` (null: nothing was on air yet). */
  onAir: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      kind: Type.Union([Type.Literal('tick'), Type.Literal('snapshot')]),
      sentAt: Instant,
      /** Show clock of that message. */
      asOf: Instant,
      gross: TotalsPartSchema,
      net: TotalsPartSchema,
    }),
    Type.Null(),
  ]),
  /** Totals of every stored order with event time up to `at`, as ClickHouse holds them now. */
  truth: Type.Object({ gross: TotalsPartSchema, net: TotalsPartSchema }),
});
export type OnAirResponse = Static<typeof OnAirResponseSchema>;

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
export const ReplayStatusSchema = Type.Object({
  id: Type.String(),
  show: Type.String(),
  /** Bounds of the replay, epoch ms (event time). */
  fromMs: Type.Number(),
  toMs: Type.Number(),
  /** Show clock of the current frame, epoch ms. */
  positionMs: Type.Number(),
  speed: Type.Number(),
  playing: Type.Boolean(),
  /** Viewers watching this replay. */
  viewers: Type.Integer(),
  /** Milestones crossed within the replay's range: where the timeline puts its bookmarks. */
  bookmarks: Type.Array(
    Type.Object({
      amount: Money,
      kind: Type.Union([Type.Literal('threshold'), Type.Literal('last-year')]),
      atMs: Type.Number(),
    }),
  ),
});
export type ReplayStatus = Static<typeof ReplayStatusSchema>;

export const ReplayCreateSchema = Type.Object({
  show: Type.String(),
  /** Event-time bounds, RFC 3339; default the whole show. */
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  speed: Type.Optional(Type.Number()),
});
export type ReplayCreate = Static<typeof ReplayCreateSchema>;

export const ReplayControlSchema = Type.Union([
  Type.Object({ action: Type.Literal('play') }),
  Type.Object({ action: Type.Literal('pause') }),
  Type.Object({ action: Type.Literal('speed'), speed: Type.Number() }),
  /** Jump to an instant, epoch ms of event time (rounded down to the second, clamped to the range). */
  Type.Object({ action: Type.Literal('seek'), atMs: Type.Number() }),
  /** Move by whole seconds while paused (negative: back). */
  Type.Object({ action: Type.Literal('step'), seconds: Type.Number() }),
]);
export type ReplayControl = Static<typeof ReplayControlSchema>;

/** Why a replay request was refused. */
export type ReplayErrorCode = ErrorCodes<
  | 'GMV_ERR_SHOW_UNKNOWN'
  | 'GMV_ERR_REPLAY_RANGE'
  | 'GMV_ERR_REPLAY_SPEED'
  | 'GMV_ERR_REPLAY_UNKNOWN'
  | 'GMV_ERR_REPLAY_REQUEST'
  | 'GMV_ERR_REPLAY_NOT_JOINED'
  | 'GMV_ERR_REPLAY_LIMIT'
  | 'GMV_ERR_REPLAY_FULL'
  | 'GMV_ERR_REPLAY_BUSY'
  | 'GMV_ERR_STORE_UNAVAILABLE'
>;

/** `code` is a ReplayErrorCode, or GMV_ERR_TIMEOUT when the client got no answer. */
export type ReplayAck = { ok: true; status: ReplayStatus } | { ok: false; code: ErrorCode; message: string };

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

/**
 * One show ("a day") and its net figures (GET /api/v1/days): every stored order of the show,
 * refunds made after its end included (they are netted to their sale's show, whenever they came).
 */
export const DaySummarySchema = Type.Object({
  show: Type.String(),
  name: Type.String(),
  /** The show's window, RFC 3339 UTC. */
  start: Instant,
  end: Instant,
  live: Type.Boolean(),
  /** Sales. */
  gross: TotalsPartSchema,
  /** Every refund of the show's orders. */
  refunds: TotalsPartSchema,
  /** Of `refunds`, those with event time after the show's end plus its grace (from whole seconds). */
  lateRefunds: TotalsPartSchema,
  /** Sales minus refunds. */
  net: TotalsPartSchema,
  /** Refund GMV / gross GMV (0.0125 is 1.25%); null when there are no sales. */
  refundRate: Type.Union([Type.Number(), Type.Null()]),
});
export type DaySummary = Static<typeof DaySummarySchema>;

/** GET /api/v1/days: each configured show's net figures, in configuration order. */
export const DaysResponseSchema = Type.Object({ days: Type.Array(DaySummarySchema) });
export type DaysResponse = Static<typeof DaysResponseSchema>;
