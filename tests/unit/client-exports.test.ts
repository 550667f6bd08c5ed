import { describe, expect, it } from 'vitest';
import { exportStep, exportUrl } from '../../client/app/Exports.js';

const START = Date.UTC(2014, 10, 10, 16, 0, 0);

describe('exportStep(fromMs, toMs)', () => {
  it('picks the finest step whose rows fit in one export (100,000)', () => {
    expect(exportStep(START, START + 86_400_000)).toBe('1s');
    expect(exportStep(START, START + 100_001_000)).toBe('1m');
    expect(exportStep(START, START + 6_000_001_000)).toBe('1h');
  });
});

describe('exportUrl(what, format, search)', () => {
  it('asks for the series of the range in whole seconds, the second in view included', () => {
    const url = exportUrl({ show: '2014', fromMs: START, toMs: START + 2_308_400, dimension: null }, 'csv', '');
    const q = new URL(url!, 'http://x').searchParams;
    expect(url!.startsWith('/api/v1/export.csv?')).toBe(true);
    expect(Object.fromEntries(q)).toEqual({
      show: '2014',
      from: '2014-11-10T16:00:00.000Z',
      to: '2014-11-10T16:38:29.000Z',
      step: '1s',
    });
  });

  it('asks for a breakdown by dimension, and carries the page’s viewer token (a download has no header)', () => {
    const url = exportUrl(
      { show: '2015', fromMs: START, toMs: START + 5000, dimension: 'merchant' },
      'parquet',
      '?token=abc&kiosk=1',
    );
    const q = new URL(url!, 'http://x').searchParams;
    expect(url!.startsWith('/api/v1/export.parquet?')).toBe(true);
    expect([q.get('kind'), q.get('dimension'), q.get('token'), q.get('step')]).toEqual([
      'breakdown',
      'merchant',
      'abc',
      null,
    ]);
  });

  it('offers nothing before a whole second of the show has passed', () => {
    expect(exportUrl({ show: '2015', fromMs: START, toMs: START, dimension: null }, 'csv', '')).toBeNull();
    expect(exportUrl({ show: '2015', fromMs: START, toMs: START - 5000, dimension: null }, 'csv', '')).toBeNull();
  });
});
