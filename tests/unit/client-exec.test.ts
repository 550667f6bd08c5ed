import { decimalToFen } from '../../shared/money.js';
import { describe, expect, it } from 'vitest';
import { projectionBand } from '../../client/app/exec/band.js';
import { milestoneKey, newlyCrossed } from '../../client/app/exec/notify.js';
import type { FenMilestone, FenPoint } from '../../client/live/decode.js';

/** Last year: 100 fen every second of a 24-hour day, i.e. 6,000 fen a minute. */
const LAST_YEAR_MINUTES = Array.from({ length: 1440 }, () => 6000);
const LAST_YEAR_TOTAL = 1440 * 6000;

/** This year: 200 fen/s for the first 30 minutes, then 100 fen/s, for `seconds` seconds. */
function thisYear(seconds: number): FenPoint[] {
  return Array.from({ length: seconds }, (_, s) => [s, 1, s < 1800 ? 200 : 100] as FenPoint);
}

describe('projectionBand(input)', () => {
  // At the end of minute m this year has 12,000·m fen (m ≤ 30) or 360,000 + 6,000·(m − 30),
  // last year 6,000·m: the ratio is 2 up to minute 30, then 1 + 30/m.
  const ratio = (m: number) => (m <= 30 ? 2 : 1 + 30 / m);

  it('centres on the ratio now and spans the ratio over the last hour', () => {
    const p = projectionBand({
      series: thisYear(3600),
      lastYearMinuteFen: LAST_YEAR_MINUTES,
      lastYearTotalFen: LAST_YEAR_TOTAL,
      elapsedSec: 3600,
      projectedFen: null,
    });
    expect(p).toEqual({
      centerFen: Math.round(LAST_YEAR_TOTAL * ratio(60)),
      lowFen: Math.round(LAST_YEAR_TOTAL * ratio(60)),
      highFen: Math.round(LAST_YEAR_TOTAL * ratio(1)),
      samples: 60,
    });
    expect(p!.centerFen).toBe(12_960_000);
  });

  it('looks back only over its window, and only at completed minutes', () => {
    const p = projectionBand({
      series: thisYear(3630),
      lastYearMinuteFen: LAST_YEAR_MINUTES,
      lastYearTotalFen: LAST_YEAR_TOTAL,
      elapsedSec: 3630,
      projectedFen: null,
      windowMinutes: 10,
    });
    expect(p).toEqual({
      centerFen: Math.round(LAST_YEAR_TOTAL * ratio(60)),
      lowFen: Math.round(LAST_YEAR_TOTAL * ratio(60)),
      highFen: Math.round(LAST_YEAR_TOTAL * ratio(51)),
      samples: 10,
    });
  });

  it("takes the server's projection as the centre and widens the band to hold it", () => {
    const p = projectionBand({
      series: thisYear(3600),
      lastYearMinuteFen: LAST_YEAR_MINUTES,
      lastYearTotalFen: LAST_YEAR_TOTAL,
      elapsedSec: 3600,
      projectedFen: 20_000_000,
    });
    expect(p).toEqual({ centerFen: 20_000_000, lowFen: 12_960_000, highFen: 20_000_000, samples: 60 });
  });

  it('skips empty seconds and minutes last year had nothing in', () => {
    const minutes = LAST_YEAR_MINUTES.slice();
    minutes[0] = 0;
    // Only every other second sold (200 fen each): 6,000 fen a minute, like last year.
    const series = Array.from({ length: 300 }, (_, i) => [i * 2, 1, 200] as FenPoint);
    const p = projectionBand({
      series,
      lastYearMinuteFen: minutes,
      lastYearTotalFen: LAST_YEAR_TOTAL - 6000,
      elapsedSec: 600,
      projectedFen: null,
    });
    // Minute m: this year 6,000·m, last year 6,000·(m − 1); minute 1 has no ratio.
    const total = LAST_YEAR_TOTAL - 6000;
    expect(p).toEqual({
      centerFen: Math.round(total * (10 / 9)),
      lowFen: Math.round(total * (10 / 9)),
      highFen: Math.round(total * 2),
      samples: 9,
    });
  });

  it('has no projection before a minute is complete unless the server gives one, nor without last year', () => {
    const input = {
      series: thisYear(59),
      lastYearMinuteFen: LAST_YEAR_MINUTES,
      lastYearTotalFen: LAST_YEAR_TOTAL,
      elapsedSec: 59,
      projectedFen: null,
    };
    expect(projectionBand(input)).toBeNull();
    expect(projectionBand({ ...input, projectedFen: 9_000_000 })).toEqual({
      centerFen: 9_000_000,
      lowFen: 9_000_000,
      highFen: 9_000_000,
      samples: 0,
    });
    expect(projectionBand({ ...input, elapsedSec: 3600, lastYearTotalFen: 0 })).toBeNull();
    expect(projectionBand({ ...input, elapsedSec: -5, projectedFen: 1 })).toBeNull();
  });
});

describe('newlyCrossed(seen, milestones)', () => {
  const m = (amount: string, crossedAtMs: number | null, kind: FenMilestone['kind'] = 'threshold'): FenMilestone => ({
    fen: decimalToFen(amount),
    kind,
    crossedAtMs,
    predictedAtMs: null,
  });

  it('takes stock on the first message without announcing anything', () => {
    const r = newlyCrossed(null, [m('100.00', 5), m('1000.00', null)]);
    expect(r.fresh).toEqual([]);
    expect([...r.seen]).toEqual([milestoneKey(m('100.00', 5))]);
  });

  it('announces each milestone once, when it is first seen crossed', () => {
    let seen = newlyCrossed(null, [m('100.00', 5), m('1000.00', null), m('500.00', null, 'last-year')]).seen;
    const second = newlyCrossed(seen, [m('100.00', 5), m('1000.00', 90), m('500.00', 70, 'last-year')]);
    expect(second.fresh.map((x) => `${x.kind}:${x.fen}`)).toEqual(['threshold:100000', 'last-year:50000']);
    seen = second.seen;
    expect(newlyCrossed(seen, [m('100.00', 5), m('1000.00', 90), m('500.00', 70, 'last-year')]).fresh).toEqual([]);
  });
});
