/**
 * A compact set of fingerprints of order keys, sized for a whole day (300 M keys in ~2.3 GB).
 * A hit is only a "maybe": callers confirm hits against the store, so a collision can never
 * drop an order.
 *
 * Layout: the top 10 bits of the fingerprint's first half pick one of 1,024 shards; a shard is
 * one Uint16Array of 6-byte slots (a 16-bit tag from the first half, then the 32-bit second half
 * `b`). A slot's home is `b` scaled to the shard's capacity, so homes rise with `b`, and each
 * shard is kept sorted by `b` (ordered linear probing, no wrap-around): a lookup stops at the
 * first larger entry, so a miss costs about as little as a hit even at 70-87.5 % load, and a
 * growth is one sequential merge. Shards grow by 1.25x at a load threshold jittered per shard, so
 * they do not all grow at once: growing is a few milliseconds of one shard, never the whole set.
 *
 * Distinguishing bits: 10 (shard) + 16 (tag) + 32 (b) = 58, so with N keys stored a lookup of an
 * unseen key is a false positive with probability about N / 2^58 (1.0e-9 at N = 300 M: ~0.3
 * expected over 300 M unseen lookups). A false positive costs one store lookup, nothing else.
 */
export class FingerprintSet {
  private readonly tables: Uint16Array[] = [];
  /** Home capacity per shard (slots addressed by `b`); the table has `pad(cap)` slots more. */
  private readonly caps = new Int32Array(SHARDS);
  private readonly counts = new Int32Array(SHARDS);
  /** Entries a shard holds before it grows: cap x its load threshold. */
  private readonly limits = new Int32Array(SHARDS);
  private count = 0;
  private allocated = 0;

  /** `initialCapacity` is a hint: room for that many keys is allocated up front. */
  constructor(initialCapacity = 0) {
    const perShard = Math.ceil(initialCapacity / SHARDS / MIN_LOAD);
    for (let s = 0; s < SHARDS; s++) {
      this.tables.push(EMPTY);
      if (perShard > 0) this.resize(s, perShard);
    }
  }

  /** Keys added (distinct fingerprints). */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    return this.allocated;
  }

  /** Adds the key; returns false when its fingerprint was already present. */
  add(key: string): boolean {
    fingerprintInto(key, scratch, 0);
    return this.addFingerprint(scratch[0]!, scratch[1]!);
  }

  /** True when a key with the same fingerprint was added (maybe this key). */
  mayHave(key: string): boolean {
    fingerprintInto(key, scratch, 0);
    return this.mayHaveFingerprint(scratch[0]!, scratch[1]!);
  }

  /** `add` for a fingerprint computed once (see fingerprintInto, orderFingerprintInto). */
  addFingerprint(a: number, b: number): boolean {
    const s = a >>> (32 - SHARD_BITS);
    const tag = a & 0xffff || 1;
    const bh = b >>> 16;
    const bl = b & 0xffff;
    for (;;) {
      if (this.counts[s]! >= this.limits[s]!) this.grow(s);
      const r = insertSorted(this.tables[s]!, this.caps[s]!, tag, bh, bl);
      if (r === INSERTED) {
        this.counts[s]!++;
        this.count++;
        return true;
      }
      if (r === PRESENT) return false;
      // The last run of the shard reached its end: grow early and try again.
      this.grow(s);
    }
  }

  /** `mayHave` for a fingerprint computed once. */
  mayHaveFingerprint(a: number, b: number): boolean {
    const s = a >>> (32 - SHARD_BITS);
    const tag = a & 0xffff || 1;
    const bh = b >>> 16;
    const bl = b & 0xffff;
    const t = this.tables[s]!;
    const end = t.length;
    for (let k = 3 * home(bh * 0x10000 + bl, this.caps[s]!); k < end; k += 3) {
      const et = t[k]!;
      if (et === 0) return false;
      const eh = t[k + 1]!;
      if (eh > bh) return false;
      if (eh === bh) {
        const el = t[k + 2]!;
        if (el > bl) return false;
        if (el === bl && et === tag) return true;
      }
    }
    return false;
  }

  private grow(s: number): void {
    const cap = this.caps[s]!;
    const need = Math.ceil((this.counts[s]! + 1) / MIN_LOAD);
    this.resize(s, Math.max(need, cap === 0 ? 8 : cap < 1024 ? cap * 2 : Math.ceil(cap * 1.25)));
  }

  /** Rebuilds shard `s` with home capacity `cap` (or more, if its last run would not fit). */
  private resize(s: number, cap: number): void {
    const old = this.tables[s]!;
    for (; ; cap = Math.ceil(cap * 1.25)) {
      const next = new Uint16Array(3 * (cap + pad(cap)));
      if (!mergeInto(old, next, cap)) continue;
      this.allocated += next.byteLength - old.byteLength;
      this.tables[s] = next;
      this.caps[s] = cap;
      this.limits[s] = Math.floor(cap * loadThreshold(s));
      return;
    }
  }
}

