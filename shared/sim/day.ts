/**
 * The shape of an 11.11 day, second by second (China time): the explosion right
 * after midnight, its decay over the first hour, the night low, the daytime
 * plateau, the evening rise and the last-hour push.
 */
export const DAY_SECONDS = 86_400;

/** Relative activity by hour of day outside the midnight rush. */
const HOURLY = [
  1.0, 0.75, 0.45, 0.28, 0.2, 0.18, 0.25, 0.4, 0.6, 0.78, 0.88, 0.92, 0.95, 0.92, 0.95, 0.97, 0.97, 0.93, 0.92, 1.0,
  1.12, 1.3, 1.42, 1.65,
];

function base(t: number): number {
  // Linear between hour midpoints for a smooth curve.
  const h = t / 3600 - 0.5;
  const i = Math.floor(h);
  const f = h - i;
  const a = HOURLY[Math.max(0, Math.min(23, i))]!;
  const b = HOURLY[Math.max(0, Math.min(23, i + 1))]!;
  return a + (b - a) * f;
}

/**
 * The midnight rush on top of the hourly base: a spike of carts filled in
 * advance and paid in the first seconds (its height sets the peak-to-average
 * ratio; it ramps up over 20 s and decays over 15 s), plus a tail of buyers
 * arriving after midnight that ramps up over `tailRampSeconds` and decays
 * over `tailSeconds`. `tail` is the tail's height in units of the midnight base.
 */
export interface Rush {
  tail: number;
  tailRampSeconds: number;
  tailSeconds: number;
}

/**
 * The rush of years without published milestones to fit (2013, 2016, 2017):
 * the shape every year had before the 2014 and 2015 fits, a tail at once.
 */
export const DEFAULT_RUSH: Rush = { tail: 9, tailRampSeconds: 1, tailSeconds: 2400 };

function rush(t: number, height: number, r: Rush): number {
  const ramp = Math.min(1, (t + 1) / 20);
  const tailRamp = Math.min(1, (t + 1) / r.tailRampSeconds);
  return height * ramp * Math.exp(-t / 15) + r.tail * tailRamp * Math.exp(-t / r.tailSeconds);
}

/**
 * Orders per second over a whole day such that the total is `orders` and the
 * peak is about `peakToAverage` times the average.
 */
export function dayCurve(orders: number, peakToAverage: number, r: Rush = DEFAULT_RUSH): Float64Array {
  const shape = (height: number): Float64Array => {
    const f = new Float64Array(DAY_SECONDS);
    for (let t = 0; t < DAY_SECONDS; t++) f[t] = base(t) + rush(t, height, r);
    return f;
  };
  const ratio = (f: Float64Array): number => {
    let sum = 0;
    let max = 0;
    for (const v of f) {
      sum += v;
      if (v > max) max = v;
    }
    return max / (sum / f.length);
  };
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (ratio(shape(mid)) < peakToAverage) lo = mid;
    else hi = mid;
  }
  const f = shape(lo);
  let sum = 0;
  for (const v of f) sum += v;
  const k = orders / sum;
  for (let t = 0; t < DAY_SECONDS; t++) f[t]! *= k;
  return f;
}

/**
 * Whole orders per second from a rate curve: each second gets the step of the
 * rounded running total, so the counts add up to the rounded total exactly.
 * (Flooring would drop the last order whenever float error leaves the running
 * total a hair below a whole number, as it does for dayCurve.)
 */
export function countsPerSecond(curve: Float64Array, scale: number): Uint32Array {
  const out = new Uint32Array(curve.length);
  let total = 0;
  let counted = 0;
  for (let t = 0; t < curve.length; t++) {
    total += curve[t]! * scale;
    const whole = Math.round(total);
    out[t] = whole - counted;
    counted = whole;
  }
  return out;
}
