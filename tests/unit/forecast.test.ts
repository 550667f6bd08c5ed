import { describe, expect, it } from 'vitest';
import {
  cumulate,
  curveAt,
  etaWithin,
  forecast,
  linearForecast,
  secondReaching,
  type ForecastInput,
} from '../../shared/forecast.js';
import { execCurves } from '../../client/app/exec/curves.js';

const DAY = 86_400;
/** Last year: 100 fen every second of a 24-hour day, sampled per minute (6,000 fen a minute). */
const LAST_YEAR = cumulate(
  Array.from({ length: 1440 }, () => 6000),
  60,
);
const LAST_YEAR_DAY = 8_640_000;

/** This year at twice last year's pace for `seconds` seconds, per minute. */
function twice(seconds: number) {
  return cumulate(
    Array.from({ length: Math.floor(seconds / 60) }, () => 12_000),
    60,
  );
}

function input(over: Partial<ForecastInput> = {}): ForecastInput {
  return {
    lastYear: LAST_YEAR,
    thisYear: twice(3600),
    nowSec: 3600,
    soFarFen: 200 * 3600,
    daySec: DAY,
    milestones: [],
    ...over,
  };
}

describe('curveAt(curve, sec) and secondReaching(curve, scale, amount, from, to)', () => {
  it('interpolates within a step and holds the total past the end', () => {
    expect(curveAt(LAST_YEAR, 0)).toBe(0);
    expect(curveAt(LAST_YEAR, 90)).toBe(9000);
    expect(curveAt(LAST_YEAR, DAY + 500)).toBe(LAST_YEAR_DAY);
    expect(curveAt(cumulate([], 60), 100)).toBe(0);
  });

  it('finds the first second the scaled curve reaches an amount, or null past the bound', () => {
    expect(secondReaching(LAST_YEAR, 2, 1_200_000, 3600, DAY)).toBe(6000);
    expect(secondReaching(LAST_YEAR, 2, 1_200_030, 3600, DAY)).toBeCloseTo(6000.15, 6);
    expect(secondReaching(LAST_YEAR, 1, LAST_YEAR_DAY + 1, 0, DAY)).toBeNull();
    expect(secondReaching(LAST_YEAR, 1, 600_000, 0, 5000)).toBeNull();
    expect(secondReaching(LAST_YEAR, 0, 1, 0, DAY)).toBeNull();
  });
});

