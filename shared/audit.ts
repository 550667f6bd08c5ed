import { Type, type Static } from 'typebox';
import { BreakdownRowSchema, Instant, Money, ProgramSchema, TotalsPartSchema } from './protocol.js';

/**
 * The on-air record's heavy part (docs/audit.md): what the wall showed besides its totals, the top
 * rows of each ranking, the milestones (crossed or not, with their exact crossing), and the
 * director's program. Written when it changes, at most once a second (program changes at once).
 */
export const OnAirFrameSchema = Type.Object({
  rankings: Type.Object({
    channel: Type.Array(BreakdownRowSchema),
    country: Type.Array(BreakdownRowSchema),
    category: Type.Array(BreakdownRowSchema),
    merchant: Type.Array(BreakdownRowSchema),
  }),
  milestones: Type.Array(
    Type.Object({
      amount: Money,
      kind: Type.Union([Type.Literal('threshold'), Type.Literal('last-year')]),
      crossedAtMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  /** The director's program (scene, card, hold) when the frame was recorded; null: none yet. */
  program: Type.Union([ProgramSchema, Type.Null()]),
});
export type OnAirFrame = Static<typeof OnAirFrameSchema>;

/** Rows of each ranking the record keeps (the wall shows fewer). */
export const FRAME_TOP_ROWS = 10;

/** A change of the figures: orders and CNY (two decimals, signed). */
export const DeltaSchema = Type.Object({ orders: Type.Integer(), gmv: Money });
export type Delta = Static<typeof DeltaSchema>;

/**
 * A part of the difference between the wall and the store's truth, as it changes the figures
 * from what was on air to the truth:
 * - `late-sales`, `late-refunds`: event time at or before the instant, committed after the
 *   broadcast's watermark (so not on the wall then, in the truth now);
 * - `early-sales`, `early-refunds`: event time after the instant, already committed by the
 *   watermark (on the wall then, not in the truth at the instant);
 * - `unexplained`: what is left; `repairs` says whether rollup repairs or rebuilds happened
 *   in between that may account for it. Never left out, zero when all is explained.
 */
export const AUDIT_PARTS = ['late-sales', 'late-refunds', 'early-sales', 'early-refunds', 'unexplained'] as const;
export type AuditPartKind = (typeof AUDIT_PARTS)[number];

export const AuditPartSchema = Type.Object({
  part: Type.Enum(AUDIT_PARTS),
  /** Orders of this part and their amount (unsigned for late/early; for `unexplained` the net change of the sales). */
  orders: Type.Integer(),
  gmv: Money,
  /** Its effect on gross and net, from the wall toward the truth. */
  gross: DeltaSchema,
  net: DeltaSchema,
});
export type AuditPart = Static<typeof AuditPartSchema>;

/** GET /api/v1/audit?show=&at=: what was on air at an instant, the store's truth now, and the difference explained. */
export const AuditResponseSchema = Type.Object({
  show: Type.String(),
  at: Instant,
  /** When the store was read (the truth is "now"). */
  readAt: Instant,
  onAir: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      kind: Type.Union([Type.Literal('tick'), Type.Literal('snapshot')]),
      sentAt: Instant,
      asOf: Instant,
      /** The commit watermark of what was on air (server time of its newest commit); null: none, or not recorded. */
      committedAt: Type.Union([Instant, Type.Null()]),
      newestEvent: Type.Union([Instant, Type.Null()]),
      /** False: the wall showed its figures as stale (the store was failing). */
      healthy: Type.Boolean(),
      gross: TotalsPartSchema,
      net: TotalsPartSchema,
      /** The last recorded frame at or before `at` (at most a second older than the message), or null. */
      frame: Type.Union([Type.Object({ seq: Type.Integer(), sentAt: Instant, frame: OnAirFrameSchema }), Type.Null()]),
    }),
    Type.Null(),
  ]),
  /** Every stored order with event time up to `at`, as the store holds them now (as GET /api/v1/totals?at=). */
  truth: Type.Object({ gross: TotalsPartSchema, net: TotalsPartSchema }),
  /** Truth minus what was on air. */
  difference: Type.Object({ gross: DeltaSchema, net: DeltaSchema }),
  /** The parts of the difference; they add up to it exactly. Empty when nothing was on air. */
  parts: Type.Array(AuditPartSchema),
  /** Rollup repairs: live-state rebuilds recorded between the broadcast and now, and repairs still pending. */
  repairs: Type.Object({ rebuilds: Type.Integer(), pending: Type.Integer() }),
  /** True when nothing is left unexplained. */
  explained: Type.Boolean(),
});
export type AuditResponse = Static<typeof AuditResponseSchema>;