const SHARD_BITS = 10;
const SHARDS = 1 << SHARD_BITS;
/** Load thresholds are spread over [MIN_LOAD, MIN_LOAD x 1.25): one growth step. */
const MIN_LOAD = 0.7;
const EMPTY = new Uint16Array(0);
const scratch = new Uint32Array(2);
const INSERTED = 0;
const PRESENT = 1;
const FULL = 2;

/** Slots past the home capacity, so the last run never wraps around (1/256 of the table). */
function pad(cap: number): number {
  return 16 + (cap >>> 8);
}

/** A shard's growth threshold: golden-ratio steps spread the shards evenly over one growth step. */
function loadThreshold(s: number): number {
  const phase = ((s + 1) * 0.6180339887498949) % 1;
  return MIN_LOAD * (1 + 0.25 * phase);
}

/** `b` scaled to [0, cap): monotone in `b`, which keeps every shard sorted. */
function home(b: number, cap: number): number {
  return (b * cap * 2.3283064365386963e-10) | 0;
}

/** Inserts the entry at its place in the sorted shard, moving the rest of its run up one slot. */
function insertSorted(t: Uint16Array, cap: number, tag: number, bh: number, bl: number): number {
  const end = t.length;
  let k = 3 * home(bh * 0x10000 + bl, cap);
  for (; k < end; k += 3) {
    const et = t[k]!;
    if (et === 0) break;
    const eh = t[k + 1]!;
    if (eh > bh) break;
    if (eh === bh) {
      const el = t[k + 2]!;
      if (el > bl) break;
      if (el === bl && et === tag) return PRESENT;
    }
  }
  if (k >= end) return FULL;
  if (t[k] !== 0) {
    let free = k + 3;
    while (free < end && t[free] !== 0) free += 3;
    if (free >= end) return FULL;
    // Runs are short (tens of slots): a plain loop beats copyWithin's call.
    for (let j = free + 2; j >= k + 3; j--) t[j] = t[j - 3]!;
  }
  t[k] = tag;
  t[k + 1] = bh;
  t[k + 2] = bl;
  return INSERTED;
}

/** Copies a sorted shard into an empty table of home capacity `cap`; false if it does not fit. */
function mergeInto(from: Uint16Array, to: Uint16Array, cap: number): boolean {
  let next = 0;
  const end = to.length;
  for (let k = 0; k < from.length; k += 3) {
    const tag = from[k]!;
    if (tag === 0) continue;
    const bh = from[k + 1]!;
    const bl = from[k + 2]!;
    const at = Math.max(3 * home(bh * 0x10000 + bl, cap), next);
    if (at >= end) return false;
    to[at] = tag;
    to[at + 1] = bh;
    to[at + 2] = bl;
    next = at + 3;
  }
  return true;
}

/** Two independent 32-bit hashes (FNV-1a and a murmur-style mix, each finalised by fmix32) of a string. */
export function fingerprint(key: string): [number, number] {
  fingerprintInto(key, scratch, 0);
  return [scratch[0]!, scratch[1]!];
}

/** `fingerprint(key)` written to out[at] and out[at + 1], without allocating. */
export function fingerprintInto(key: string, out: Uint32Array, at: number): void {
  hashInto(key, false, out, at);
}

/** `fingerprint(orderKey(orderId, type))` written to out[at] and out[at + 1], without building the key. */
export function orderFingerprintInto(orderId: string, type: string, out: Uint32Array, at: number): void {
  hashInto(orderId, type === 'refund', out, at);
}

/** The dedup key of an order: order_id and type. */
export function orderKey(orderId: string, type: string): string {
  return type === 'refund' ? `${orderId}${REFUND_SUFFIX}` : orderId;
}

const REFUND_SUFFIX = '\u0000r';

function hashInto(key: string, refund: boolean, out: Uint32Array, at: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  if (refund) {
    for (let i = 0; i < REFUND_SUFFIX.length; i++) {
      const c = REFUND_SUFFIX.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  out[at] = fmix32(a);
  out[at + 1] = fmix32(b ^ (key.length + (refund ? REFUND_SUFFIX.length : 0)));
}

/** murmur3's finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
