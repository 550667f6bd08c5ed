import { Type, type Static } from 'typebox';
import { ERRORS, type ErrorCode } from './errors.js';
import type { ScreenReport } from './fleet.js';

/**
 * The live wire protocol between the server and every board, shared by both
 * sides. Bump PROTOCOL_VERSION on any incompatible change.
 *
 * Money: every amount on the wire, in these messages and in the HTTP API, is a decimal
 * string of CNY with exactly two decimals ("57100000000.00"): exact at any size, as orders
 * are sent. The server writes it with formatFen from integer fen; the client reads it back
 * into fen at its edge (client/live/decode.ts). Version 4 made the series and last
 * year's minutes strings too (they were fen numbers).
 *
 * Every message and answer here is a TypeBox schema, its type derived from it: the HTTP routes
 * validate, serialize and document (/openapi.json) with the same schemas.
 */
export const PROTOCOL_VERSION = 4;

/** socket.io namespace of the live board. */
export const LIVE_NAMESPACE = '/live';

/** CNY as a decimal string with exactly two decimals ("57100000000.00"), exact at any size. */
export const Money = Type.String({ pattern: '^-?\\d+\\.\\d{2}$', description: 'CNY, two decimals' });

/** An instant as RFC 3339 UTC ("2015-11-10T16:00:00.000Z"). */
export const Instant = Type.String({ format: 'date-time' });

/** Totals of one side of the ledger; `gmv` is CNY with two decimals ("57100000000.00"). */
export const TotalsPartSchema = Type.Object({ gmv: Money, orders: Type.Integer() });
export type TotalsPart = Static<typeof TotalsPartSchema>;

/** Answer of GET /api/v1/totals. */
export const TotalsResponseSchema = Type.Object({
  show: Type.String(),
  /** Show clock at which these totals stand, RFC 3339 UTC. */
  asOf: Instant,
  seq: Type.Integer(),
  currency: Type.Literal('CNY'),
  gross: TotalsPartSchema,
  net: TotalsPartSchema,
});
export type TotalsResponse = Static<typeof TotalsResponseSchema>;

/** $id of ErrorResponseSchema, by which the routes refer to it. */
export const ERROR_SCHEMA_ID = 'GmvError';

/**
 * The body of every refused request (4xx, 5xx): `code` is what a client branches on (shared/errors.ts),
 * `message` is for people. The routes' error responses in /openapi.json all refer to it by its $id.
 */
export const ErrorResponseSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.Unsafe<ErrorCode>(
      Type.String({ enum: Object.keys(ERRORS).filter((c) => ERRORS[c as ErrorCode].status >= 400) }),
    ),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: ERROR_SCHEMA_ID },
);
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

/** Current pace, averaged over the last complete show-seconds (see RATE_SETTLE_MS in server/domain/board.ts). */
export const RateSchema = Type.Object({
  ordersPerSec: Type.Number(),
  gmvPerSec: Money,
  /** Highest orders in one show-second so far, and which second (since start). */
  peakOrdersPerSec: Type.Integer(),
  peakSecond: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * Highest GMV in one show-second so far, and which second. Optional: added within version 4,
   * a board reads its absence (an older server) as not known.
   */
  peakGmvPerSec: Type.Optional(Money),
  peakGmvSecond: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});
export type Rate = Static<typeof RateSchema>;

/** One second of the gross series: [seconds since show start, orders, gmv CNY with two decimals]. */
export const SeriesPointSchema = Type.Tuple([Type.Integer(), Type.Integer(), Money]);
export type SeriesPoint = Static<typeof SeriesPointSchema>;

export const BreakdownRowSchema = Type.Object({
  key: Type.String(),
  orders: Type.Integer(),
  gmv: Money,
  /** The display name of a merchant known to the reference data (MERCHANTS_FILE); absent otherwise. */
  name: Type.Optional(Type.String()),
});
export type BreakdownRow = Static<typeof BreakdownRowSchema>;

