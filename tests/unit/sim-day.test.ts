import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { YEARS } from '../../shared/sim/calibration.js';
import { DAY_SECONDS, countsPerSecond, dayCurve } from '../../shared/sim/day.js';

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

function max(values: ArrayLike<number>): { value: number; at: number } {
  let best = { value: -Infinity, at: -1 };
  for (let i = 0; i < values.length; i++) if (values[i]! > best.value) best = { value: values[i]!, at: i };
  return best;
}

const curves = new Map(
  [2014, 2015, 2017].map((y) => [y, dayCurve(YEARS[y]!.orders, YEARS[y]!.peakToAverage, YEARS[y]!.rush)]),
);

describe('dayCurve', () => {
  it.each([2014, 2015, 2017])('spreads the %i orders over one day, second by second', (year) => {
    const curve = curves.get(year)!;
    expect(curve).toHaveLength(DAY_SECONDS);
    expect(sum(curve) / YEARS[year]!.orders).toBeCloseTo(1, 9);
    expect(curve.every((v) => v > 0)).toBe(true);
  });

  it.each([2014, 2015, 2017])('peaks at the requested multiple of the %i average, within 1%', (year) => {
    const curve = curves.get(year)!;
    const ratio = max(curve).value / (sum(curve) / DAY_SECONDS);
    expect(Math.abs(ratio / YEARS[year]!.peakToAverage - 1)).toBeLessThan(0.01);
  });

  it('peaks within the first minute after midnight', () => {
    expect(max(curves.get(2015)!).at).toBeLessThan(60);
  });

  it('is quieter in the small hours than in the evening', () => {
    const curve = curves.get(2015)!;
    expect(curve[5 * 3600]!).toBeLessThan(curve[21 * 3600]! / 3);
  });
});

describe('countsPerSecond', () => {
  it.each([
    [2014, 1],
    [2014, 0.37],
    [2015, 0.001],
    [2015, 1e-5],
    [2017, 0.123456],
  ])('makes the %i day add up to exactly round(orders * %d)', (year, scale) => {
    const counts = countsPerSecond(curves.get(year)!, scale);
    expect(sum(counts)).toBe(Math.round(YEARS[year]!.orders * scale));
  });

  it('keeps whole-number rates as they are', () => {
    const curve = Float64Array.from([3, 0, 7, 1, 0, 12]);
    expect([...countsPerSecond(curve, 1)]).toEqual([3, 0, 7, 1, 0, 12]);
    expect([...countsPerSecond(curve, 2)]).toEqual([6, 0, 14, 2, 0, 24]);
  });

  it('spreads fractional rates: no second is off by a whole order, nor is the total', () => {
    // Multiples of 1/8 add up exactly in floating point, so the expected total is exact.
    const curve = fc.array(
      fc.integer({ min: 0, max: 800 }).map((n) => n / 8),
      { minLength: 1, maxLength: 200 },
    );
    fc.assert(
      fc.property(curve, (rates) => {
        const counts = countsPerSecond(Float64Array.from(rates), 1);
        rates.forEach((r, i) => expect(Math.abs(counts[i]! - r)).toBeLessThan(1));
        const total = sum(rates);
        expect(Math.abs(sum(counts) - total)).toBeLessThan(1);
        if (Number.isInteger(total)) expect(sum(counts)).toBe(total);
      }),
    );
  });
});

describe('2014 calibration', () => {
  // Orders carry GMV in proportion: the day's average order value.
  const aov = YEARS[2014]!.gmvCny / YEARS[2014]!.orders;
  const counts = countsPerSecond(curves.get(2014)!, 1);

  function secondReaching(gmvCny: number): number {
    let orders = 0;
    for (let t = 0; t < counts.length; t++) {
      orders += counts[t]!;
      if (orders * aov >= gmvCny) return t;
    }
    return -1;
  }

  it('uses the published 2014 figures', () => {
    expect(aov).toBeCloseTo(205.4, 1);
    expect(YEARS[2014]!.peakToAverage * (278e6 / 86_400)).toBeCloseTo(80_000, 6);
  });

  it('reaches 10 billion between 30 and 50 minutes (38 min 28 s on the day)', () => {
    const t = secondReaching(10e9);
    expect(t).toBeGreaterThanOrEqual(30 * 60);
    expect(t).toBeLessThan(50 * 60);
  });

  it('reaches 1 billion within the first five minutes (about 3 min on the day)', () => {
    const t = secondReaching(1e9);
    expect(t).toBeGreaterThan(60);
    expect(t).toBeLessThan(5 * 60);
  });

  it('peaks at about 80,000 orders per second, as published for 2014 (25 times the average)', () => {
    const peak = max(counts).value;
    expect(peak).toBeGreaterThan(79_000);
    expect(peak).toBeLessThan(81_000);
  });
});
