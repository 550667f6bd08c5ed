import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet, orderKey } from '../../server/domain/fingerprints.js';

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

  it('finds no key that was never added among 200,000 others (64-bit fingerprints)', () => {
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
