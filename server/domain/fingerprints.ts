/**
 * A compact set of 64-bit fingerprints of order keys, in typed arrays, so tens of
 * millions of keys cost ~16 bytes each rather than a JS string per key. A hit is
 * only a "maybe": callers confirm hits against the store, so a collision can never
 * drop an order.
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key; returns false when its fingerprint was already present. */
  add(key: string): boolean {
    const [h, l] = fingerprint(key);
    if ((this.count + 1) * 2 > this.hi.length) this.grow();
    return this.insert(h, l);
  }

  /** True when a key with the same fingerprint was added (maybe this key). */
  mayHave(key: string): boolean {
    const [h, l] = fingerprint(key);
    let i = l & this.mask;
    for (;;) {
      const sh = this.hi[i]!;
      const sl = this.lo[i]!;
      if (sh === 0 && sl === 0) return false;
      if (sh === h && sl === l) return true;
      i = (i + 1) & this.mask;
    }
  }

  private insert(h: number, l: number): boolean {
    let i = l & this.mask;
    for (;;) {
      const sh = this.hi[i]!;
      const sl = this.lo[i]!;
      if (sh === 0 && sl === 0) {
        this.hi[i] = h;
        this.lo[i] = l;
        this.count++;
        return true;
      }
      if (sh === h && sl === l) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < hi.length; i++) {
      if (hi[i] !== 0 || lo[i] !== 0) this.insert(hi[i]!, lo[i]!);
    }
  }
}

/** Two independent 32-bit hashes (FNV-1a and a murmur3-style mix) of a string; never (0, 0). */
export function fingerprint(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  a >>>= 0;
  b >>>= 0;
  return a === 0 && b === 0 ? [0, 1] : [a, b];
}

/** The dedup key of an order: order_id and type. */
export function orderKey(orderId: string, type: string): string {
  return type === 'refund' ? `${orderId}\u0000r` : orderId;
}
