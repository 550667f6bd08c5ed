/**
 * The forecast backtest's core: simulated days as gross fen per second (the simulator's own
 * generator, in process), and the forecast against the truth at chosen instants, next to the
 * linear extrapolation the server's milestone prediction uses.
 */
import { cumulate, curveAt, forecast, linearForecast, secondReaching, type Forecast } from '../../shared/forecast.js';
import { convertFen, decimalToFen, parseRate } from '../../shared/money.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { parseTimestamp } from '../../shared/time.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator } from '../../shared/sim/generate.js';

/** The server's pace window (server/domain/board.ts RATE_WINDOW_SECONDS): the linear method's rate. */
export const LINEAR_WINDOW_SECONDS = 5;

/**
 * Gross (sales, CNY fen) per second of event time of a simulated day, as the server would
 * count it: USD converted at the show's fixed rate, refunds left out.
 */
export function simulatedDay(year: number, scale: number, seed: number, onSecond?: (s: number) => void): Float64Array {
  const gen = new DayGenerator({ year, scale, seed });
  const show = DEFAULT_SHOWS.find((s) => s.start.startsWith(String(year)));
  const usdMicro = parseRate(show?.rates.USD ?? '6.2');
  const fen = new Float64Array(DAY_SECONDS);
  for (let s = 0; s < DAY_SECONDS; s++) {
    for (const { fields, type } of gen.second(s)) {
      if (type !== 'sale') continue;
      const ts = parseTimestamp(fields.ts);
      if (!ts.ok) continue;
      const at = Math.floor((ts.ms - gen.startMs) / 1000);
      if (at < 0 || at >= DAY_SECONDS) continue;
      const amount = decimalToFen(fields.amount);
      fen[at]! += fields.currency === 'USD' ? convertFen(amount, usdMicro) : amount;
    }
    onSecond?.(s);
  }
  return fen;
}

/**
 * A day whose shape drifts from last year's (which the simulator's days never do: every year
 * has the same curve): second t's gross × (1 + tilt · t / day), so with tilt 0.3 the evening
 * runs 30 % above what the morning's ratio to last year says.
 */
export function tilted(perSecond: ArrayLike<number>, tilt: number): Float64Array {
  const out = new Float64Array(perSecond.length);
  for (let t = 0; t < perSecond.length; t++) out[t] = perSecond[t]! * (1 + (tilt * t) / perSecond.length);
  return out;
}

/** One instant of the backtest; times in seconds since the start, errors forecast − truth. */
export interface BacktestRow {
  atSec: number;
  actualTotalFen: number;
  /** Last year's shape (null: no forecast then). */
  shape: Forecast | null;
  shapeTotalErrorPct: number | null;
  /** The truth inside the total's band. */
  shapeTotalInBand: boolean | null;
  linearTotalFen: number;
  linearTotalErrorPct: number;
  milestones: BacktestMilestone[];
}

export interface BacktestMilestone {
  name: string;
  fen: number;
  /** When this year actually reached it (null: not within the day). */
  actualSec: number | null;
  /** Already crossed at the instant: nothing to forecast. */
  passed: boolean;
  shapeSec: number | null;
  shapeErrorSec: number | null;
  shapeInBand: boolean | null;
  linearSec: number | null;
  linearErrorSec: number | null;
}

export interface BacktestInput {
  /** Gross fen per second of this year's and last year's day. */
  thisYear: ArrayLike<number>;
  lastYear: ArrayLike<number>;
  /** Seconds since the start to forecast at. */
  instants: readonly number[];
  milestones: readonly { name: string; fen: number }[];
  /** Step of last year's curve given to the forecast: 1 (the server's) or 60 (what the exec screen holds). */
  lastYearStepSec?: number;
  /** Step at which the band samples this year's ratio (the exec screen: 60). */
  bandStepSec?: number;
  windowSec?: number;
}

function sumSteps(perSecond: ArrayLike<number>, step: number): Float64Array {
  const out = new Float64Array(Math.ceil(perSecond.length / step));
  for (let s = 0; s < perSecond.length; s++) out[Math.floor(s / step)]! += perSecond[s]!;
  return out;
}

/** The forecasts at each instant against what the day then did. */
export function backtest(input: BacktestInput): BacktestRow[] {
  const day = input.thisYear.length;
  const truth = cumulate(input.thisYear, 1);
  const actualTotalFen = curveAt(truth, day);
  const lastStep = input.lastYearStepSec ?? 1;
  const lastYear = cumulate(sumSteps(input.lastYear, lastStep), lastStep);
  const bandStep = input.bandStepSec ?? 60;
  const actual = input.milestones.map((m) => secondReaching(truth, 1, m.fen, 0, day));

  return input.instants.map((atSec) => {
    const soFarFen = curveAt(truth, atSec);
    // This year as the screen knows it then: whole band steps up to the instant.
    const thisYear = cumulate(sumSteps(Array.prototype.slice.call(input.thisYear, 0, atSec), bandStep), bandStep);
    const shape = forecast({
      lastYear,
      thisYear,
      nowSec: atSec,
      soFarFen,
      daySec: day,
      milestones: input.milestones.map((m) => m.fen),
      ...(input.windowSec !== undefined ? { windowSec: input.windowSec } : {}),
    });
    const from = Math.max(0, atSec - LINEAR_WINDOW_SECONDS);
    const fenPerSec = (soFarFen - curveAt(truth, from)) / Math.max(1, atSec - from);
    const pct = (f: number) => ((f - actualTotalFen) / actualTotalFen) * 100;
    const linearTotal = linearForecast(soFarFen, fenPerSec, atSec, day, 0).totalFen;
    const milestones = input.milestones.map((m, i): BacktestMilestone => {
      const actualSec = actual[i]!;
      const passed = soFarFen >= m.fen;
      const f = shape?.milestones[i] ?? null;
      const shapeSec = f?.atSec ?? null;
      const linearSec = linearForecast(soFarFen, fenPerSec, atSec, day, m.fen).atSec;
      const err = (sec: number | null) => (sec === null || actualSec === null ? null : sec - actualSec);
      return {
        name: m.name,
        fen: m.fen,
        actualSec,
        passed,
        shapeSec,
        shapeErrorSec: err(shapeSec),
        shapeInBand:
          f === null || passed || actualSec === null
            ? null
            : actualSec >= (f.earliestSec ?? Infinity) && actualSec <= (f.latestSec ?? day),
        linearSec,
        linearErrorSec: err(linearSec),
      };
    });
    return {
      atSec,
      actualTotalFen,
      shape,
      shapeTotalErrorPct: shape === null ? null : pct(shape.totalFen),
      shapeTotalInBand:
        shape === null ? null : actualTotalFen >= shape.totalLowFen && actualTotalFen <= shape.totalHighFen,
      linearTotalFen: linearTotal,
      linearTotalErrorPct: pct(linearTotal),
      milestones,
    };
  });
}
