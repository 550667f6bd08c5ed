import { t } from '../../i18n/t.js';
import type { ShowMark } from '../../../shared/marks.js';
import type { FenPoint } from '../../live/decode.js';
import { ruleMarks, type RuleMark } from '../marks/transform.js';

/** One plotted point: seconds since the show start, GMV per second in CNY. */
export interface CurvePoint {
  x: number;
  y: number;
}

export interface CurveModel {
  thisYear: CurvePoint[];
  lastYear: CurvePoint[];
  /** x domain is [0, xMax] seconds: it grows with the show, never fixed. */
  xMax: number;
  /** y domain is [0, yMax] CNY/s: it grows with the data, never fixed (the 2012 overflow). */
  yMax: number;
  /** Seconds per plotted point. */
  bucketSec: number;
  /** The run-of-show marks on the axis (x in seconds since the start). */
  marks: RuleMark[];
  /** The peak seconds to mark, complete ones only. */
  peaks: CurvePeak[];
}

/** A peak second marked on the curve, at its own GMV/s (CNY). */
export interface CurvePeak {
  kind: 'gmv' | 'orders';
  second: number;
  /** Middle of the second, on the x axis. */
  x: number;
  /** That second's GMV/s, CNY. */
  y: number;
  /** For the label: GMV/s in fen, or orders in that second. */
  value: number;
}

/** The show's peak seconds so far (from the rate): the most GMV and the most orders. */
export interface PeakSeconds {
  gmv: { second: number; fen: number } | null;
  orders: { second: number; orders: number } | null;
}

export interface CurveInput {
  series: readonly FenPoint[];
  /** Last year's gross fen per minute since its start, or null without a comparison. */
  lastYearMinuteFen: readonly number[] | null;
  /** Show clock minus start, seconds (may be fractional or negative). */
  elapsedSec: number;
  /** Most points the width can show (about one per two pixels). */
  maxPoints: number;
  /** The show's run-of-show marks and its start (epoch ms); absent: none drawn. */
  marks?: { list: readonly ShowMark[]; startMs: number } | null;
  peaks?: PeakSeconds | null;
  /** The show's length in seconds: the axis never runs past its end (a finished show, a clock long past it). */
  endSec?: number | null;
}

/** The x axis starts a minute wide and keeps a little room ahead of now. */
export const MIN_X_SPAN = 60;
const X_HEADROOM = 1.04;
const Y_HEADROOM = 1.1;
/** Bucket widths that divide minutes and hours, so points do not jitter as the axis grows. */
const NICE_BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

export function bucketFor(xMax: number, maxPoints: number): number {
  const raw = xMax / Math.max(1, maxPoints);
  return NICE_BUCKETS.find((b) => b >= raw) ?? Math.ceil(raw / 3600) * 3600;
}

/**
 * This year's GMV/s per bucket over the complete seconds so far (the current
 * second is still filling and would dip), and last year's on the same
 * seconds-since-start axis: its minute totals / 60 are GMV/s for that minute.
 */
export function curveModel({
  series,
  lastYearMinuteFen,
  elapsedSec,
  maxPoints,
  marks,
  peaks = null,
  endSec = null,
}: CurveInput): CurveModel {
  const end = endSec ?? Infinity;
  const now = Math.max(0, Math.floor(Math.min(elapsedSec, end)));
  const xMax = Math.max(MIN_X_SPAN, Math.min(Math.ceil(now * X_HEADROOM), end));
  const bucketSec = bucketFor(xMax, maxPoints);
  const thisYear = thisYearPoints(series, now, bucketSec);
  const lastYear = lastYearMinuteFen === null ? [] : lastYearPoints(lastYearMinuteFen, xMax, bucketSec);
  const peakSeconds = peakMarks(peaks, series, now);
  let top = 0;
  for (const p of thisYear) if (p.y > top) top = p.y;
  for (const p of lastYear) if (p.y > top) top = p.y;
  const rules = marks ? ruleMarks(marks.list, (ms) => (ms - marks.startMs) / 1000, 0, xMax) : [];
  // A point is a bucket's average: the peak second stands above it, and must fit too.
  for (const p of peakSeconds) if (p.y > top) top = p.y;
  return {
    thisYear,
    lastYear,
    xMax,
    yMax: top > 0 ? top * Y_HEADROOM : 1,
    bucketSec,
    marks: rules,
    peaks: peakSeconds,
  };
}

/**
 * The peaks among the complete seconds on the axis (0 to now): one still filling may yet be
 * passed, and the grace seconds before the start are off the axis. The orders peak stands at
 * its second's GMV/s, read from the series.
 */
