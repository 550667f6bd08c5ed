import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ORDER_FEN,
  RATE_SCALE,
  convertFen,
  decimalToFen,
  formatFen,
  parseAmount,
  parseRate,
} from '../../shared/money.js';

function codeOf(value: unknown): string {
  const r = parseAmount(value);
  return r.ok ? 'ok' : r.code;
}

/** Reference: the exact quotient fen * rate / 1e6, rounded half away from zero, in BigInt. */
function referenceConvert(fen: bigint, rate: bigint): bigint {
  const p = fen * rate;
  const abs = p < 0n ? -p : p;
  const q = (abs + 500_000n) / 1_000_000n;
  return p < 0n ? -q : q;
}

describe('parseAmount', () => {
  it.each([
    ['1', 100],
    ['0.01', 1],
    ['12.3', 1230],
    ['12.34', 1234],
    ['007.50', 750],
    ['10000000', MAX_ORDER_FEN],
    ['10000000.00', MAX_ORDER_FEN],
  ])('reads the decimal string %j as %i fen', (text, fen) => {
    expect(parseAmount(text)).toEqual({ ok: true, fen });
  });

  it.each([
    [12.34, 1234],
    [0.1, 10],
    [199, 19_900],
    [1e3, 100_000],
    [10_000_000, MAX_ORDER_FEN],
  ])('reads the JSON number %d as %i fen', (value, fen) => {
    expect(parseAmount(value)).toEqual({ ok: true, fen });
  });

  it('reads every in-range amount exactly, as a string and as a number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_ORDER_FEN }), (fen) => {
        expect(parseAmount(formatFen(fen))).toEqual({ ok: true, fen });
        expect(parseAmount(fen / 100)).toEqual({ ok: true, fen });
      }),
    );
  });

  it.each([0, '0', '0.00', -0, '-0', -1, '-1', '-0.01', -12.5])('rejects %j as not greater than zero', (value) => {
    expect(codeOf(value)).toBe('GMV_ERR_AMOUNT_RANGE');
  });

  it.each(['10000000.01', 10_000_000.01, '100000000', '99999999999999999', '1234567890123456.5', 1e16, 1e21, 1e300])(
    'rejects %j as above 10,000,000.00',
    (value) => {
      expect(codeOf(value)).toBe('GMV_ERR_AMOUNT_RANGE');
    },
  );

  it('rejects every whole number above the maximum as out of range, whatever its notation', () => {
    const huge = fc.oneof(
      fc.integer({ min: 10_000_001, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 1e16, max: Number.MAX_VALUE, noNaN: true }),
    );
    fc.assert(
      fc.property(huge, (value) => {
        expect(codeOf(value)).toBe('GMV_ERR_AMOUNT_RANGE');
      }),
    );
  });

  it.each(['1.234', '0.001', 1.005, 0.1 + 0.2, 1e-7])('rejects %j for having more than two decimals', (value) => {
    expect(codeOf(value)).toBe('GMV_ERR_AMOUNT_PRECISION');
  });

  it.each(['1e3', ' 1', '1 ', '1.', '.5', '+1', '1,000', '', '12.3.4', 'abc', '0x10'])(
    'rejects the string %j as badly formatted',
    (value) => {
      expect(codeOf(value)).toBe('GMV_ERR_AMOUNT_FORMAT');
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects the non-finite number %d', (v) => {
    expect(codeOf(v)).toBe('GMV_ERR_AMOUNT_FORMAT');
  });

  it.each([true, false, null, undefined, {}, { amount: '1' }, ['1'], 100n])('rejects %o as the wrong type', (value) => {
    const r = parseAmount(value);
    expect(r).toMatchObject({ ok: false, code: 'GMV_ERR_AMOUNT_TYPE' });
    expect(r.ok ? '' : r.message).toMatch(/decimal string or a JSON number/);
  });
});

describe('formatFen', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [50, '0.50'],
    [199_00, '199.00'],
    [5_710_000_000_000, '57100000000.00'],
    [-123_450, '-1234.50'],
    [-5, '-0.05'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('formats %i fen as %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });
});

describe('decimalToFen', () => {
  it.each([
    ['123.45', 12_345],
    ['123.4', 12_340],
    ['123', 12_300],
    ['-0.01', -1],
    ['-57100000000.00', -5_710_000_000_000],
    [' 5.00 ', 500],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('reads %j as %i fen', (text, fen) => {
    expect(decimalToFen(text)).toBe(fen);
  });

  it.each(['1.234', 'abc', '', '1e3', '1.', '--1', '90071992547409.92'])('throws on %j', (text) => {
    expect(() => decimalToFen(text)).toThrow();
  });

  it('reads back whatever formatFen wrote, across the safe-integer range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(decimalToFen(formatFen(fen))).toBe(fen);
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    ['1', RATE_SCALE],
    ['6.3643', 6_364_300],
    ['0.051722', 51_722],
    ['0.000001', 1],
    ['999999.999999', 999_999_999_999],
  ])('reads %j as %i micro-units', (text, micro) => {
    expect(parseRate(text)).toBe(micro);
  });

  it.each(['0', '0.000000', '-1', '1.1234567', '1e3', '', ' 1', '1234567', 'abc'])('throws on %j', (text) => {
    expect(() => parseRate(text)).toThrow();
  });
});

describe('convertFen', () => {
  it('leaves CNY amounts (rate 1) untouched', () => {
    expect(convertFen(123_456_789, RATE_SCALE)).toBe(123_456_789);
  });

  it('converts 100.00 USD at 6.3643 into 636.43 CNY', () => {
    expect(convertFen(10_000, 6_364_300)).toBe(63_643);
  });

  it('rounds half away from zero, not to even', () => {
    expect(convertFen(1, 500_000)).toBe(1); // 0.5
    expect(convertFen(3, 500_000)).toBe(2); // 1.5
    expect(convertFen(5, 500_000)).toBe(3); // 2.5
    expect(convertFen(1, 499_999)).toBe(0);
    expect(convertFen(-1, 500_000)).toBe(-1);
    expect(convertFen(-5, 500_000)).toBe(-3);
    expect(convertFen(-17, 100_000)).toBe(-2); // -1.7
  });

  it('stays exact when the product leaves the safe-integer range', () => {
    // 999,999,999 * 123,456.5 = 123,456,499,876,543.5 exactly: a float product cannot hold it.
    expect(convertFen(999_999_999, 123_456_500_000)).toBe(123_456_499_876_544);
    expect(convertFen(999_999_999, 123_456_499_999)).toBe(123_456_499_875_544); // .500001
    expect(convertFen(999_999_999, 123_456_500_001)).toBe(123_456_499_877_543); // .499999
    expect(convertFen(987_654_321, 999_999_999_999)).toBe(987_654_320_999_012);
    expect(convertFen(-999_999_999, 123_456_500_001)).toBe(-123_456_499_877_543);
  });

  it('matches a BigInt reference for small and huge products of either sign', () => {
    const fen = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: 1, max: MAX_ORDER_FEN }),
      fc.integer({ min: -MAX_ORDER_FEN, max: -1 }),
    );
    const rate = fc.oneof(fc.integer({ min: 1, max: 20 * RATE_SCALE }), fc.integer({ min: 1, max: 999_999_999_999 }));
    fc.assert(
      fc.property(fen, rate, (f, r) => {
        expect(convertFen(f, r)).toBe(Number(referenceConvert(BigInt(f), BigInt(r))));
      }),
      { numRuns: 2000 },
    );
  });
});