export const BreakdownsSchema = Type.Object({
  channel: Type.Array(BreakdownRowSchema),
  country: Type.Array(BreakdownRowSchema),
  category: Type.Array(BreakdownRowSchema),
  merchant: Type.Array(BreakdownRowSchema),
  /** Buyers' provinces (GB/T 2260 codes, China's orders that carry one); absent from an older server. */
  province: Type.Optional(Type.Array(BreakdownRowSchema)),
  /** Buyers' cities as sent; the key "" is every city past the board's cap of distinct cities. */
  city: Type.Optional(Type.Array(BreakdownRowSchema)),
});
export type Breakdowns = Static<typeof BreakdownsSchema>;

export const ShowInfoSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  startMs: Type.Integer(),
  endMs: Type.Integer(),
  timeZone: Type.String(),
  currency: Type.Literal('CNY'),
  /** CNY per USD, for the secondary display. */
  usdRate: Type.Union([Type.String(), Type.Null()]),
  milestones: Type.Array(Type.String()),
  compareTo: Type.Union([Type.String(), Type.Null()]),
  /** The day's target in CNY as configured (`"100000000000"`); absent or null: none. */
  target: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** "wall": the clock is real time; "events": it follows the newest event (simulations, replays). */
  clock: Type.Union([Type.Literal('wall'), Type.Literal('events')]),
});
export type ShowInfo = Static<typeof ShowInfoSchema>;

/** A milestone of the show and when it was (or is expected to be) crossed. */
export const MilestoneSchema = Type.Object({
  /** CNY with two decimals. */
  amount: Money,
  /** "last-year" for the previous show's total, else "threshold". */
  kind: Type.Union([Type.Literal('threshold'), Type.Literal('last-year')]),
  /** Event time at which gross GMV reached the amount, exact to the ms; null until crossed. */
  crossedAtMs: Type.Union([Type.Integer(), Type.Null()]),
  /** Projected crossing at the current pace, for the next milestone only. */
  predictedAtMs: Type.Union([Type.Number(), Type.Null()]),
});
export type Milestone = Static<typeof MilestoneSchema>;

/** This year against last year at the same seconds since the start. */
export const PaceSchema = Type.Object({
  /** Gross now over last year's gross at the same elapsed second, minus one, in percent. */
  vsLastYearPct: Type.Union([Type.Number(), Type.Null()]),
  /** Last year's final total scaled by that ratio, CNY. */
  projectedGmv: Type.Union([Money, Type.Null()]),
  /** Last year's gross at the same elapsed second, CNY. */
  lastYearSoFar: Type.Union([Money, Type.Null()]),
});
export type Pace = Static<typeof PaceSchema>;

/**
 * One drawn order flow, from the merchant to the buyer. Arcs are a sample of the orders of the tick.
 * - [0] the merchant's hub (index into MERCHANT_HUBS): where the arc starts when the merchant's
 *   location is not known (a stand-in the board labels as such);
 * - [1] the buyer's country (ISO 3166-1 alpha-2);
 * - [2] optional, the buyer's province (GB/T 2260 code, shared/provinces.ts), "" when not known;
 * - [3], [4] optional, the merchant's longitude and latitude in tenths of a degree (reference
 *   data), null when not known.
 * The two-element form (an older server) means: no province, no merchant location.
 */
export const ArcSchema = Type.Union([
  Type.Tuple([Type.Integer(), Type.String()]),
  Type.Tuple([
    Type.Integer(),
    Type.String(),
    Type.String(),
    Type.Union([Type.Integer(), Type.Null()]),
    Type.Union([Type.Integer(), Type.Null()]),
  ]),
]);
export type Arc = Static<typeof ArcSchema>;

/** Last year's day, for the overlay: gross GMV (CNY, two decimals) per minute since its start. */
export const LastYearSchema = Type.Object({
  show: Type.String(),
  name: Type.String(),
  totalGmv: Money,
  minuteGmv: Type.Array(Money),
});
export type LastYear = Static<typeof LastYearSchema>;

