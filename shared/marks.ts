import { Type, type Static } from 'typebox';
import { DIRECTOR_PATH } from './director.js';
import { Instant } from './protocol.js';

/**
 * Run-of-show marks (docs/director.md): the evening's cue sheet (acts, coupon drops, a host's
 * line), each at a moment of the show's clock, entered on the director's console ahead or live,
 * drawn on the boards' curve and the replay timeline, and exported with the data.
 */

/** The kinds of mark: a small closed set, so a board can style each. */
export const MARK_KINDS = ['act', 'coupon', 'line', 'other'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** Longest label, in characters (UTF-16 units): a short line under a rule on the wall. */
export const MAX_MARK_LABEL = 120;
/** Most marks one show may hold (live ones; removed marks do not count). */
export const MAX_MARKS_PER_SHOW = 500;

/** The console's routes (director token): create, list, remove. */
export const DIRECTOR_MARKS_PATH = `${DIRECTOR_PATH}/marks`;
/** The public read (viewer access, like the history API): the marks of a show. */
export const MARKS_PATH = '/api/v1/marks';

const MarkKindSchema = Type.Union([
  Type.Literal('act'),
  Type.Literal('coupon'),
  Type.Literal('line'),
  Type.Literal('other'),
]);

/** POST /api/v1/director/marks: `at` omitted is the show clock's now. */
export const NewMarkSchema = Type.Object(
  {
    kind: MarkKindSchema,
    // No control characters (a label is one line on the wall), and not only white space.
    label: Type.String({ minLength: 1, maxLength: MAX_MARK_LABEL, pattern: '^(?!\\s*$)[^\\x00-\\x1f\\x7f]+$' }),
    at: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'RFC 3339 with an offset' })),
  },
  { additionalProperties: false },
);
export type NewMark = Static<typeof NewMarkSchema>;

/** One mark as the boards read it. */
export const ShowMarkSchema = Type.Object({
  /** A UUID, given by the server. */
  id: Type.String(),
  /** The moment of the show's clock the mark belongs to (UTC, ms). */
  at: Instant,
  kind: MarkKindSchema,
  label: Type.String(),
});
export type ShowMark = Static<typeof ShowMarkSchema>;

/** One mark as the console lists it: also who made it (a token's label, never the token) and when. */
export const DirectorMarkSchema = Type.Object({
  ...ShowMarkSchema.properties,
  who: Type.String(),
  createdAt: Instant,
});
export type DirectorMark = Static<typeof DirectorMarkSchema>;

const listBase = {
  show: Type.String(),
  /** The show's time zone, for clocks next to the marks. */
  timeZone: Type.String(),
  /** Grows with every change of the show's marks (a create or a removal); the boards' notice carries it. */
  rev: Type.Integer({ minimum: 0 }),
};

/** GET /api/v1/marks: the show's marks, by `at`. */
export const MarkListSchema = Type.Object({ ...listBase, marks: Type.Array(ShowMarkSchema) });
export type MarkList = Static<typeof MarkListSchema>;

/** GET /api/v1/director/marks: the live show's marks, by `at`, with who made them. */
export const DirectorMarkListSchema = Type.Object({ ...listBase, marks: Type.Array(DirectorMarkSchema) });
export type DirectorMarkList = Static<typeof DirectorMarkListSchema>;

// The boards' `marks` message is a wire message: MarksNotice in shared/protocol.ts.
