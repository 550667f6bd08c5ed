import { describe, expect, it } from 'vitest';
import { LastYearCurve } from '../../server/domain/comparison.js';
import { Milestones, crossingSecond } from '../../server/domain/milestones.js';

describe('crossingSecond(fenBySecond, threshold)', () => {
  it('finds the first second whose running total reaches the threshold, with the total before it', () => {
    expect(crossingSecond([100, 0, 250, 300], 350)).toEqual({ index: 2, before: 100 });
    expect(crossingSecond([100, 0, 250, 300], 351)).toEqual({ index: 3, before: 350 });
    expect(crossingSecond([100], 101)).toBeNull();
  });
});

describe('Milestones', () => {
  it("orders thresholds with last year's total and predicts only the next one", () => {
    const m = new Milestones(['1000.00', '50.00'], 30_000);
    const state = m.state(10_000, 100, 1_000);
    expect(state.map((s) => [s.fen, s.kind])).toEqual([
      [5_000, 'threshold'],
      [30_000, 'last-year'],
      [100_000, 'threshold'],
    ]);
    // 50.00 reached but its time is not known yet: it is the "next" one and is already due.
    expect(state.map((s) => s.predictedAtMs)).toEqual([null, null, null]);
    m.setCrossed(5_000, 900, m.pending(10_000)[0]!.stamp);
    // 200.00 to go at 1.00/s: 200 s after the clock.
    expect(m.state(10_000, 100, 1_000).map((s) => s.predictedAtMs)).toEqual([null, 201_000, null]);
  });

  it('asks again for a crossing when an older order arrives after it was found', () => {
    const m = new Milestones(['10.00'], null);
    const [p] = m.pending(2_000);
    m.setCrossed(1_000, 5_000, p!.stamp);
    expect(m.pending(2_000)).toEqual([]);
    m.markLate(6_000);
    expect(m.pending(2_000)).toEqual([]);
    m.markLate(4_000);
    expect(m.pending(2_000).map((x) => x.fen)).toEqual([1_000]);
  });

  it('keeps a crossing computed while late data arrived open for another look', () => {
    const m = new Milestones(['10.00'], null);
    const [p] = m.pending(2_000);
    m.markLate(0);
    m.setCrossed(1_000, 5_000, p!.stamp);
    expect(m.pending(2_000).map((x) => x.fen)).toEqual([1_000]);
  });
});

describe('Milestones under a steady stream of late sales', () => {
  it('does not look again when the late sales that arrived during a look fall after the crossing', () => {
    const m = new Milestones(['10.00'], null);
    const [p] = m.pending(2_000);
    m.markLate(9_000);
    m.setCrossed(1_000, 5_000, p!.stamp);
    expect(m.pending(2_000)).toEqual([]);
    expect(m.hasRevisions(2_000)).toBe(false);
  });

  it('tells a revision of a crossing on screen from a milestone reached for the first time', () => {
    const m = new Milestones(['10.00', '20.00'], null);
    expect(m.onlyRevisions(1_500)).toBe(false);
    m.setCrossed(1_000, 5_000, m.pending(1_500)[0]!.stamp);
    expect(m.onlyRevisions(1_500)).toBe(true);
    m.markLate(5_000);
    expect(m.hasRevisions(1_500)).toBe(true);
    // 20.00 reached: a first crossing is due at once, not at the revision pace.
    expect(m.onlyRevisions(2_500)).toBe(false);
  });
});

describe('LastYearCurve', () => {
  const curve = new LastYearCurve([100, 0, 300, 0, 600]);

  it('gives pace and projection against last year at the same elapsed second', () => {
    expect(curve.totalFen).toBe(1_000);
    expect(curve.pace(2, 600)).toEqual({ vsLastYearPct: 50, projectedFen: 1500, lastYearSoFarFen: 400 });
    expect(curve.pace(-1, 600)).toEqual({ vsLastYearPct: null, projectedFen: null, lastYearSoFarFen: null });
    // Past the end of last year's day, its final total is the reference.
    expect(curve.pace(99, 1_000).vsLastYearPct).toBe(0);
  });

  it('sums per minute for the overlay', () => {
    const day = new LastYearCurve(Array.from({ length: 150 }, (_, i) => i));
    const minutes = day.minutes();
    expect(minutes).toHaveLength(3);
    expect(minutes.reduce((a, b) => a + b, 0)).toBe(day.totalFen);
    expect(minutes[0]).toBe((59 * 60) / 2);
  });
});