/** What a snapshot and a tick both carry. */
const stateBase = {
  v: Type.Literal(PROTOCOL_VERSION),
  seq: Type.Integer(),
  /** Show clock, epoch ms. */
  asOfMs: Type.Number(),
  gross: TotalsPartSchema,
  net: TotalsPartSchema,
  rate: RateSchema,
  breakdowns: BreakdownsSchema,
  /** Event time of the newest order included, epoch ms (null before the first). */
  newestEventMs: Type.Union([Type.Number(), Type.Null()]),
  /** Server wall time at which the newest included insert committed, epoch ms. */
  committedAtMs: Type.Union([Type.Number(), Type.Null()]),
  /** Server wall time when this message was sent, epoch ms. */
  sentAtMs: Type.Number(),
  /**
   * Server wall time at which every board shows this message, epoch ms (`sentAtMs` plus
   * PRESENT_DELAY_MS): each board waits until then on the server clock it measured (`clock`).
   * Absent (replays, an older server): shown on arrival.
   */
  presentAtMs: Type.Optional(Type.Number()),
  /** False while the store is failing: the board shows its data as stale. */
  healthy: Type.Boolean(),
  pace: PaceSchema,
  milestones: Type.Array(MilestoneSchema),
  /** A sample of the orders committed since the previous message. */
  arcs: Type.Array(ArcSchema),
  /** Orders each arc stands for in this message (1 arc ≈ N orders). */
  ordersPerArc: Type.Number(),
};

/** Seconds per chunk of the live series served over HTTP (SERIES_CHUNK_PATH). */
export const SERIES_CHUNK_SECONDS = 3600;

/** GET `${SERIES_CHUNK_PATH}/<chunk>`: one chunk of the live show's gross series (ETag, 304 when unchanged). */
export const SERIES_CHUNK_PATH = '/api/v1/live/series';

/**
 * Where the seconds a snapshot leaves out are: the live show's snapshot carries only its recent
 * seconds, so it costs the same at 00:01 and at 23:59; the older ones come in chunks over HTTP.
 */
export const SeriesHistorySchema = Type.Object({
  /** The snapshot's `series` holds every non-empty second from this one on. */
  before: Type.Integer(),
  /** Seconds per chunk: chunk i holds seconds [i * chunkSeconds, (i + 1) * chunkSeconds). */
  chunkSeconds: Type.Integer(),
  /** The chunks with seconds before `before` that hold any order, ascending. */
  chunks: Type.Array(Type.Integer()),
});
export type SeriesHistory = Static<typeof SeriesHistorySchema>;

/** One chunk of the gross series. Gross seconds only ever grow: a client keeps the larger of two values. */
export const SeriesChunkSchema = Type.Object({
  show: Type.String(),
  chunk: Type.Integer(),
  /** Non-empty seconds of the chunk, ascending. */
  series: Type.Array(SeriesPointSchema),
});
export type SeriesChunk = Static<typeof SeriesChunkSchema>;

/**
 * When a board's freshness mark turns amber and red: ages of its newest committed data, ms
 * (STALE_AMBER_SECONDS, STALE_RED_SECONDS; shared/freshness.ts). Amber is below red.
 */
export const StaleThresholdsSchema = Type.Object({
  amberMs: Type.Integer({ minimum: 1 }),
  redMs: Type.Integer({ minimum: 1 }),
});

/** The wall's scenes (docs/director.md): what the director can put on air. */
export const SCENES = ['board', 'hero', 'map', 'rankings', 'milestone', 'countdown'] as const;
export type SceneKind = (typeof SCENES)[number];

/** A scene of the wall; `milestone` (CNY, two decimals) says which milestone card, for the `milestone` scene only. */
export const SceneSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('board'),
      Type.Literal('hero'),
      Type.Literal('map'),
      Type.Literal('rankings'),
      Type.Literal('milestone'),
      Type.Literal('countdown'),
    ]),
    milestone: Type.Optional(Money),
    /**
     * The map's view on the `board` and `map` scenes: China (domestic flows) or the world
     * (cross-border ones); absent, each screen follows its own `?map=` (auto by default).
     */
    map: Type.Optional(Type.Union([Type.Literal('china'), Type.Literal('world')])),
  },
  { additionalProperties: false },
);
export type Scene = Static<typeof SceneSchema>;

