/**
 * The arcs alive on the map, in one preallocated buffer: adding, ageing and
 * drawing arcs allocates nothing, and the pool can never hold more than its
 * capacity (2013: too many flow lines at the midnight peak; 2014: a leak in the
 * animation forced a refresh on air). An arc that started always finishes its
 * flight: when the pool is full a new arc is refused, never a live one replaced
 * (the map's scale then counts the refused arcs' orders on the drawn ones).
 */
const FIELDS = 11; // x0 y0 cx cy x1 y1 born, then lon0 lat0 lon1 lat1 (to place it again after a resize)

/** Screen position of [lon, lat] into `out`, or false when the projection cannot place it. */
export type Place = (lon: number, lat: number, out: [number, number]) => boolean;

export class ArcPool {
  readonly data: Float64Array;
  private head = 0;
  private count = 0;
  /** Arcs refused because the pool was full (for the budget's stats). */
  refused = 0;

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

  /**
   * Adds an arc from (x0, y0) to (x1, y1) in screen space, bowed upward, starting at `bornMs`;
   * `lon0 .. lat1` are its ends on the globe. False (and nothing changes) when the pool is full.
   */
  add(x0: number, y0: number, x1: number, y1: number, bornMs: number, lon0 = 0, lat0 = 0, lon1 = 0, lat1 = 0): boolean {
    if (this.count === this.capacity) {
      this.refused++;
      return false;
    }
    const o = ((this.head + this.count) % this.capacity) * FIELDS;
    this.count++;
    const d = this.data;
    d[o + 6] = bornMs;
    d[o + 7] = lon0;
    d[o + 8] = lat0;
    d[o + 9] = lon1;
    d[o + 10] = lat1;
    setEnds(d, o, x0, y0, x1, y1);
    return true;
  }

  /** Places every live arc again from its ends on the globe (after a resize), keeping its age. */
  replace(place: Place, dpr: number): void {
    const d = this.data;
    const a: [number, number] = [0, 0];
    const b: [number, number] = [0, 0];
    for (let k = 0; k < this.count; k++) {
      const o = this.offset(k);
      const ok = place(d[o + 7]!, d[o + 8]!, a) && place(d[o + 9]!, d[o + 10]!, b);
      // An end the new projection cannot place: the arc ends now, where it is, rather than flying wrong.
      if (!ok) d[o + 6] = -Infinity;
      else setEnds(d, o, a[0] * dpr, a[1] * dpr, b[0] * dpr, b[1] * dpr);
    }
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

/** Writes the ends and the control point at `o` (in place: hundreds of arcs a second allocate nothing). */
function setEnds(d: Float64Array, o: number, x0: number, y0: number, x1: number, y1: number): void {
  d[o] = x0;
  d[o + 1] = y0;
  d[o + 4] = x1;
  d[o + 5] = y1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  // The chord's midpoint lifted by a share of its length, always upward.
  const flip = len > 0 && -dx / len > 0 ? -1 : 1;
  const lift = len * 0.3;
  d[o + 2] = (x0 + x1) / 2 + (len === 0 ? 0 : (flip * dy * lift) / len);
  d[o + 3] = (y0 + y1) / 2 + (len === 0 ? 0 : (flip * -dx * lift) / len);
}

/** Control point of the quadratic curve: the chord's midpoint lifted by a share of its length, always upward. */
export function control(x0: number, y0: number, x1: number, y1: number): [number, number] {
  const d = new Float64Array(6);
  setEnds(d, 0, x0, y0, x1, y1);
  return [d[2]!, d[3]!];
}