describe('forecast(input)', () => {
  it('projects the day as this year’s running ratio times last year’s day', () => {
    const f = forecast(input())!;
    expect(f.ratio).toBe(2);
    expect(f.totalFen).toBe(2 * LAST_YEAR_DAY);
    expect(f.ratioLow).toBe(2);
    expect(f.ratioHigh).toBe(2);
    expect(f.samples).toBe(60);
  });

  it('puts a milestone where the ratio times last year’s curve reaches it, with a band from the ratio’s range', () => {
    // Ratio 3 in the first half hour, then 2: 3·60·100·t for t ≤ 1800, then +200 fen/s.
    const perMinute = Array.from({ length: 60 }, (_, m) => (m < 30 ? 18_000 : 12_000));
    const thisYear = cumulate(perMinute, 60);
    const soFar = thisYear.cum[60]!;
    const f = forecast(input({ thisYear, soFarFen: soFar, milestones: [LAST_YEAR_DAY] }))!;
    expect(f.ratio).toBeCloseTo(soFar / 360_000, 12);
    expect(f.ratioHigh).toBe(3);
    expect(f.ratioLow).toBe(f.ratio);
    const m = f.milestones[0]!;
    expect(m.passed).toBe(false);
    // ratio · 100 · t = 8,640,000 → t = 86,400 / ratio.
    expect(m.atSec).toBeCloseTo(DAY / f.ratio, 3);
    expect(m.earliestSec).toBeCloseTo(DAY / 3, 3);
    expect(m.latestSec).toBeCloseTo(m.atSec!, 6);
    const line = etaWithin(m)!;
    expect(line.atSec).toBe(m.atSec);
    expect(line.plusMinusMin).toBe(Math.ceil((m.atSec! - DAY / 3) / 60));
    expect(f.totalLowFen).toBeCloseTo(f.totalFen, 6);
    expect(f.totalHighFen).toBe(3 * LAST_YEAR_DAY);
  });

  it('only looks back over its window', () => {
    const perMinute = Array.from({ length: 60 }, (_, m) => (m < 30 ? 18_000 : 12_000));
    const f = forecast(input({ thisYear: cumulate(perMinute, 60), soFarFen: 900_000, windowSec: 600 }))!;
    // Minutes 51..59 and now: the ratio falls from 1 + 30/51 toward 1 + 30/60 = 2.5.
    expect(f.samples).toBe(10);
    expect(f.ratioHigh).toBeCloseTo((18_000 * 30 + 12_000 * 21) / (6000 * 51), 12);
    expect(f.ratioLow).toBe(2.5);
  });

  it('marks a milestone already passed, and gives none beyond the end of the day', () => {
    const f = forecast(input({ milestones: [500_000, 2 * LAST_YEAR_DAY, 2 * LAST_YEAR_DAY + 1] }))!;
    expect(f.milestones[0]).toEqual({ fen: 500_000, passed: true, atSec: null, earliestSec: null, latestSec: null });
    expect(f.milestones[1]!.atSec).toBe(DAY);
    expect(f.milestones[2]!.atSec).toBeNull();
    expect(etaWithin(f.milestones[2]!)).toBeNull();
  });

  it('says ± nothing when the band’s low end does not get there today', () => {
    expect(etaWithin({ fen: 1, passed: false, atSec: 7200, earliestSec: 7000, latestSec: null })).toEqual({
      atSec: 7200,
      plusMinusMin: null,
    });
  });

  it('gives no forecast without last year, at zero seconds or in the first minute', () => {
    expect(forecast(input({ lastYear: cumulate([], 60) }))).toBeNull();
    expect(forecast(input({ lastYear: cumulate([0, 0, 0], 60) }))).toBeNull();
    expect(forecast(input({ nowSec: 0, soFarFen: 0 }))).toBeNull();
    expect(forecast(input({ nowSec: 59, soFarFen: 11_800 }))).toBeNull();
    expect(forecast(input({ nowSec: 60, soFarFen: 12_000 }))!.ratio).toBe(2);
  });

  it('at the end of the day the total is what was sold and every open milestone is off the day', () => {
    const f = forecast(input({ nowSec: DAY, soFarFen: 2 * LAST_YEAR_DAY, milestones: [3 * LAST_YEAR_DAY] }))!;
    expect(f.totalFen).toBe(2 * LAST_YEAR_DAY);
    expect(f.milestones[0]!.atSec).toBeNull();
  });

  it('gives the pace a target needs per remaining hour and against last year’s remaining hours', () => {
    const targetFen = 20_000_000;
    const f = forecast(input({ targetFen }))!;
    const need = targetFen - 720_000;
    expect(f.target).toEqual({
      targetFen,
      reached: false,
      needFen: need,
      perHourFen: need / 23,
      neededRatio: need / (LAST_YEAR_DAY - 360_000),
      onTrack: false,
    });
    expect(forecast(input({ targetFen: 700_000 }))!.target).toMatchObject({ reached: true, needFen: 0, onTrack: true });
    expect(forecast(input({ targetFen: null }))!.target).toBeNull();
    const over = forecast(input({ nowSec: DAY, soFarFen: 1_000, targetFen }))!.target!;
    expect(over.perHourFen).toBeNull();
    expect(over.neededRatio).toBeNull();
  });
});

describe('linearForecast(soFar, fenPerSec, now, day, milestone)', () => {
  it('extrapolates the recent pace to the end of the day and to the milestone', () => {
    expect(linearForecast(1000, 10, 100, 200, 2000)).toEqual({ totalFen: 2000, atSec: 200 });
    expect(linearForecast(1000, 0, 100, 200, 2000)).toEqual({ totalFen: 1000, atSec: null });
    expect(linearForecast(3000, 10, 100, 200, 2000).atSec).toBeNull();
  });
});

describe('execCurves(series, lastYearMinuteFen, nowSec)', () => {
  it('sums this year into the whole minutes before now and leaves the current minute out', () => {
    const c = execCurves(
      [
        [-1, 1, 7],
        [0, 1, 100],
        [59, 1, 50],
        [60, 1, 25],
        [125, 1, 1000],
      ],
      [10, 20, 30],
      130,
    );
    expect(Array.from(c.thisYear.cum)).toEqual([0, 150, 175]);
    expect(c.thisYear.stepSec).toBe(60);
    expect(Array.from(c.lastYear.cum)).toEqual([0, 10, 30, 60]);
  });
});
