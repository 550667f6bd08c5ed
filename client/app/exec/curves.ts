import { cumulate, forecast, type CumulativeCurve, type Forecast } from '../../../shared/forecast.js';
import type { FenPoint } from '../../live/decode.js';

/** Both years as the forecast reads them: last year per minute, this year's whole minutes so far. */
export interface ExecCurves {
  lastYear: CumulativeCurve;
  thisYear: CumulativeCurve;
}

/**
 * The curves at `nowSec`: they change only with whole minutes, so the screen builds them once a
 * minute and runs forecast() on every tick (a window of ratios and a search per milestone).
 */
export function execCurves(
  series: readonly FenPoint[],
  lastYearMinuteFen: readonly number[],
  nowSec: number,
): ExecCurves {
  const minutes = Math.max(0, Math.floor(nowSec / 60));
  const perMinute = new Float64Array(minutes);
  for (const [s, , fen] of series) {
    if (s >= 0 && s < minutes * 60) perMinute[Math.floor(s / 60)]! += fen;
  }
  return { lastYear: cumulate(lastYearMinuteFen, 60), thisYear: cumulate(perMinute, 60) };
}

export interface ExecForecastInput {
  curves: ExecCurves;
  nowSec: number;
  soFarFen: number;
  daySec: number;
  milestoneFen: readonly number[];
  targetFen: number | null;
}

/** The exec screen's forecast from last year's shape (null: none yet; the screen keeps the linear ETA). */
export function execForecast(i: ExecForecastInput): Forecast | null {
  return forecast({
    lastYear: i.curves.lastYear,
    thisYear: i.curves.thisYear,
    nowSec: i.nowSec,
    soFarFen: i.soFarFen,
    daySec: i.daySec,
    milestones: i.milestoneFen,
    targetFen: i.targetFen,
  });
}
