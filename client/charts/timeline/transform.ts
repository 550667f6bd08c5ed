import { compactCny } from '../../format/amount.js';
import { zonedClock, zonedParts } from '../../format/zoned.js';
import { formatFen, type Fen } from '../../../shared/money.js';
import type { FenReplayStatus } from '../../live/decode.js';
import { t } from '../../i18n/t.js';
import type { ShowMark } from '../../../shared/marks.js';
import { ruleMarks, type RuleMark } from '../marks/transform.js';

/** A milestone bookmark on the timeline. */
export interface TimelineMark {
  key: string;
  /** 0..1 along the track. */
  at: number;
  atMs: number;
  label: string;
  kind: 'threshold' | 'last-year';
}

/** A tick under the track, at a whole show-local hour (or finer on short ranges). */
export interface TimelineTick {
  at: number;
  label: string;
}

/** What the timeline draws: positions as fractions of the track, so the renderer only scales them. */
export interface TimelineModel {
  fromMs: number;
  toMs: number;
  /** 0..1 along the track. */
  position: number;
  marks: TimelineMark[];
  ticks: TimelineTick[];
  /** The show's run-of-show marks inside the range (x: 0..1 along the track); absent: none. */
  rules?: RuleMark[];
}

/** Where instant `ms` sits along [fromMs, toMs], clamped to 0..1. */
export function fractionOf(ms: number, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  return Math.min(1, Math.max(0, (ms - fromMs) / (toMs - fromMs)));
}

/**
 * The instant at fraction `f` of the track, clamped to the range and rounded to a
 * whole second of the range (replays step by show-seconds).
 */
export function instantAt(f: number, fromMs: number, toMs: number): number {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0));
  const ms = fromMs + Math.round((clamped * (toMs - fromMs)) / 1000) * 1000;
  return Math.min(toMs, ms);
}

/** Tick spacings in seconds, the first that keeps at most `maxTicks` ticks wins. */
const STEPS = [60, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Ticks at whole show-local steps (minutes or hours, in the show's zone, not the
 * browser's), at most `maxTicks` of them.
 */
export function timelineTicks(fromMs: number, toMs: number, timeZone: string, maxTicks: number): TimelineTick[] {
  if (!(toMs > fromMs) || maxTicks < 1) return [];
  const spanSec = (toMs - fromMs) / 1000;
  const step = STEPS.find((s) => spanSec / s <= maxTicks) ?? STEPS[STEPS.length - 1]!;
  // Whole-step boundaries are taken on the show's local clock, from the first whole second on.
  const base = Math.ceil(fromMs / 1000) * 1000;
  const p = zonedParts(base, timeZone);
  const localSec = p.hour * 3600 + p.minute * 60 + p.second;
  const out: TimelineTick[] = [];
  for (let ms = base + ((step - (localSec % step)) % step) * 1000; ms <= toMs; ms += step * 1000) {
    out.push({ at: fractionOf(ms, fromMs, toMs), label: zonedClock(ms, timeZone).slice(0, 5) });
  }
  return out;
}

function label(fen: Fen): string {
  return compactCny(fen);
}

/**
 * The timeline of a replay status: where the play head is, the milestone bookmarks, the hour
 * ticks and the show's run-of-show marks (`showMarks`, those of the replayed show).
 */
export function timelineModel(
  status: FenReplayStatus,
  timeZone: string,
  maxTicks: number,
  showMarks: readonly ShowMark[] = [],
): TimelineModel {
  const { fromMs, toMs } = status;
  return {
    fromMs,
    toMs,
    position: fractionOf(status.positionMs, fromMs, toMs),
    marks: status.bookmarks
      .filter((b) => b.atMs >= fromMs && b.atMs <= toMs)
      .map((b) => ({
        key: `${b.kind}:${formatFen(b.fen)}`,
        at: fractionOf(b.atMs, fromMs, toMs),
        atMs: b.atMs,
        label: b.kind === 'last-year' ? t('replay.lastYearMark', { amount: label(b.fen) }) : label(b.fen),
        kind: b.kind,
      })),
    ticks: timelineTicks(fromMs, toMs, timeZone, maxTicks),
    rules: toMs > fromMs ? ruleMarks(showMarks, (ms) => (ms - fromMs) / (toMs - fromMs), 0, 1) : [],
  };
}
