import { percentile, round } from './stats.js';

/**
 * The wall-clock math of a run. Show time `t` (seconds since midnight, may be
 * fractional) comes round at wallStart + (t - from) / speed; send-second `s`
 * ends when show time s + 1 comes round.
 */
export class GalaClock {
  constructor(
    readonly wallStartMs: number,
    readonly from: number,
    readonly speed: number,
  ) {}

  /** Wall epoch ms at which show time `t` comes round. */
  wallAt(t: number): number {
    return this.wallStartMs + ((t - this.from) * 1000) / this.speed;
  }

  /** Wall epoch ms at which send-second `s` ends. */
  secondEnd(s: number): number {
    return this.wallAt(s + 1);
  }
}

/**
 * Show time at which a batch is sent: the end of its slice, when an upstream that
 * collects `batchMs` of orders has all of them. The last slice of second s is sent
 * as second s ends, so lag(s) is the server's and the board's part alone.
 */
export function batchSendTime(second: number, slice: number, batchMs: number): number {
  return second + ((slice + 1) * batchMs) / 1000;
}

/** One change of the board's gross, as the board client saw it: [wall epoch ms, orders, gmv fen]. */
export type BoardChange = [atMs: number, orders: number, fen: number];

/** One send-second of the run. */
export interface SecondLag {
  /** Send-second, seconds since midnight. */
  s: number;
  /** Distinct sales sent in this second, and up to its end. */
  sales: number;
  cumSales: number;
  /** Wall ms since the run's start at which the second ended. */
  endMs: number;
  /** First time the board showed at least cumSales, minus the second's end (null: never). */
  lagMs: number | null;
  /** When every batch of this second had been answered 200, minus the second's end (null: some never were). */
  acceptLagMs: number | null;
}

/**
 * lag(s) = first wall time the board's gross orders reached the sales sent up to
 * the end of s, minus the wall time s ended; never below 0 (a second that adds no
 * sale is reached before it ends). `changes` must be in receive order.
 */
export function secondLags(
  clock: GalaClock,
  seconds: readonly { s: number; sales: number; cumSales: number }[],
  changes: readonly BoardChange[],
  baseline: number,
  answeredAt: ReadonlyMap<number, number | null>,
): SecondLag[] {
  // Running maximum: the first change at or past a count is found by binary search.
  const at: number[] = [];
  const most: number[] = [];
  for (const [ms, orders] of changes) {
    const prev = most.length ? most[most.length - 1]! : -Infinity;
    if (orders > prev) {
      at.push(ms);
      most.push(orders);
    }
  }
  const firstReach = (n: number): number | null => {
    let lo = 0;
    let hi = most.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (most[mid]! >= n) hi = mid;
      else lo = mid + 1;
    }
    return lo < most.length ? at[lo]! : null;
  };
  return seconds.map(({ s, sales, cumSales }) => {
    const end = clock.secondEnd(s);
    const reached = firstReach(baseline + cumSales);
    const answered = answeredAt.get(s);
    return {
      s,
      sales,
      cumSales,
      endMs: Math.round(end - clock.wallStartMs),
      lagMs: reached === null ? null : Math.max(0, Math.round(reached - end)),
      acceptLagMs: answered == null ? null : Math.max(0, Math.round(answered - end)),
    };
  });
}

/** p50/p90/p99/max of per-second values, and how many seconds have none. */
export interface SecondQuantiles {
  seconds: number;
  missing: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function secondQuantiles(values: readonly (number | null)[]): SecondQuantiles {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return {
    seconds: values.length,
    missing: values.length - v.length,
    p50: round(percentile(v, 50)),
    p90: round(percentile(v, 90)),
    p99: round(percentile(v, 99)),
    max: round(v.length ? v[v.length - 1]! : NaN),
  };
}