/**
 * What the wall shows, set by the director (`program`): the scene on air, and whether the wall
 * holds its figures (`heldSeq`: the seq of the figures on air when the hold began; null when not
 * held). `rev` grows with every change, so a board keeps the newest of two it receives.
 */
export const ProgramSchema = Type.Object({
  rev: Type.Integer({ minimum: 0 }),
  scene: SceneSchema,
  held: Type.Boolean(),
  heldSeq: Type.Union([Type.Integer(), Type.Null()]),
  /** Server wall time of the change, epoch ms. */
  atMs: Type.Number(),
  /**
   * On a `program` message: when every board shows the change (server clock, as a tick's), so
   * a take switches adjacent panels in the same frame. Absent in a snapshot (the snapshot has its own).
   */
  presentAtMs: Type.Optional(Type.Number()),
  /**
   * A milestone card put on air by an armed cue at (or after) its crossing: the exact event time
   * of the crossing, epoch ms (the card shows it even before a tick carries the crossing).
   */
  crossedAtMs: Type.Optional(Type.Integer()),
});
export type Program = Static<typeof ProgramSchema>;

/** The whole board state: sent on connect, on reconnect and on request. */
export const SnapshotSchema = Type.Object({
  ...stateBase,
  show: ShowInfoSchema,
  /** The non-empty seconds of the gross series, ascending: all of them, or from `history.before` on. */
  series: Type.Array(SeriesPointSchema),
  /** Absent or null: `series` is complete (replays). Else where the older seconds are. */
  history: Type.Optional(Type.Union([SeriesHistorySchema, Type.Null()])),
  lastYear: Type.Union([LastYearSchema, Type.Null()]),
  /** The deployment's freshness thresholds; absent (replays, an older server): the board's defaults. */
  stale: Type.Optional(StaleThresholdsSchema),
  /** The director's program (scene, hold); absent (replays, an older server): the full board, not held. */
  program: Type.Optional(ProgramSchema),
  /** The rev of the show's run-of-show marks (shared/marks.ts); absent (replays, an older server): none to read. */
  marksRev: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type Snapshot = Static<typeof SnapshotSchema>;

/** Absolute state after a change; `series` holds the seconds that changed, with their absolute values. */
export const TickSchema = Type.Object({ ...stateBase, show: Type.String(), series: Type.Array(SeriesPointSchema) });
export type Tick = Static<typeof TickSchema>;

/**
 * The boards' `marks` message (and a snapshot's `marksRev`): the show's marks changed, their
 * rev is now `rev`. A board that has another rev reads the list over HTTP, so the message stays a
 * few bytes however many marks there are.
 */
export const MarksNoticeSchema = Type.Object({ show: Type.String(), rev: Type.Integer({ minimum: 0 }) });
export type MarksNotice = Static<typeof MarksNoticeSchema>;

export interface ServerToClientEvents {
  snapshot: (s: Snapshot) => void;
  tick: (t: Tick) => void;
  /** The director changed the program (a take, a hold, a release). */
  program: (p: Program) => void;
  /** The show's run-of-show marks changed: read them again over HTTP (shared/marks.ts). */
  marks: (n: MarksNotice) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (after a gap in seq). */
  resync: () => void;
  /**
   * Ask for the server's clock: the answer is its `Date.now()`, or null past CLOCK_REQUESTS_PER_MINUTE.
   * With the send and answer times the board estimates its offset (NTP's least round trip).
   */
  clock: (answer: (serverMs: number | null) => void) => void;
  /** How the board is doing, once a second (the screen fleet; shared/fleet.ts). Checked on arrival. */
  report: (report: ScreenReport) => void;
}

/** Most `clock` requests a node answers per socket per minute (a burst of this many, then one per refill). */
export const CLOCK_REQUESTS_PER_MINUTE = 6;

/** Most ticks per second the server sends. */
export const MAX_TICKS_PER_SECOND = 10;

/** True when `tick` directly follows the last seen seq; otherwise the client must resync. */
export function followsDirectly(lastSeq: number, tick: Pick<Tick, 'seq'>): boolean {
  return tick.seq === lastSeq + 1;
}
