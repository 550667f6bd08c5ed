import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FingerprintSet,
  fingerprint,
  fingerprintInto,
  orderFingerprintInto,
  orderKey,
} from '../../server/domain/fingerprints.js';

const orderId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const orderType = fc.constantFrom('sale', 'refund');

describe('FingerprintSet', () => {
  it('starts empty', () => {
    const set = new FingerprintSet();
    expect(set.size).toBe(0);
    expect(set.mayHave('2015-0-0')).toBe(false);
    expect(set.mayHave('')).toBe(false);
  });

  it('adds a key once: the second add reports it as already present', () => {
    const set = new FingerprintSet();
    expect(set.add('2015-a-1')).toBe(true);
    expect(set.add('2015-a-1')).toBe(false);
    expect(set.size).toBe(1);
    expect(set.mayHave('2015-a-1')).toBe(true);
  });

  it('tells apart keys that differ by one character, case or non-ASCII letter', () => {
    const set = new FingerprintSet();
    for (const key of ['o-1', 'o-2', 'O-1', 'o-1 ', 'é', 'e', '']) expect(set.add(key)).toBe(true);
    expect(set.size).toBe(7);
  });

  it('keeps every key through growth from a tiny table to 200,000 keys', () => {
    const key = (i: number): string => `2015-${i.toString(36)}-${i % 7}`;
    const set = new FingerprintSet(1);
    const n = 200_000;
    let collided = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      if (!set.add(key(i))) collided++;
      // Right after each doubling, probe a spread of keys added long before.
      if ((i & (i - 1)) === 0) {
        for (let j = 0; j <= i; j += Math.max(1, i >> 6)) if (!set.mayHave(key(j))) lost++;
      }
    }
    expect(collided).toBe(0);
    expect(lost).toBe(0);
    expect(set.size).toBe(n);
    let missing = 0;
    let addedAgain = 0;
    for (let i = 0; i < n; i++) {
      if (!set.mayHave(key(i))) missing++;
      if (set.add(key(i))) addedAgain++;
    }
    expect(missing).toBe(0);
    expect(addedAgain).toBe(0);
    expect(set.size).toBe(n);
  });

  it('finds no key that was never added among 200,000 others (58 distinguishing bits)', () => {
    const set = new FingerprintSet();
    for (let i = 0; i < 200_000; i++) set.add(`sale-${i}`);
    let hits = 0;
    for (let i = 0; i < 200_000; i++) if (set.mayHave(`other-${i}`)) hits++;
    expect(hits).toBe(0);
  });

  it('never forgets a key, for any set of keys and any starting capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 300 }), fc.nat(64), (keys, capacity) => {
        const set = new FingerprintSet(capacity);
        for (const k of keys) set.add(k);
        for (const k of keys) expect(set.mayHave(k)).toBe(true);
        expect(set.size).toBe(new Set(keys).size);
      }),
    );
  });
  it('keeps every key of a million, added in commit-sized batches while the shards grow at different times', () => {
    const set = new FingerprintSet();
    const fp = new Uint32Array(2 * 50_000);
    const n = 1_000_000;
    let collided = 0;
    let lost = 0;
    for (let from = 0; from < n; from += 50_000) {
      for (let i = 0; i < 50_000; i++) fingerprintInto(`2014-${(from + i).toString(36)}`, fp, 2 * i);
      for (let i = 0; i < 50_000; i++) if (!set.addFingerprint(fp[2 * i]!, fp[2 * i + 1]!)) collided++;
      // Everything added so far is still there, including keys added before any growth.
      for (let j = 0; j < from + 50_000; j += 997) if (!set.mayHave(`2014-${j.toString(36)}`)) lost++;
    }
    expect(collided).toBe(0);
    expect(lost).toBe(0);
    expect(set.size).toBe(n);
    let missing = 0;
    for (let i = 0; i < n; i++) if (!set.mayHave(`2014-${i.toString(36)}`)) missing++;
    expect(missing).toBe(0);
  });

  it('never forgets a fingerprint, however they crowd one shard, share a second half or fill a shard to its end', () => {
    // Few distinct shard bits, tags and halves: equal `b` with different tags, long runs and runs
    // that reach the end of a shard (b near 2^32) all happen.
    const a = fc.oneof(fc.constantFrom(0, 1, 0x10000, 0xffc00000, 0xffffffff), fc.nat({ max: 0xffffffff }));
    const b = fc.oneof(
      fc.constantFrom(0, 1, 0xffff, 0x10000, 0xfffffffe, 0xffffffff),
      fc.integer({ min: 0xfffff000, max: 0xffffffff }),
      fc.nat({ max: 0xffffffff }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(a, b), { maxLength: 2000 }), (fps) => {
        const set = new FingerprintSet();
        const seen = new Set<string>();
        for (const [x, y] of fps) {
          // Tag 0 is stored as 1, so (0x...0000, b) and (0x...0001, b) are one fingerprint.
          const id = `${x >>> 22}:${x & 0xffff || 1}:${y}`;
          expect(set.addFingerprint(x, y)).toBe(!seen.has(id));
          seen.add(id);
        }
        for (const [x, y] of fps) expect(set.mayHaveFingerprint(x, y)).toBe(true);
        expect(set.size).toBe(seen.size);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps apart fingerprints that differ only in their shard, their tag or their second half', () => {
    const set = new FingerprintSet();
    expect(set.addFingerprint(0x00400005, 77)).toBe(true);
    expect(set.mayHaveFingerprint(0x00800005, 77)).toBe(false);
    expect(set.mayHaveFingerprint(0x00400006, 77)).toBe(false);
    expect(set.mayHaveFingerprint(0x00400005, 78)).toBe(false);
    expect(set.addFingerprint(0x00400006, 77)).toBe(true);
    expect(set.mayHaveFingerprint(0x00400005, 77)).toBe(true);
    expect(set.mayHaveFingerprint(0x00400006, 77)).toBe(true);
    expect(set.size).toBe(2);
  });

  it('reports the bytes its tables hold, growing with the keys', () => {
    const set = new FingerprintSet();
    expect(set.bytes).toBe(0);
    for (let i = 0; i < 100_000; i++) set.add(`k-${i}`);
    // 6-byte slots at 70-87.5 % load, plus small shards rounding up.
    expect(set.bytes).toBeGreaterThan(6 * 100_000);
    expect(set.bytes).toBeLessThan(16 * 100_000);
  });

  it('allocates room for the initial capacity up front', () => {
    expect(new FingerprintSet(1_000_000).bytes).toBeGreaterThan(6 * 1_000_000);
  });
});

