import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { freshnessOptions } from '../../client/live/freshness.js';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_STALE, freshness, parseStale } from '../../shared/freshness.js';
import { StaleThresholdsSchema } from '../../shared/protocol.js';

const T = { amberMs: 5_000, redMs: 15_000 };

describe('freshness(ageMs, thresholds)', () => {
  it('is fresh below amber, amber from amber, red from red', () => {
    expect(freshness(0, T)).toBe('fresh');
    expect(freshness(4_999, T)).toBe('fresh');
    expect(freshness(5_000, T)).toBe('amber');
    expect(freshness(14_999, T)).toBe('amber');
    expect(freshness(15_000, T)).toBe('red');
    expect(freshness(3_600_000, T)).toBe('red');
  });

  it('follows the thresholds it is given', () => {
    expect(freshness(2_000, { amberMs: 1_000, redMs: 3_000 })).toBe('amber');
    expect(freshness(2_000, { amberMs: 2_500, redMs: 3_000 })).toBe('fresh');
    expect(freshness(2_000, DEFAULT_STALE)).toBe('fresh');
  });
});

describe('parseStale(text)', () => {
  it('reads amber and red seconds', () => {
    expect(parseStale('5,15')).toEqual({ amberMs: 5_000, redMs: 15_000 });
    expect(parseStale(' 1.5 , 3 ')).toEqual({ amberMs: 1_500, redMs: 3_000 });
  });

  it('refuses anything but two positive numbers with amber below red', () => {
    for (const bad of ['', '5', '15,5', '5,5', '0,5', '-1,5', 'a,b', '5,15,20', '5;15']) {
      expect(parseStale(bad), bad).toBeNull();
    }
  });
});

describe('freshnessOptions(search)', () => {
  it('reads ?stale= and ?marks=, ignoring a bad stale', () => {
    expect(freshnessOptions('')).toEqual({ stale: null, marks: false });
    expect(freshnessOptions('?kiosk=1&marks=1&stale=2,4')).toEqual({
      stale: { amberMs: 2_000, redMs: 4_000 },
      marks: true,
    });
    expect(freshnessOptions('?marks=0&stale=9,3')).toEqual({ stale: null, marks: false });
  });
});

describe('STALE_AMBER_SECONDS and STALE_RED_SECONDS', () => {
  it('default to 5 s and 15 s and become the snapshot thresholds in ms', () => {
    const stale = loadConfig({}).stale;
    expect(stale).toEqual(DEFAULT_STALE);
    expect(Value.Check(StaleThresholdsSchema, stale)).toBe(true);
    expect(loadConfig({ STALE_AMBER_SECONDS: '2', STALE_RED_SECONDS: '7' }).stale).toEqual({
      amberMs: 2_000,
      redMs: 7_000,
    });
  });

  it('refuse red at or below amber, and values out of bounds', () => {
    expect(() => loadConfig({ STALE_AMBER_SECONDS: '10', STALE_RED_SECONDS: '10' })).toThrow(
      'STALE_RED_SECONDS must be more than STALE_AMBER_SECONDS',
    );
    expect(() => loadConfig({ STALE_AMBER_SECONDS: '0' })).toThrow(/STALE_AMBER_SECONDS must be an integer/);
    expect(() => loadConfig({ STALE_RED_SECONDS: 'soon' })).toThrow(/STALE_RED_SECONDS must be an integer/);
  });
});
