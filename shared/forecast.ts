/**
 * Forecasts from last year's shape: this year's running ratio to last year at the same
 * second since the start, applied to last year's whole cumulative curve. The end-of-day
 * total is ratio × last year's day; a milestone's ETA is the first second at which
 * ratio × last year's cumulative reaches it. The band is the lowest and highest ratio at
 * each sample boundary of a trailing window (the same ratios as the exec screen's
 * projection band), so the total's range and the ETAs' range come from one source.
 *
 * Pure and UI-free: the exec screen runs it on last year's per-minute curve, the backtest
 * (scripts/forecast-backtest.ts) on per-second curves. Estimates, so doubles: nothing here
 * is summed into money.
 */

/** A cumulative curve sampled every `stepSec`: `cum[k]` is the gross in [0, k·stepSec) seconds since the start. */
export interface CumulativeCurve {
  stepSec: number;
  /** `cum[0]` is 0; non-decreasing for sales. */
  cum: ArrayLike<number>;
}

/** The cumulative curve of per-step amounts (`perStep[k]` is the gross of step k). */
export function cumulate(perStep: ArrayLike<number>, stepSec: number): CumulativeCurve {
  const cum = new Float64Array(perStep.length + 1);
  for (let k = 0; k < perStep.length; k++) cum[k + 1] = cum[k]! + perStep[k]!;
  return { stepSec, cum };
}

/** Seconds the curve covers. */
export function curveSeconds(c: CumulativeCurve): number {
  return Math.max(0, c.cum.length - 1) * c.stepSec;
}

/** Gross in [0, sec), linear within a step; 0 before the start, the whole curve after its end. */
export function curveAt(c: CumulativeCurve, sec: number): number {
  const n = c.cum.length - 1;
  if (n < 0 || sec <= 0) return 0;
  const x = sec / c.stepSec;
  if (x >= n) return c.cum[n]!;
  const k = Math.floor(x);
  const a = c.cum[k]!;
  return a + (c.cum[k + 1]! - a) * (x - k);
}

/**
 * The first second t in [fromSec, toSec] (fractional, linear within a step) at which
 * `scale × curveAt(c, t)` reaches `amount`; null when it does not by `toSec`.
 */
export function secondReaching(
  c: CumulativeCurve,
  scale: number,
  amount: number,
  fromSec: number,
  toSec: number,
): number | null {
  if (!(scale > 0)) return null;
  const want = amount / scale;
  if (curveAt(c, fromSec) >= want) return fromSec;
  const n = c.cum.length - 1;
  // The first step boundary past fromSec whose cumulative reaches the amount (binary search: cum is sorted).
  let lo = Math.max(1, Math.floor(fromSec / c.stepSec) + 1);
  let hi = n + 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.cum[mid]! >= want) hi = mid;
    else lo = mid + 1;
  }
  if (lo > n) return null;
  const a = c.cum[lo - 1]!;
  const b = c.cum[lo]!;
  const t = Math.max(fromSec, (lo - 1 + (b > a ? (want - a) / (b - a) : 1)) * c.stepSec);
  return t <= toSec ? t : null;
}

export interface ForecastInput {
  /** Last year's whole day. */
  lastYear: CumulativeCurve;
  /** This year so far; read only at its step boundaries up to `nowSec` (for the band). */
  thisYear: CumulativeCurve;
  /** Seconds since this year's start. */
  nowSec: number;
  /** This year's gross at `nowSec`. */
  soFarFen: number;
  /** Length of this year's show, seconds. */
  daySec: number;
  /** Milestone amounts, fen. */
  milestones: readonly number[];
  /** The day's target, fen (null: none). */
  targetFen?: number | null;
  /** How far back the band looks, seconds (default an hour). */
  windowSec?: number;
  /** No forecast before this many seconds: the first seconds' ratio is noise (default 60). */
  minElapsedSec?: number;
}

export interface MilestoneForecast {
  fen: number;
  /** This year already has it. */
  passed: boolean;
  /** Expected crossing, seconds since the start; null when passed or not within the day. */
  atSec: number | null;
  /** At the band's high ratio (the earliest) and low ratio (the latest; null: not within the day). */
  earliestSec: number | null;
  latestSec: number | null;
}

export interface TargetPace {
  targetFen: number;
  reached: boolean;
  /** Still to sell. */
  needFen: number;
  /** Gross needed per remaining hour on average; null when the day is over. */
  perHourFen: number | null;
  /** Ratio to last year's same remaining hours needed; null when last year has none left. */
  neededRatio: number | null;
  /** The centre forecast reaches it. */
  onTrack: boolean;
}

