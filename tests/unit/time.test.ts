import { describe, expect, it } from 'vitest';
import { formatDuration, parseTimestamp } from '../../shared/time.js';

/** 2015-11-11T00:00:00+08:00, i.e. 2015-11-10T16:00:00Z. */
const GALA_2015_MS = 1_447_171_200_000;

function msOf(value: unknown): number {
  const r = parseTimestamp(value);
  if (!r.ok) throw new Error(`expected ${String(value)} to parse, got ${r.code}`);
  return r.ms;
}

function codeOf(value: unknown): string {
  const r = parseTimestamp(value);
  return r.ok ? 'ok' : r.code;
}

describe('parseTimestamp', () => {
  it('runs in a non-UTC zone, so a zone-dependent parser would show here', () => {
    expect(new Date(GALA_2015_MS).getTimezoneOffset()).not.toBe(0);
  });

  it.each([
    '2015-11-11T00:00:00+08:00',
    '2015-11-10T16:00:00Z',
    '2015-11-10T16:00:00z',
    '2015-11-10t16:00:00Z',
    '2015-11-10 16:00:00Z',
    '2015-11-10T10:30:00-05:30',
    '2015-11-10T16:00:00+00:00',
    '2015-11-10T16:00:00-00:00',
  ])('reads %s as the instant the 2015 gala starts', (text) => {
    expect(msOf(text)).toBe(GALA_2015_MS);
  });

  it('applies an offset that crosses the date line', () => {
    expect(msOf('2015-11-11T23:59:59+14:00')).toBe(Date.parse('2015-11-11T09:59:59Z'));
    expect(msOf('2015-11-10T04:00:00-12:00')).toBe(GALA_2015_MS);
  });

  it.each(['2015-11-11T00:00:00', '2015-11-11', '2015-11-11T00:00:00+0800', '2015-11-11T00:00:00+08'])(
    'rejects %s for lacking a proper offset',
    (text) => {
      expect(codeOf(text)).toBe('GMV_ERR_TS_FORMAT');
    },
  );

  it.each([
    '2015-02-30T00:00:00Z',
    '2015-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2015-04-31T00:00:00Z',
    '2015-13-01T00:00:00Z',
    '2015-00-10T00:00:00Z',
    '2015-11-00T00:00:00Z',
    '2015-11-11T24:00:00Z',
    '2015-11-11T23:60:00Z',
    '2015-12-31T23:59:60Z',
    '2015-11-11T00:00:00+24:00',
    '2015-11-11T00:00:00+08:60',
  ])('rejects %s as not a real date, time or offset', (text) => {
    expect(codeOf(text)).toBe('GMV_ERR_TS_FORMAT');
  });

  it('accepts leap days in leap years', () => {
    expect(msOf('2016-02-29T12:00:00Z')).toBe(1_456_747_200_000);
    expect(msOf('2000-02-29T00:00:00Z')).toBe(951_782_400_000);
  });

  it.each([
    ['.1', 100],
    ['.12', 120],
    ['.123', 123],
    ['.123456', 123],
    ['.999999999', 999],
  ])('keeps fraction %s as %i ms, truncating rather than rounding', (frac, ms) => {
    expect(msOf(`2015-11-11T00:00:00${frac}+08:00`)).toBe(GALA_2015_MS + ms);
  });

  it('rejects a fraction with more than nine digits or none', () => {
    expect(codeOf('2015-11-11T00:00:00.1234567890+08:00')).toBe('GMV_ERR_TS_FORMAT');
    expect(codeOf('2015-11-11T00:00:00.+08:00')).toBe('GMV_ERR_TS_FORMAT');
  });

  it('takes whole epoch milliseconds as they are', () => {
    expect(msOf(GALA_2015_MS)).toBe(GALA_2015_MS);
    expect(msOf(0)).toBe(0);
    expect(msOf(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([-1, 1.5, GALA_2015_MS + 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])(
    'rejects the number %d as not whole, non-negative epoch milliseconds',
    (value) => {
      expect(codeOf(value)).toBe('GMV_ERR_TS_FORMAT');
    },
  );

  it.each([null, undefined, true, {}, [GALA_2015_MS], 1n])('rejects %o as the wrong type', (value) => {
    expect(codeOf(value)).toBe('GMV_ERR_TS_TYPE');
  });

  it('rejects a numeric string instead of reading it as epoch milliseconds', () => {
    expect(codeOf(String(GALA_2015_MS))).toBe('GMV_ERR_TS_FORMAT');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '00:00:00'],
    [59.9, '00:00:59'],
    [60, '00:01:00'],
    [2308, '00:38:28'],
    [3600, '01:00:00'],
    [86_399, '23:59:59'],
    [86_400, '24:00:00'],
    [360_000, '100:00:00'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('shows a negative duration as zero', () => {
    expect(formatDuration(-5)).toBe('00:00:00');
  });
});
