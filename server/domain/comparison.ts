import { formatFen } from '../../shared/money.js';
import type { Pace } from '../../shared/protocol.js';

/**
 * Last year's day on the same seconds-since-start axis: its cumulative gross by
 * second, for the pace against last year and the projected final total.
 */
export class LastYearCurve {
  private readonly cumulative: Float64Array;
  readonly totalFen: number;

  /** `fenBySecond[i]` is last year's gross in second i since its start. */
  constructor(fenBySecond: ArrayLike<number>) {
    this.cumulative = new Float64Array(fenBySecond.length);
    let sum = 0;
    for (let i = 0; i < fenBySecond.length; i++) this.cumulative[i] = sum += fenBySecond[i]!;
    this.totalFen = sum;
  }

  /** Last year's gross up to and including elapsed second `s`. */
  soFar(s: number): number {
    if (s < 0 || this.cumulative.length === 0) return 0;
    return this.cumulative[Math.min(s, this.cumulative.length - 1)]!;
  }

  pace(elapsedSecond: number, grossFen: number): Pace {
    const then = this.soFar(elapsedSecond);
    if (then <= 0) return { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null };
    const ratio = grossFen / then;
    return {
      vsLastYearPct: Math.round((ratio - 1) * 1000) / 10,
      projectedGmv: formatFen(Math.round(this.totalFen * ratio)),
      lastYearSoFar: formatFen(then),
    };
  }

  /** Gross per minute, for the overlay. */
  minutes(): number[] {
    const out: number[] = [];
    for (let m = 0; m * 60 < this.cumulative.length; m++) {
      const end = Math.min(this.cumulative.length, (m + 1) * 60) - 1;
      const start = m * 60 - 1;
      out.push(this.cumulative[end]! - (start >= 0 ? this.cumulative[start]! : 0));
    }
    return out;
  }
}

export const NO_PACE: Pace = { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null };