describe('fingerprint', () => {
  it('is a pair of unsigned 32-bit numbers, the same for the same key', () => {
    const [a, b] = fingerprint('2015-a-1');
    expect(fingerprint('2015-a-1')).toEqual([a, b]);
    for (const h of [a, b]) expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    const out = new Uint32Array(4);
    fingerprintInto('2015-a-1', out, 2);
    expect([out[2], out[3]]).toEqual([a, b]);
  });

  it('of an order is the fingerprint of its orderKey, hashed without building the key', () => {
    fc.assert(
      fc.property(orderId, orderType, (id, type) => {
        const out = new Uint32Array(2);
        orderFingerprintInto(id, type, out, 0);
        expect([out[0], out[1]]).toEqual(fingerprint(orderKey(id, type)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('orderKey', () => {
  it('keeps the sale and the refund of one order apart', () => {
    const set = new FingerprintSet();
    expect(set.add(orderKey('2015-1-a', 'sale'))).toBe(true);
    expect(set.add(orderKey('2015-1-a', 'refund'))).toBe(true);
    expect(set.add(orderKey('2015-1-a', 'sale'))).toBe(false);
    expect(set.add(orderKey('2015-1-a', 'refund'))).toBe(false);
    expect(set.size).toBe(2);
  });

  it('is equal for two orders exactly when id and type are both equal', () => {
    fc.assert(
      fc.property(orderId, orderId, fc.boolean(), orderType, orderType, (a, other, sameId, ta, tb) => {
        const b = sameId ? a : other;
        expect(orderKey(a, ta) === orderKey(b, tb)).toBe(a === b && ta === tb);
      }),
      { numRuns: 500 },
    );
  });

  it('does not let a refund collide with a sale whose id looks like a suffixed refund', () => {
    for (const suffix of ['r', ':r', '-refund', '.r', '_r']) {
      expect(orderKey(`o-1${suffix}`, 'sale')).not.toBe(orderKey('o-1', 'refund'));
    }
  });
});
