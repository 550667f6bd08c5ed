/**
 * The arcs alive on the map, in one preallocated buffer: adding, ageing and
 * drawing arcs allocates nothing, and the pool can never hold more than its
 * capacity (2013: too many flow lines at the midnight peak; 2014: a leak in the
 * animation forced a refresh on air). When full, a new arc replaces the oldest.
 */
const FIELDS = 7; // x0 y0 cx cy x1 y1 born

export class ArcPool {
  readonly data: Float64Array;
  private head = 0;
  private count = 0;
  /** Arcs that replaced a live one because the pool was full (for the budget's stats). */
  replaced = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0 && Number.isInteger(capacity))) throw new Error('capacity must be a positive integer');
    this.data = new Float64Array(capacity * FIELDS);
  }

  get size(): number {
    return this.count;
  }

  /** Offset into `data` of the k-th live arc, oldest first. */
  offset(k: number): number {
    return ((this.head + k) % this.capacity) * FIELDS;
  }

  /** Adds an arc from (x0, y0) to (x1, y1) in screen space, bowed upward, starting at `bornMs`. */
  add(x0: number, y0: number, x1: number, y1: number, bornMs: number): void {
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.head + this.count) % this.capacity;
      this.count++;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % this.capacity;
      this.replaced++;
    }
    const [cx, cy] = control(x0, y0, x1, y1);
    const o = slot * FIELDS;
    const d = this.data;
    d[o] = x0;
    d[o + 1] = y0;
    d[o + 2] = cx;
    d[o + 3] = cy;
    d[o + 4] = x1;
    d[o + 5] = y1;
    d[o + 6] = bornMs;
  }

  /** Drops arcs from the oldest end whose life (`lifeMs` after birth) is over. */
  prune(nowMs: number, lifeMs: number): void {
    while (this.count > 0 && this.data[this.head * FIELDS + 6]! + lifeMs <= nowMs) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

/** Control point of the quadratic curve: the chord's midpoint lifted by a share of its length, always upward. */
export function control(x0: number, y0: number, x1: number, y1: number): [number, number] {
  const mx = (x0 + x1) / 2;
  const my = (y0 + y1) / 2;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  if (len === 0) return [mx, my];
  let nx = dy / len;
  let ny = -dx / len;
  if (ny > 0) {
    nx = -nx;
    ny = -ny;
  }
  const lift = len * 0.3;
  return [mx + nx * lift, my + ny * lift];
}
