import { addFen, differenceFen, exactFen, nearestFen, type Fen, type SplitFen } from '../../shared/money.js';
import type { FenPace } from './figures.js';

/**
 * Last year's day on the same seconds-since-start axis: its cumulative gross by
 * second, for the pace against last year and the projected final total.
 *
 * The running sums are exact split sums (see SplitFen), so last year's total and
 * "so far" are exact whatever their size, given exact seconds: a second read as a
 * double (readSecondsFen) is exact below 2^53 fen. Ratios, the projection and the
 * per-minute overlay are doubles.
 */
export class LastYearCurve {
  /** Running sum up to and including each second, as SplitFen parts. */
  private readonly hi: Float64Array;
  private readonly fen: Float64Array;
  /** Last year's gross as the nearest double (exact below 2^53 fen). */
  readonly totalFen: number;
  /** Last year's gross, exactly. */
  readonly total: Fen;

  /** `fenBySecond[i]` is last year's gross in second i since its start (an integer, of any size). */
  constructor(fenBySecond: ArrayLike<number>) {
    this.hi = new Float64Array(fenBySecond.length);
    this.fen = new Float64Array(fenBySecond.length);
    const sum: SplitFen = { hi: 0, fen: 0 };
    for (let i = 0; i < fenBySecond.length; i++) {
      addFen(sum, fenBySecond[i]!);
      this.hi[i] = sum.hi;
      this.fen[i] = sum.fen;
    }
    this.totalFen = nearestFen(sum);
    this.total = exactFen(sum);
  }

  /** Last year's gross up to and including elapsed second `s`, exactly (0 before the start). */
  private sumTo(s: number): SplitFen {
    if (s < 0 || this.fen.length === 0) return { hi: 0, fen: 0 };
    const i = Math.min(s, this.fen.length - 1);
    return { hi: this.hi[i]!, fen: this.fen[i]! };
  }

  /** Last year's gross up to and including elapsed second `s` (the nearest double past 2^53 fen). */
  soFar(s: number): number {
    return nearestFen(this.sumTo(s));
  }

  pace(elapsedSecond: number, grossFen: number): FenPace {
    const then = this.sumTo(elapsedSecond);
    const thenFen = nearestFen(then);
    if (thenFen <= 0) return NO_PACE;
    const ratio = grossFen / thenFen;
    return {
      vsLastYearPct: Math.round((ratio - 1) * 1000) / 10,
      projectedFen: Math.round(this.totalFen * ratio),
      lastYearSoFarFen: exactFen(then),
    };
  }

  /** Gross per minute, for the overlay (doubles: exact while a minute holds less than 2^53 fen). */
  minutes(): number[] {
    const out: number[] = [];
    for (let m = 0; m * 60 < this.fen.length; m++) {
      const end = this.sumTo(Math.min(this.fen.length, (m + 1) * 60) - 1);
      const start = this.sumTo(m * 60 - 1);
      out.push(nearestFen(differenceFen(end, start)));
    }
    return out;
  }
}

export const NO_PACE: FenPace = { vsLastYearPct: null, projectedFen: null, lastYearSoFarFen: null };
