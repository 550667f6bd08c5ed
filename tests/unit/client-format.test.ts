import { describe, expect, it } from 'vitest';
import { formatAge } from '../../client/format/age.js';
import { textEm } from '../../client/format/fit.js';
import {
  cnyToUsdFen,
  formatCny,
  formatCount,
  formatPerSec,
  formatUsd,
  groupDigits,
} from '../../client/format/number.js';

describe('number formatting', () => {
  it('formatCny groups thousands and keeps two decimals', () => {
    expect(formatCny(5_710_000_000_000)).toBe('¥57,100,000,000.00');
    expect(formatCny(0)).toBe('¥0.00');
    expect(formatCny(5)).toBe('¥0.05');
    expect(formatCny(123_456_789)).toBe('¥1,234,567.89');
    expect(formatCny(99_999)).toBe('¥999.99');
    expect(formatCny(100_000)).toBe('¥1,000.00');
  });

  it('formatCny puts the sign before the symbol', () => {
    expect(formatCny(-123_450)).toBe('-¥1,234.50');
  });

  it('groupDigits leaves short runs alone', () => {
    expect(groupDigits('1')).toBe('1');
    expect(groupDigits('123')).toBe('123');
    expect(groupDigits('1234')).toBe('1,234');
    expect(groupDigits('9007199254740991')).toBe('9,007,199,254,740,991');
  });

  it('cnyToUsdFen converts with integer math and rounds half up', () => {
    expect(cnyToUsdFen(63_643, '6.3643')).toBe(10_000);
    // 57,100,000,000.00 / 6.3643 = 8,971,921,499.615...
    expect(cnyToUsdFen(5_710_000_000_000, '6.3643')).toBe(897_192_149_962);
    expect(cnyToUsdFen(1, '2')).toBe(1); // 0.5 fen rounds up
    expect(cnyToUsdFen(1, '3')).toBe(0);
  });

  it('cnyToUsdFen gives null without a usable rate instead of throwing', () => {
    expect(cnyToUsdFen(100, null)).toBeNull();
    expect(cnyToUsdFen(100, 'abc')).toBeNull();
    expect(cnyToUsdFen(100, '0')).toBeNull();
  });

  it('formatUsd marks the amount as US dollars', () => {
    expect(formatUsd(897_192_149_962)).toBe('US$8,971,921,499.62');
  });

  it('formatCount groups whole numbers', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('formatPerSec shows a decimal only while the rate is small', () => {
    expect(formatPerSec(3.14159)).toBe('3.1');
    expect(formatPerSec(12_345.6)).toBe('12,346');
    expect(formatPerSec(Number.NaN)).toBe('0');
  });

  it('formatAge reads seconds, then a clock', () => {
    expect(formatAge(420)).toBe('0.4 s');
    expect(formatAge(-5)).toBe('0.0 s');
    expect(formatAge(12_900)).toBe('12 s');
    expect(formatAge(185_000)).toBe('00:03:05');
  });
});

describe('textEm (a tile figure sized to fit)', () => {
  it('counts digits and Latin 0.7 em, separators 0.38, CJK and % a full em', () => {
    expect(textEm('0')).toBe(0.7);
    expect(textEm('278,000,000')).toBeCloseTo(9 * 0.7 + 2 * 0.38, 9);
    expect(textEm('¥2.83万')).toBeCloseTo(4 * 0.7 + 0.38 + 1, 9);
    expect(textEm('00:01:12')).toBeCloseTo(6 * 0.7 + 2 * 0.38, 9);
    expect(textEm('+35.2%')).toBeCloseTo(4 * 0.7 + 0.38 + 1, 9);
    expect(textEm('')).toBe(0);
  });

  it('grows with the figure: a day total is wider than an opening one', () => {
    expect(textEm('278,000,000')).toBeGreaterThan(textEm('6,979') * 2);
  });
});