export interface Forecast {
  /** This year's gross over last year's at the same second, now. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
  /** Ratios the band was taken from (including now). */
  samples: number;
  /** Last year's gross over this year's day length. */
  lastYearDayFen: number;
  totalFen: number;
  totalLowFen: number;
  totalHighFen: number;
  milestones: MilestoneForecast[];
  target: TargetPace | null;
}

/** The running ratio, its band, the day's total, the milestones' ETAs and the target's pace; null before it means anything. */
export function forecast(input: ForecastInput): Forecast | null {
  const { lastYear, thisYear, nowSec, soFarFen, daySec } = input;
  const windowSec = input.windowSec ?? 3600;
  const minElapsedSec = input.minElapsedSec ?? 60;
  const lastYearDayFen = curveAt(lastYear, daySec);
  const lastNow = curveAt(lastYear, nowSec);
  if (!(nowSec >= minElapsedSec) || !(lastNow > 0) || !(lastYearDayFen > 0) || !(daySec > 0)) return null;

  const ratio = soFarFen / lastNow;
  let ratioLow = ratio;
  let ratioHigh = ratio;
  let samples = 1;
  const step = thisYear.stepSec;
  const known = Math.min(thisYear.cum.length - 1, Math.floor(nowSec / step));
  for (let k = known; k >= 1 && k * step > nowSec - windowSec; k--) {
    const sec = k * step;
    if (sec < minElapsedSec || sec >= nowSec) continue;
    const then = curveAt(lastYear, sec);
    if (!(then > 0)) continue;
    const r = thisYear.cum[k]! / then;
    samples++;
    if (r < ratioLow) ratioLow = r;
    if (r > ratioHigh) ratioHigh = r;
  }

  const end = Math.max(nowSec, daySec);
  const eta = (fen: number, r: number) => (fen <= soFarFen ? null : secondReaching(lastYear, r, fen, nowSec, end));
  const milestones = input.milestones.map((fen) => {
    const passed = soFarFen >= fen;
    return { fen, passed, atSec: eta(fen, ratio), earliestSec: eta(fen, ratioHigh), latestSec: eta(fen, ratioLow) };
  });

  const totalFen = ratio * lastYearDayFen;
  const targetFen = input.targetFen ?? null;
  let target: TargetPace | null = null;
  if (targetFen !== null && targetFen > 0) {
    const needFen = Math.max(0, targetFen - soFarFen);
    const leftSec = daySec - nowSec;
    const lastYearLeft = lastYearDayFen - lastNow;
    target = {
      targetFen,
      reached: needFen === 0,
      needFen,
      perHourFen: needFen === 0 ? 0 : leftSec > 0 ? needFen / (leftSec / 3600) : null,
      neededRatio: needFen === 0 ? 0 : lastYearLeft > 0 && leftSec > 0 ? needFen / lastYearLeft : null,
      onTrack: totalFen >= targetFen,
    };
  }

  return {
    ratio,
    ratioLow,
    ratioHigh,
    samples,
    lastYearDayFen,
    totalFen,
    totalLowFen: ratioLow * lastYearDayFen,
    totalHighFen: ratioHigh * lastYearDayFen,
    milestones,
    target,
  };
}

/**
 * "Passes last year's total at hh:mm ± m": the ETA and the half-width of its band in whole
 * minutes (rounded up; the wider side). `plusMinusMin` is null when the band's low end does
 * not get there within the day.
 */
export function etaWithin(m: MilestoneForecast): { atSec: number; plusMinusMin: number | null } | null {
  if (m.atSec === null) return null;
  if (m.latestSec === null) return { atSec: m.atSec, plusMinusMin: null };
  const early = m.earliestSec === null ? 0 : m.atSec - m.earliestSec;
  return { atSec: m.atSec, plusMinusMin: Math.ceil(Math.max(early, m.latestSec - m.atSec) / 60) };
}

/** What a linear extrapolation from the recent pace says (the server's milestone prediction): the fallback and the backtest's baseline. */
export function linearForecast(
  soFarFen: number,
  fenPerSec: number,
  nowSec: number,
  daySec: number,
  milestoneFen: number,
): { totalFen: number; atSec: number | null } {
  const totalFen = soFarFen + Math.max(0, fenPerSec) * Math.max(0, daySec - nowSec);
  const atSec = milestoneFen <= soFarFen || !(fenPerSec > 0) ? null : nowSec + (milestoneFen - soFarFen) / fenPerSec;
  return { totalFen, atSec };
}
