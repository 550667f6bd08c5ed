import { describe, expect, it } from 'vitest';
import { backtest, simulatedDay, tilted } from '../../scripts/lib/backtest.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';

describe('backtest(input) on simulated days', () => {
  it('gives the forecast and the linear errors at 00:10, 01:00, 06:00 and 20:00 on a tiny scale', () => {
    const scale = 0.00002;
    const thisYear = simulatedDay(2015, scale, 1);
    const lastYear = simulatedDay(2014, scale, 2);
    expect(thisYear).toHaveLength(DAY_SECONDS);
    const lastYearFen = lastYear.reduce((a, b) => a + b, 0);
    const milestone = Math.round(10_000_000_000 * 100 * scale);
    const rows = backtest({
      thisYear,
      lastYear,
      instants: [600, 3600, 21_600, 72_000],
      milestones: [
        { name: '10 bn', fen: milestone },
        { name: 'last year', fen: lastYearFen },
      ],
      lastYearStepSec: 60,
    });
    expect(rows.map((r) => r.atSec)).toEqual([600, 3600, 21_600, 72_000]);
    for (const r of rows) {
      expect(r.shape).not.toBeNull();
      expect(Number.isFinite(r.shapeTotalErrorPct)).toBe(true);
      expect(Number.isFinite(r.linearTotalErrorPct)).toBe(true);
      expect(r.shape!.totalLowFen).toBeLessThanOrEqual(r.shape!.totalFen);
      expect(r.shape!.totalHighFen).toBeGreaterThanOrEqual(r.shape!.totalFen);
    }
    // At 00:10 neither milestone is crossed: both methods give an ETA and an error against the crossing.
    const [ten, passLastYear] = rows[0]!.milestones;
    for (const m of [ten!, passLastYear!]) {
      expect(m.passed).toBe(false);
      expect(m.actualSec).not.toBeNull();
      expect(m.shapeErrorSec).toBe(m.shapeSec! - m.actualSec!);
      expect(m.linearErrorSec).toBe(m.linearSec! - m.actualSec!);
    }
    // By 20:00 both are behind: nothing left to forecast.
    expect(rows[3]!.milestones.every((m) => m.passed && m.shapeSec === null)).toBe(true);
    // Same simulator shape both years: the shape's total is far closer at 00:10 than the last seconds' pace.
    expect(Math.abs(rows[0]!.shapeTotalErrorPct!)).toBeLessThan(Math.abs(rows[0]!.linearTotalErrorPct));
  });

  it('tilted(day, tilt) bends a day away from last year’s shape, more as the day goes on', () => {
    expect([...tilted([4, 4, 4, 4], 1)]).toEqual([4, 5, 6, 7]);
    expect([...tilted([4, 4], 0)]).toEqual([4, 4]);
  });
});
