import { Type, type Static } from 'typebox';

/**
 * The screen fleet (docs/director.md): every board reports, once a second, how it is doing; the
 * live node gathers the reports of every node's boards, and the director's console lists them and
 * flags a screen that is disconnected, silent (a frozen tab, a cut cable), not painting, painting
 * slowly or behind in seq.
 */

/** How often a board reports. */
export const SCREEN_REPORT_EVERY_MS = 1000;

/** Longest screen name (`?screen=`) and build string a report may carry. */
export const MAX_SCREEN_NAME = 64;

/** What a board says of itself once a second (the `report` event; a few hundred bytes). */
export const ScreenReportSchema = Type.Object(
  {
    /** `?screen=` of its URL; '' for a board nobody named (listed while connected, forgotten after). */
    screen: Type.String({ maxLength: MAX_SCREEN_NAME }),
    /** The seq of the newest figures it applied (a hold paints older ones on purpose); -1 before any. */
    seq: Type.Integer({ minimum: -1 }),
    /** Frames painted over the last report period, per second. */
    fps: Type.Number({ minimum: 0, maximum: 1000 }),
    /** How long before this report it last painted; null: never. */
    paintAgoMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    /** Age of the newest committed data it shows (server clock); null: none yet. */
    dataAgeMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    /** Its connection as the board sees it. */
    link: Type.Union([Type.Literal('connecting'), Type.Literal('live'), Type.Literal('reconnecting')]),
    /** The build it runs (package version and commit). */
    build: Type.String({ maxLength: MAX_SCREEN_NAME }),
    /** Its resolution in device pixels. */
    width: Type.Integer({ minimum: 0, maximum: 100_000 }),
    height: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** The rev of the director's program it follows; -1 before any. */
    programRev: Type.Integer({ minimum: -1 }),
    /** Whether the page is visible (a hidden tab paints nothing). */
    visible: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ScreenReport = Static<typeof ScreenReportSchema>;

/** Why the console flags a screen. */
export const ScreenFlagSchema = Type.Union([
  Type.Literal('disconnected'),
  Type.Literal('silent'),
  Type.Literal('not-painting'),
  Type.Literal('slow'),
  Type.Literal('behind'),
  Type.Literal('stale'),
]);
export type ScreenFlag = Static<typeof ScreenFlagSchema>;

/** One screen as the console lists it: its last report (null once forgotten), its flags and how old things are. */
export const ScreenStatusSchema = Type.Object({
  /** The screen's name, or `board-<id>` for an unnamed board. */
  name: Type.String(),
  named: Type.Boolean(),
  /** The node its socket is on ('' once disconnected). */
  node: Type.String(),
  connected: Type.Boolean(),
  /** How long ago its newest report arrived. */
  reportAgeMs: Type.Integer({ minimum: 0 }),
  report: ScreenReportSchema,
  /** How long the figures it applied have been superseded on the live node; 0: up to date. */
  behindMs: Type.Integer({ minimum: 0 }),
  flags: Type.Array(ScreenFlagSchema),
});
export type ScreenStatus = Static<typeof ScreenStatusSchema>;

/** Thresholds past which a screen is flagged (the SCREEN_* settings). */
export const FleetThresholdsSchema = Type.Object({
  silentMs: Type.Integer(),
  stallMs: Type.Integer(),
  minFps: Type.Number(),
  behindMs: Type.Integer(),
  staleMs: Type.Integer(),
});
export type FleetThresholds = Static<typeof FleetThresholdsSchema>;

/** GET /api/v1/director/screens: every screen, flagged ones first, then by name. */
export const FleetAnswerSchema = Type.Object({
  atMs: Type.Integer(),
  /** Screens listed (at most MAX_FLEET_LISTED). */
  screens: Type.Array(ScreenStatusSchema),
  /** Screens known in all, listed or not. */
  total: Type.Integer({ minimum: 0 }),
  flagged: Type.Integer({ minimum: 0 }),
  thresholds: FleetThresholdsSchema,
});
export type FleetAnswer = Static<typeof FleetAnswerSchema>;

/** Most screens one answer lists (flagged first): a console stays readable and the answer bounded. */
export const MAX_FLEET_LISTED = 2000;

/** The name a screen is listed under: its own, or one made from its socket's id. */
export function screenName(report: Pick<ScreenReport, 'screen'>, socketId: string): string {
  return report.screen !== '' ? report.screen : `board-${socketId.slice(0, 8)}`;
}

/**
 * The flags of a screen, pure: disconnected (its socket is gone), silent (connected, but no
 * report for `silentMs`: a frozen tab or a cut link), not painting (reports arrive but no frame
 * for `stallMs`: a hidden or stuck page), slow (fewer than `minFps` frames a second), behind
 * (newer figures have been out for `behindMs`), stale (its newest data older than `staleMs`,
 * the red freshness mark). A silent or disconnected screen's last report says nothing of now, so
 * it gets no other flag.
 */
export function screenFlags(
  s: { connected: boolean; reportAgeMs: number; behindMs: number; report: ScreenReport },
  t: FleetThresholds,
): ScreenFlag[] {
  if (!s.connected) return ['disconnected'];
  if (s.reportAgeMs >= t.silentMs) return ['silent'];
  const flags: ScreenFlag[] = [];
  const paintAge = s.report.paintAgoMs === null ? null : s.report.paintAgoMs + s.reportAgeMs;
  if (paintAge === null || paintAge >= t.stallMs) flags.push('not-painting');
  else if (s.report.fps < t.minFps) flags.push('slow');
  if (s.behindMs >= t.behindMs) flags.push('behind');
  if (s.report.dataAgeMs !== null && s.report.dataAgeMs + s.reportAgeMs >= t.staleMs) flags.push('stale');
  return flags;
}
