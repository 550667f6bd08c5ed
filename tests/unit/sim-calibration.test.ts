import { describe, expect, it } from 'vitest';
import { YEARS } from '../../shared/sim/calibration.js';
import { calibrationFigures, calibrationReport } from '../../shared/sim/figures.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { DEFAULT_CATEGORIES, validateOrder } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';

const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };

describe('calibrationFigures(year) at full scale', () => {
  // The issue asks for the published days within 10 %; the fit is within 1.5 %
  // (docs/using.md, "Calibration"), so 3 % still catches a shape change.
  it.each([2014, 2015])('crosses each published %i milestone within 3 % of its time', (year) => {
    const f = calibrationFigures(year);
    expect(f.milestones).toHaveLength(2);
    for (const m of f.milestones) expect(Math.abs(m.simulated / m.published - 1)).toBeLessThan(0.03);
  });

  it.each([
    [2014, 57.1e9, 0.426, 80_000],
    [2015, 91.2e9, 0.68, 140_000],
  ])('totals the published %i day: GMV %d CNY, mobile share %d, peak %d orders/s', (year, gmv, mobile, peak) => {
    const f = calibrationFigures(year);
    expect(f.orders / YEARS[year]!.orders).toBeCloseTo(1, 9);
    expect(f.gmvCny / gmv).toBeCloseTo(1, 9);
    expect(f.mobile).toBe(mobile);
    // The spike's height is bisected to the peak: within 0.1 %.
    expect(Math.abs(f.peakPerSecond / peak - 1)).toBeLessThan(0.001);
    expect(f.peakAtSecond).toBeLessThan(60);
  });

  it('gives the gala benchmark about 7 million orders in the first two minutes of 2015 (10 million before)', () => {
    const f = calibrationFigures(2015);
    expect(f.firstTwoMinutes).toBeGreaterThan(6.9e6);
    expect(f.firstTwoMinutes).toBeLessThan(7.1e6);
  });

  it('prints one line per year with the published milestones beside the simulated ones', () => {
    const [line2014, line2015] = calibrationReport([2014, 2015]);
    expect(line2015).toMatch(/^2015: .*1 bn at 00:01:1\d \(00:01:12\); 10 bn at 00:12:\d\d \(00:12:28\)$/);
    expect(line2014).toContain('mobile 42.6 %');
  });
});

/** The 2015 opening generated and validated: GMV per second, orders, mobile orders. */
function opening(scale: number, seconds: number) {
  const gen = new DayGenerator({ year: 2015, scale, seed: 1111, refundShare: 0, lateShare: 0 });
  const perSecondFen: number[] = [];
  let orders = 0;
  let mobile = 0;
  for (let s = 0; s < seconds; s++) {
    let fen = 0;
    for (const l of gen.second(s)) {
      const r = validateOrder(JSON.parse(l.line), ctx);
      if (!r.ok) throw new Error(`${r.code} on ${r.field}`);
      fen += r.order.gmv_fen;
      orders++;
      if (r.order.channel === 'mobile') mobile++;
    }
    perSecondFen.push(fen);
  }
  const secondReaching = (cny: number): number => {
    let fen = 0;
    for (let s = 0; s < perSecondFen.length; s++) {
      fen += perSecondFen[s]!;
      if (fen >= cny * 100) return s;
    }
    return -1;
  };
  return { gen, orders, mobile, secondReaching };
}

describe('the simulated 2015 opening at small scale', () => {
  // Each mark is checked at the scale that puts ~50,000 orders before it:
  // 1 billion at 1/100 (the first 90 s), 10 billion at 1/1000 (the first 13
  // minutes). Amounts are skewed (lognormal, a few categories of expensive
  // goods), so a sample of only ~5,000 orders (1 billion at 1/1000) typically
  // falls ~4 % short of the mean and crosses ~7 s late; at ~50,000 the shortfall
  // is under 1 %, a second or two. 5 % (half the 10 %) is clear of that.
  const tenth = opening(0.01, 90);
  const thousandth = opening(0.001, 13 * 60);

  it.each([
    ['1 billion', tenth, 0.01, 1e9, 72],
    ['10 billion', thousandth, 0.001, 10e9, 12 * 60 + 28],
  ])('crosses %s × scale within 5 %% of the published second', (_, run, scale, gmv, published) => {
    const t = run.secondReaching(gmv * scale);
    expect(t).toBeGreaterThan(0);
    expect(Math.abs(t / published - 1)).toBeLessThan(0.05);
  });

  it('peaks at about 140 orders per second (140,000 × 1/1000) within the first minute', () => {
    const { counts } = thousandth.gen;
    // Whole orders per second: rounding a 140.0 rate moves it by at most one order.
    const peak = Math.max(...counts.subarray(0, 60));
    expect(peak).toBeGreaterThanOrEqual(139);
    expect(peak).toBeLessThanOrEqual(141);
    expect(counts.reduce((a, b) => Math.max(a, b), 0)).toBe(peak);
  });

  it("draws 68 % of orders on mobile and adds up to the day's orders at scale", () => {
    const { orders, mobile, gen } = thousandth;
    // ~53,000 draws at p = 0.68: a standard deviation of 0.2 %, so 1 % is 5 of them.
    expect(Math.abs(mobile / orders - 0.68)).toBeLessThan(0.01);
    let day = 0;
    for (const n of gen.counts) day += n;
    expect(day).toBe(Math.round(467e6 * 0.001));
  });
});
