import type { FenPoint } from '../../live/decode.js';
import type { StringKey } from '../../i18n/t.js';

/** The projected end-of-day gross with a band, fen. */
export interface Projection {
  centerFen: number;
  lowFen: number;
  highFen: number;
  /** Minute boundaries the band was taken from. */
  samples: number;
}

export interface ProjectionInput {
  /** This year's gross per non-empty second since the start, ascending (the live series). */
  series: readonly FenPoint[];
  /** Last year's gross per minute since its start. */
  lastYearMinuteFen: readonly number[];
  /** Last year's final gross, fen. */
  lastYearTotalFen: number;
  /** Whole seconds since this year's start on the show clock. */
  elapsedSec: number;
  /** The server's projection now (Pace.projectedGmv in fen), so the centre is the wall's figure; null: none. */
  projectedFen: number | null;
  /** How far back the band looks, minutes. */
  windowMinutes?: number;
}

/** One short line for the screen, saying what the band is (in the dictionary: exec.bandMethod). */
export const BAND_METHOD = 'exec.bandMethod' satisfies StringKey;

/**
 * The end-of-day projection and its band. The centre is last year's final total
 * scaled by this year's ratio to last year at the same seconds since the start
 * (the server's own Pace.projectedGmv when given, so it matches the wall). The band
 * says how steady that ratio has been: the same projection taken at every whole
 * minute of the last `windowMinutes`, where both years' cumulative gross are exact
 * (last year is known per minute), and its lowest and highest values, widened to
 * hold the centre. A ratio that wandered a lot means a wide band. It is an
 * estimate, so float maths is fine here; it is never summed into money.
 */
export function projectionBand(input: ProjectionInput): Projection | null {
  const { series, lastYearMinuteFen, lastYearTotalFen, elapsedSec } = input;
  const windowMinutes = input.windowMinutes ?? 60;
  if (!(lastYearTotalFen > 0) || elapsedSec < 0) return null;

  // Whole minutes completed so far, and the earliest one in the window.
  const lastMinute = Math.min(Math.floor(elapsedSec / 60), lastYearMinuteFen.length);
  const firstMinute = Math.max(1, lastMinute - windowMinutes + 1);
  const ratios: number[] = [];
  let thisYear = 0;
  let lastYear = 0;
  let i = 0;
  for (let m = 1; m <= lastMinute; m++) {
    // Cumulative gross to the end of minute m, both years.
    while (i < series.length && series[i]![0] < m * 60) thisYear += series[i++]![2];
    lastYear += lastYearMinuteFen[m - 1] ?? 0;
    if (m >= firstMinute && lastYear > 0) ratios.push(thisYear / lastYear);
  }

  let centerFen = input.projectedFen;
  if (centerFen === null) {
    const latest = ratios[ratios.length - 1];
    if (latest === undefined) return null;
    centerFen = Math.round(lastYearTotalFen * latest);
  }
  let lowFen = centerFen;
  let highFen = centerFen;
  for (const r of ratios) {
    const fen = Math.round(lastYearTotalFen * r);
    if (fen < lowFen) lowFen = fen;
    if (fen > highFen) highFen = fen;
  }
  return { centerFen, lowFen, highFen, samples: ratios.length };
}
