import { decimalToFenExact } from '../../shared/money.js';
import type { Milestone } from '../../shared/protocol.js';
import type { FenMilestone } from './figures.js';

interface Tracked {
  fen: number;
  kind: Milestone['kind'];
  crossedAtMs: number | null;
  /** A late order with an earlier event time may have moved the crossing. */
  revise: boolean;
  /** Bumped by every late batch, so a crossing computed meanwhile can tell it is old. */
  late: number;
  /** Earliest event time of the late sales since the last look began. */
  lateMinTs: number;
}

/** A milestone to (re)compute; `stamp` is passed back to setCrossed. */
export interface PendingMilestone {
  fen: number;
  stamp: number;
}

/**
 * The show's milestones: thresholds from its config plus last year's total. A
 * milestone is crossed at the event time of the order that took gross GMV to it;
 * that time is found from the stored orders (see store), this class keeps state.
 *
 * Thresholds are safe integers of fen: one past 2^53 - 1 fen (90 trillion CNY; in the
 * config, or last year's total) is left out, never tracked inexactly. Against a safe
 * threshold the gross as the nearest double (LiveBoard.grossFen) compares exactly.
 */
export class Milestones {
  private readonly list: Tracked[];

  constructor(amounts: readonly string[], lastYearTotalFen: number | null) {
    const list: Tracked[] = [];
    for (const a of amounts) {
      const fen = decimalToFenExact(a);
      if (typeof fen === 'number') list.push(tracked(fen, 'threshold'));
    }
    if (
      lastYearTotalFen !== null &&
      Number.isSafeInteger(lastYearTotalFen) &&
      lastYearTotalFen > 0 &&
      !list.some((m) => m.fen === lastYearTotalFen)
    ) {
      list.push(tracked(lastYearTotalFen, 'last-year'));
    }
    this.list = list.sort((a, b) => a.fen - b.fen);
  }

  /**
   * Thresholds at or below `grossFen` whose crossing time is not known yet, or may
   * have moved; a look starts here (late sales are counted from now on) unless `look` is false.
   */
  pending(grossFen: number, look = true): PendingMilestone[] {
    const due = this.list.filter((m) => (m.crossedAtMs === null || m.revise) && m.fen <= grossFen);
    if (look) for (const m of due) m.lateMinTs = Infinity;
    return due.map((m) => ({ fen: m.fen, stamp: m.late }));
  }

  /** True when every pending look is only a revision of a crossing already on screen. */
  onlyRevisions(grossFen: number): boolean {
    return this.list.every((m) => m.fen > grossFen || m.crossedAtMs !== null);
  }

  /** True when a crossing already found may have moved (a late sale landed at or before it). */
  hasRevisions(grossFen: number): boolean {
    return this.list.some((m) => m.revise && m.crossedAtMs !== null && m.fen <= grossFen);
  }

  /** Sales with event times from `minTs` arrived: crossings after it may have come earlier. */
  markLate(minTs: number): void {
    for (const m of this.list) {
      m.late++;
      if (minTs < m.lateMinTs) m.lateMinTs = minTs;
      if (m.crossedAtMs !== null && m.crossedAtMs >= minTs) m.revise = true;
    }
  }

  /**
   * Records a crossing computed from the data as of `stamp`. Only a late sale at or
   * before the crossing that arrived meanwhile can have moved it: then it is looked at again.
   */
  setCrossed(fen: number, atMs: number, stamp: number): void {
    for (const m of this.list) {
      if (m.fen === fen) {
        m.crossedAtMs = atMs;
        m.revise = m.late !== stamp && m.lateMinTs <= atMs;
      }
    }
  }

  /** The milestone at `fen` and its crossing so far; null when the show has none there. */
  find(fen: number): { crossedAtMs: number | null } | null {
    const m = this.list.find((x) => x.fen === fen);
    return m ? { crossedAtMs: m.crossedAtMs } : null;
  }

  /** Forget crossings (after a rebuild they are found again from the store). */
  reset(): void {
    for (const m of this.list) m.crossedAtMs = null;
  }

  /** Every milestone as it stands; the next uncrossed one gets a prediction at the current pace. */
  state(grossFen: number, fenPerSec: number, clockMs: number): FenMilestone[] {
    let predicted = false;
    return this.list.map((m) => {
      let predictedAtMs: number | null = null;
      if (m.crossedAtMs === null && !predicted) {
        predicted = true;
        if (fenPerSec > 0 && m.fen > grossFen)
          predictedAtMs = clockMs + Math.round(((m.fen - grossFen) / fenPerSec) * 1000);
      }
      return { fen: m.fen, kind: m.kind, crossedAtMs: m.crossedAtMs, predictedAtMs };
    });
  }
}

function tracked(fen: number, kind: Milestone['kind']): Tracked {
  return { fen, kind, crossedAtMs: null, revise: false, late: 0, lateMinTs: Infinity };
}

/**
 * The second in which a running total of per-second amounts first reaches
 * `threshold`, and the total before that second. Null if it never does.
 */
export function crossingSecond(
  fenBySecond: ArrayLike<number>,
  threshold: number,
): { index: number; before: number } | null {
  let sum = 0;
  for (let i = 0; i < fenBySecond.length; i++) {
    const next = sum + fenBySecond[i]!;
    if (next >= threshold) return { index: i, before: sum };
    sum = next;
  }
  return null;
}
