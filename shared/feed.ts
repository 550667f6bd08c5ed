import { Type, type Static } from 'typebox';
import { Instant } from './protocol.js';

/**
 * The feed watch on the director's console (docs/director.md, "Feed watch"): GET
 * /api/v1/director/feed. Judged on the live node once a second.
 */

export const FeedAlertSchema = Type.Object({
  kind: Type.Union([
    Type.Literal('silent-dimension'),
    Type.Literal('rate-band'),
    Type.Literal('rejections'),
    Type.Literal('clock-skew'),
    Type.Literal('late-share'),
  ]),
  /** `channel:pc`, `country:US`, a sender (`ingest:` and 12 hex digits of its token's SHA-256), or `all`. */
  subject: Type.String(),
  /** Orders (silent), orders a second (rate), % (rejections, late share) or ms (clock skew). */
  value: Type.Number(),
  /** The limit passed: least last-year orders (silent), the band's edge (rate), a % or ms. */
  threshold: Type.Number(),
  band: Type.Optional(Type.Object({ low: Type.Number(), high: Type.Number() })),
  /** Last year's orders in the same seconds (silent). */
  lastYear: Type.Optional(Type.Number()),
  /** When the condition began (it has held at every judgement since). */
  since: Instant,
});
export type FeedAlertWire = Static<typeof FeedAlertSchema>;

export const FeedRateSchema = Type.Object({
  ordersPerSec: Type.Number(),
  expectedPerSec: Type.Number(),
  low: Type.Number(),
  high: Type.Number(),
  ratio: Type.Number(),
  /** False while last year's orders in the window are too few to judge. */
  judged: Type.Boolean(),
});

export const FeedSenderSchema = Type.Object({
  sender: Type.String(),
  lines: Type.Integer(),
  rejected: Type.Integer(),
  skewMedianMs: Type.Union([Type.Number(), Type.Null()]),
  skewP95Ms: Type.Union([Type.Number(), Type.Null()]),
});

export const FeedStatusSchema = Type.Object({
  /** When it was judged; null before the first judgement. */
  at: Type.Union([Instant, Type.Null()]),
  /** The show-clock second judged (since the show's start). */
  second: Type.Union([Type.Integer(), Type.Null()]),
  alerts: Type.Array(FeedAlertSchema),
  rate: Type.Union([FeedRateSchema, Type.Null()]),
  /** Over the window (FEED_WATCH_WINDOW_SECONDS): lines and rejected lines, committed orders and late ones. */
  window: Type.Object({
    seconds: Type.Integer(),
    lines: Type.Integer(),
    rejected: Type.Integer(),
    orders: Type.Integer(),
    late: Type.Integer(),
  }),
  senders: Type.Array(FeedSenderSchema),
  /** The thresholds in force (FEED_WATCH_*). */
  thresholds: Type.Object({
    windowSeconds: Type.Integer(),
    silentSeconds: Type.Integer(),
    silentMinOrders: Type.Integer(),
    rateBandPct: Type.Integer(),
    rateSmoothSeconds: Type.Integer(),
    minOrders: Type.Integer(),
    rejectPct: Type.Integer(),
    skewMs: Type.Integer(),
    lateMs: Type.Integer(),
    latePct: Type.Integer(),
  }),
});
export type FeedStatus = Static<typeof FeedStatusSchema>;
