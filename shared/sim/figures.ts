import { YEARS } from './calibration.js';
import { dayCurve } from './day.js';

/** What a year's curve gives at full scale, to set beside the published figures. */
export interface CalibrationFigures {
  year: number;
  orders: number;
  gmvCny: number;
  /** Share of orders (the generator draws each order's channel with this chance). */
  mobile: number;
  peakPerSecond: number;
  peakAtSecond: number;
  /** Orders in the first two minutes (the gala benchmark's workload). */
  firstTwoMinutes: number;
  /** Each published milestone with the second the curve crosses it (interpolated within the second). */
  milestones: { gmvCny: number; published: number; simulated: number }[];
}

/**
 * A year's figures from its rate curve, summed second by second (no orders
 * generated). GMV accrues at the year's average order value, as the generator's
 * amounts do on average.
 */
export function calibrationFigures(year: number): CalibrationFigures {
  const cal = YEARS[year];
  if (!cal) throw new Error(`no calibration for ${year}`);
  const curve = dayCurve(cal.orders, cal.peakToAverage, cal.rush);
  const aov = cal.gmvCny / cal.orders;
  const goals = (cal.milestones ?? []).map(([gmvCny, published]) => ({ gmvCny, published, simulated: NaN }));
  let orders = 0;
  let peak = 0;
  let peakAt = 0;
  let firstTwoMinutes = 0;
  for (let t = 0; t < curve.length; t++) {
    const rate = curve[t]!;
    if (rate > peak) [peak, peakAt] = [rate, t];
    for (const g of goals) {
      const need = g.gmvCny / aov;
      if (Number.isNaN(g.simulated) && orders + rate >= need) g.simulated = t + (need - orders) / rate;
    }
    orders += rate;
    if (t === 119) firstTwoMinutes = orders;
  }
  return {
    year,
    orders,
    gmvCny: orders * aov,
    mobile: cal.mobile,
    peakPerSecond: peak,
    peakAtSecond: peakAt,
    firstTwoMinutes,
    milestones: goals,
  };
}

/** hh:mm:ss of a second of the day. */
function clock(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().slice(11, 19);
}

/** One line per year: the curve's figures, with the published (or, for the peak, target) ones in brackets. */
export function calibrationReport(years: readonly number[]): string[] {
  return years.map((y) => {
    const f = calibrationFigures(y);
    const cal = YEARS[y]!;
    const target = (cal.peakToAverage * cal.orders) / 86_400;
    const parts = [
      `${y}:`,
      `orders ${Math.round(f.orders).toLocaleString('en-US')},`,
      `GMV ${(f.gmvCny / 1e9).toFixed(1)} bn (${(cal.gmvCny / 1e9).toFixed(1)}),`,
      `mobile ${(f.mobile * 100).toFixed(1)} %,`,
      `peak ${Math.round(f.peakPerSecond).toLocaleString('en-US')}/s at ${clock(f.peakAtSecond)}`,
      `(${Math.round(target).toLocaleString('en-US')}),`,
      `first 2 min ${Math.round(f.firstTwoMinutes).toLocaleString('en-US')} orders`,
      ...f.milestones.map((m) => `; ${m.gmvCny / 1e9} bn at ${clock(m.simulated)} (${clock(m.published)})`),
    ];
    return parts.join(' ').replace(/ ;/g, ';');
  });
}
