import type { DimensionRow } from './board.js';

/**
 * Running totals of breakdown keys by bucket (a minute, an hour): the sum of any
 * prefix of buckets in O(keys). A replay of a finished day builds them once and
 * seeks with them.
 */
export class MinutePrefix {
  private readonly keys: Pick<DimensionRow, 'dimension' | 'key'>[] = [];
  private readonly orders: Float64Array;
  private readonly fen: Float64Array;

  /** `rows` are buckets of [fromMs, fromMs + minutes × bucketMs); rows outside are ignored. */
  constructor(
    readonly fromMs: number,
    readonly minutes: number,
    rows: readonly (DimensionRow & { minuteMs: number })[],
    readonly bucketMs = 60_000,
  ) {
    const index = new Map<string, number>();
    for (const r of rows) {
      const id = `${r.dimension}\u0000${r.key}`;
      if (!index.has(id)) {
        index.set(id, this.keys.length);
        this.keys.push({ dimension: r.dimension, key: r.key });
      }
    }
    const k = this.keys.length;
    // Row m holds the sums of minutes [0, m): row 0 is all zeros.
    this.orders = new Float64Array((minutes + 1) * k);
    this.fen = new Float64Array((minutes + 1) * k);
    for (const r of rows) {
      const m = Math.floor((r.minuteMs - fromMs) / bucketMs);
      if (m < 0 || m >= minutes) continue;
      const i = (m + 1) * k + index.get(`${r.dimension}\u0000${r.key}`)!;
      this.orders[i]! += r.orders;
      this.fen[i]! += r.fen;
    }
    for (let m = 1; m <= minutes; m++) {
      for (let j = 0; j < k; j++) {
        this.orders[m * k + j]! += this.orders[(m - 1) * k + j]!;
        this.fen[m * k + j]! += this.fen[(m - 1) * k + j]!;
      }
    }
  }

  /** Every key, and its totals over the first `m` buckets (clamped), as arrays parallel to `keys`. */
  row(m: number): {
    keys: readonly Pick<DimensionRow, 'dimension' | 'key'>[];
    orders: Float64Array;
    fen: Float64Array;
  } {
    const r = Math.max(0, Math.min(this.minutes, m));
    const k = this.keys.length;
    return {
      keys: this.keys,
      orders: this.orders.subarray(r * k, (r + 1) * k),
      fen: this.fen.subarray(r * k, (r + 1) * k),
    };
  }

  /** Totals by key over the first `m` buckets (clamped to the span); keys without sales left out. */
  before(m: number): DimensionRow[] {
    const row = Math.max(0, Math.min(this.minutes, m));
    const k = this.keys.length;
    const out: DimensionRow[] = [];
    for (let j = 0; j < k; j++) {
      const orders = this.orders[row * k + j]!;
      if (orders > 0) out.push({ ...this.keys[j]!, orders, fen: this.fen[row * k + j]! });
    }
    return out;
  }
}