function peakMarks(peaks: PeakSeconds | null, series: readonly FenPoint[], now: number): CurvePeak[] {
  const out: CurvePeak[] = [];
  const gmv = peaks?.gmv;
  if (gmv && gmv.second >= 0 && gmv.second < now)
    out.push({ kind: 'gmv', second: gmv.second, x: gmv.second + 0.5, y: gmv.fen / 100, value: gmv.fen });
  const orders = peaks?.orders;
  if (orders && orders.second >= 0 && orders.second < now) {
    const point = series.find((p) => p[0] === orders.second);
    if (point !== undefined)
      out.push({
        kind: 'orders',
        second: orders.second,
        x: orders.second + 0.5,
        y: point[2] / 100,
        value: orders.orders,
      });
  }
  return out;
}

function thisYearPoints(series: readonly FenPoint[], now: number, bucketSec: number): CurvePoint[] {
  const n = Math.ceil(now / bucketSec);
  if (n === 0) return [];
  const fen = new Float64Array(n);
  for (const [second, , gmvFen] of series) {
    if (second < 0 || second >= now) continue;
    fen[Math.floor(second / bucketSec)]! += gmvFen;
  }
  const out: CurvePoint[] = new Array(n);
  for (let b = 0; b < n; b++) {
    // The last bucket may be part-way: average over the seconds it has had.
    const seconds = Math.min(bucketSec, now - b * bucketSec);
    out[b] = { x: b * bucketSec + seconds / 2, y: fen[b]! / 100 / seconds };
  }
  return out;
}

function lastYearPoints(minuteFen: readonly number[], xMax: number, bucketSec: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  if (bucketSec <= 60) {
    // Finer than a minute: one point per minute, at its middle.
    const last = Math.min(minuteFen.length, Math.ceil(xMax / 60) + 1);
    for (let m = 0; m < last; m++) out.push({ x: m * 60 + 30, y: (minuteFen[m] ?? 0) / 100 / 60 });
    return out;
  }
  const perBucket = bucketSec / 60;
  const buckets = Math.min(Math.ceil(minuteFen.length / perBucket), Math.ceil(xMax / bucketSec) + 1);
  for (let b = 0; b < buckets; b++) {
    let sum = 0;
    let minutes = 0;
    for (let m = b * perBucket; m < (b + 1) * perBucket && m < minuteFen.length; m++, minutes++) sum += minuteFen[m]!;
    out.push({ x: b * bucketSec + (minutes * 60) / 2, y: sum / 100 / (minutes * 60) });
  }
  return out;
}

/** Steps of the elapsed-time axis, seconds: each divides the next minute or hour boundary. */
const TICK_STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Tick step for an elapsed-time axis: the smallest nice step giving at most `maxTicks` ticks. */
export function timeTickStep(xMax: number, maxTicks: number): number {
  return TICK_STEPS.find((s) => s < 86400 && xMax / s <= maxTicks) ?? 86400;
}

/**
 * The smallest nice step, at least `minStep`, at which no two neighbouring labels touch: labels
 * are centred on their ticks, so two neighbours need `gapPx` plus half of each one's width
 * (as measured by `labelWidth`, in px) between their ticks. From one second to a whole day,
 * whatever the font and the language. Steps too fine for even the narrowest label are skipped
 * without measuring, so a day's axis measures a few dozen labels, not thousands.
 */
export function thinTickStep(
  xMax: number,
  pxPerSec: number,
  labelWidth: (sec: number) => number,
  gapPx: number,
  minStep = TICK_STEPS[0]!,
): number {
  // "0:00" is as short as any label: a step too fine for it is too fine for all.
  const shortest = labelWidth(0);
  for (const step of TICK_STEPS) {
    if (step < minStep || step * pxPerSec < shortest + gapPx) continue;
    let fits = true;
    let prev = labelWidth(0);
    for (let sec = step; sec <= xMax && fits; sec += step) {
      const w = labelWidth(sec);
      fits = step * pxPerSec >= (prev + w) / 2 + gapPx;
      prev = w;
    }
    if (fits) return step;
  }
  // Past a day (a long show, or a clock far past the end): whole days, as many as the labels need.
  const day = TICK_STEPS.at(-1)!;
  let widest = shortest;
  for (let sec = day; sec <= xMax; sec += day) widest = Math.max(widest, labelWidth(sec));
  return Math.max(1, Math.ceil((widest + gapPx) / (day * pxPerSec))) * day;
}

/** Elapsed seconds as an axis label: "0:30", "12:00" under an hour (m:ss), "1:30" hours after ("h:mm" with an h). */
export function formatElapsedTick(sec: number): string {
  const s = Math.round(sec);
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return t('unit.hm', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}
