import { describe, expect, it } from 'vitest';
import { alertText, bandLayout } from '../../client/director/FeedWatch.js';

describe('the feed watch panel', () => {
  it('bandLayout places the band and the rate on one scale, with room past the larger', () => {
    expect(bandLayout({ ordersPerSec: 10, low: 8, high: 12 })).toEqual({ low: 53.3, high: 80, value: 66.7 });
    // A rate far above the band stays on the scale.
    expect(bandLayout({ ordersPerSec: 40, low: 8, high: 12 }).value).toBe(80);
    expect(bandLayout({ ordersPerSec: 0, low: 0, high: 0 })).toEqual({ low: 0, high: 0, value: 0 });
  });

  it('alertText says each figure against its threshold', () => {
    const since = '2026-12-03T21:00:00.000Z';
    expect(alertText({ kind: 'clock-skew', subject: 's', value: 139_250, threshold: 60_000, since }, 10, 60)).toBe(
      'arrival − event time 139.3 s (limit ±60 s)',
    );
    expect(
      alertText(
        { kind: 'silent-dimension', subject: 'channel:pc', value: 0, threshold: 30, lastYear: 412, since },
        10,
        60,
      ),
    ).toBe('0 orders in 60 s; last year 412 (from 30)');
    expect(
      alertText(
        { kind: 'rate-band', subject: 'all', value: 3, threshold: 8, band: { low: 8, high: 12 }, since },
        10,
        60,
      ),
    ).toBe('3/s; band 8–12');
  });
});
