import { FEN_CARRY, addFen, exactFen, nearestFen, type SplitFen } from '../../shared/money.js';
import type { DimensionRow } from './board.js';

/**
 * Running totals of breakdown keys by bucket (a minute, an hour): the sum of any
 * prefix of buckets in O(keys). A replay of a finished day builds them once and
 * seeks with them.
 *
 * Sums are doubles while the rows' grand total stays below 2^53 fen (every prefix is then
 * exact); past that they are split sums (see SplitFen: `hi` x 2^52 + `fen`), so every total
 * stays exact at any size.
 */
export class MinutePrefix {
  private readonly keys: Pick<DimensionRow, 'dimension' | 'key'>[] = [];
  private readonly orders: Float64Array;
  private readonly fen: Float64Array;
  /** The high parts of split sums; null while the grand total is below 2^53 fen. */
  private readonly hi: Float64Array | null;

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
    const total: SplitFen = { hi: 0, fen: 0 };
    for (const r of rows) addFen(total, r.bigFen ?? r.fen);
    this.hi = nearestFen(total) < Number.MAX_SAFE_INTEGER ? null : new Float64Array((minutes + 1) * k);
    const cell: SplitFen = { hi: 0, fen: 0 };
    for (const r of rows) {
      const m = Math.floor((r.minuteMs - fromMs) / bucketMs);
      if (m < 0 || m >= minutes) continue;
      const i = (m + 1) * k + index.get(`${r.dimension}\u0000${r.key}`)!;
      this.orders[i]! += r.orders;
      if (this.hi === null) this.fen[i]! += r.fen;
      else {
        cell.hi = this.hi[i]!;
        cell.fen = this.fen[i]!;
        addFen(cell, r.bigFen ?? r.fen);
        this.hi[i] = cell.hi;
        this.fen[i] = cell.fen;
      }
    }
    for (let m = 1; m <= minutes; m++) {
      for (let j = 0; j < k; j++) {
        const i = m * k + j;
        const p = (m - 1) * k + j;
        this.orders[i]! += this.orders[p]!;
        this.fen[i]! += this.fen[p]!;
        if (this.hi !== null) {
          // Two parts below 2^52: their sum is exact, and one carry brings it back below.
          this.hi[i]! += this.hi[p]!;
          if (this.fen[i]! >= FEN_CARRY) {
            this.fen[i]! -= FEN_CARRY;
            this.hi[i]!++;
          }
        }
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
    const fen = this.fen.subarray(r * k, (r + 1) * k);
    const hi = this.hi?.subarray(r * k, (r + 1) * k);
    return {
      keys: this.keys,
      orders: this.orders.subarray(r * k, (r + 1) * k),
      // Past 2^53 fen in all, the nearest doubles (bounds to rank by, not figures).
      fen: hi ? fen.map((f, j) => hi[j]! * FEN_CARRY + f) : fen,
    };
  }

  /** Totals by key over the first `m` buckets (clamped to the span); keys without sales left out. */
  before(m: number): DimensionRow[] {
    const row = Math.max(0, Math.min(this.minutes, m));
    const k = this.keys.length;
    const out: DimensionRow[] = [];
    for (let j = 0; j < k; j++) {
      const i = row * k + j;
      const orders = this.orders[i]!;
      if (orders <= 0) continue;
      const exact = exactFen({ hi: this.hi?.[i] ?? 0, fen: this.fen[i]! });
      if (typeof exact === 'number') out.push({ ...this.keys[j]!, orders, fen: exact });
      else out.push({ ...this.keys[j]!, orders, fen: Number(exact), bigFen: exact });
    }
    return out;
  }
}
