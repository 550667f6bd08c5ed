import { describe, expect, it } from 'vitest';
import type { FenPoint } from '../../client/live/decode.js';
import {
  bucketFor,
  curveModel,
  formatElapsedTick,
  MIN_X_SPAN,
  thinTickStep,
  timeTickStep,
} from '../../client/charts/curve/transform.js';

const flat = (seconds: number, fenPerSecond: number): FenPoint[] =>
  Array.from({ length: seconds }, (_, s) => [s, 1, fenPerSecond] as FenPoint);

describe('curveModel(input)', () => {
  it('plots GMV per second in CNY for each complete second, leaving out the one still filling', () => {
    const m = curveModel({ series: flat(10, 12_345), lastYearMinuteFen: null, elapsedSec: 5.7, maxPoints: 700 });
    expect(m.bucketSec).toBe(1);
    expect(m.thisYear).toHaveLength(5);
    expect(m.thisYear[0]).toEqual({ x: 0.5, y: 123.45 });
    expect(m.thisYear.every((p) => p.y === 123.45)).toBe(true);
  });

  it('counts seconds without orders as zero', () => {
    const m = curveModel({
      series: [
        [0, 1, 100],
        [3, 1, 100],
      ],
      lastYearMinuteFen: null,
      elapsedSec: 4,
      maxPoints: 700,
    });
    expect(m.thisYear.map((p) => p.y)).toEqual([1, 0, 0, 1]);
  });

  it('grows the y domain past any fixed number: the 2012 overflow cannot happen', () => {
    for (const huge of [1e6, 1e12, 5e14]) {
      const m = curveModel({ series: flat(30, huge), lastYearMinuteFen: null, elapsedSec: 30, maxPoints: 700 });
      expect(m.yMax).toBeGreaterThan(huge / 100);
    }
  });

  it('grows the x domain with the show and averages into wider buckets as it does', () => {
    const early = curveModel({ series: [], lastYearMinuteFen: null, elapsedSec: 10, maxPoints: 700 });
    expect(early.xMax).toBe(MIN_X_SPAN);
    const late = curveModel({ series: flat(7200, 6000), lastYearMinuteFen: null, elapsedSec: 7200, maxPoints: 700 });
    expect(late.xMax).toBeGreaterThanOrEqual(7200);
    expect(late.bucketSec).toBe(15);
    expect(late.thisYear.length).toBeLessThanOrEqual(700);
    expect(late.thisYear[0]!.y).toBe(60); // 6000 fen a second, averaged, is still ¥60/s
  });

  it("lays last year's minutes on the same seconds-since-start axis as GMV per second", () => {
    const minuteFen = [600_000, 1_200_000, 60];
    const m = curveModel({ series: [], lastYearMinuteFen: minuteFen, elapsedSec: 100, maxPoints: 700 });
    // Minute m covers seconds m*60..m*60+59; 600,000 fen in a minute is ¥100 a second.
    expect(m.lastYear[0]).toEqual({ x: 30, y: 100 });
    expect(m.lastYear[1]).toEqual({ x: 90, y: 200 });
    expect(m.yMax).toBeGreaterThan(200);
  });

  it("averages last year's minutes into the same buckets when a bucket is wider than a minute", () => {
    const minuteFen = Array.from({ length: 24 * 60 }, (_, i) => (i % 2 === 0 ? 600_000 : 1_200_000));
    const m = curveModel({ series: [], lastYearMinuteFen: minuteFen, elapsedSec: 86_400, maxPoints: 800 });
    expect(m.bucketSec).toBe(120);
    expect(m.lastYear[0]!.y).toBeCloseTo(150, 6);
    expect(m.lastYear[0]!.x).toBe(m.bucketSec / 2);
  });

  it('never plots before the start or after now', () => {
    const m = curveModel({
      series: [
        [-5, 1, 999],
        [2, 1, 100],
        [50, 1, 100],
      ],
      lastYearMinuteFen: null,
      elapsedSec: 10,
      maxPoints: 700,
    });
    expect(m.thisYear).toHaveLength(10);
    expect(m.thisYear.reduce((s, p) => s + p.y, 0)).toBe(1);
  });
});

describe('axis helpers', () => {
  it('bucketFor picks a width that divides minutes and hours', () => {
    expect(bucketFor(600, 700)).toBe(1);
    expect(bucketFor(3600, 700)).toBe(10);
    expect(bucketFor(86_400, 700)).toBe(300);
  });

  it('time ticks stay few and read as elapsed time', () => {
    expect(86_400 / timeTickStep(86_400, 8)).toBeLessThanOrEqual(8);
    expect(formatElapsedTick(90)).toBe('1:30');
    expect(formatElapsedTick(5400)).toBe('1h30');
  });
});

describe('thinTickStep(xMax, pxPerSec, labelWidth, gapPx, minStep)', () => {
  /** Neighbouring labels centred on ticks `step` apart: none may touch. */
  function apart(xMax: number, pxPerSec: number, width: (sec: number) => number, gap: number, step: number): boolean {
    for (let sec = step; sec <= xMax; sec += step)
      if (step * pxPerSec < (width(sec - step) + width(sec)) / 2 + gap) return false;
    return true;
  }
  const byChars = (em: number) => (sec: number) => formatElapsedTick(sec).length * em;

  it('keeps the finest step when the labels fit', () => {
    // A minute over 1,200 px: 20 px a second, "0:10" is 40 px wide.
    expect(thinTickStep(60, 20, byChars(10), 8)).toBe(10);
  });

  it('thins the ticks of a one-minute axis on a narrow panel until the labels are clear', () => {
    const step = thinTickStep(60, 2, byChars(10), 8);
    expect(step).toBe(30);
    expect(apart(60, 2, byChars(10), 8, step)).toBe(true);
    expect(apart(60, 2, byChars(10), 8, 15)).toBe(false);
  });

  it('measures every label: long hour labels push the step up', () => {
    const wide = (sec: number) => (sec >= 3600 ? 120 : 40);
    const step = thinTickStep(4 * 3600, 0.05, wide, 8);
    expect(apart(4 * 3600, 0.05, wide, 8, step)).toBe(true);
    expect(step).toBe(3600);
  });

  it('steps by whole days past a day, as many as the labels need', () => {
    const tenDays = 10 * 86_400;
    const step = thinTickStep(tenDays, 300 / tenDays, byChars(9), 8);
    expect(step % 86_400).toBe(0);
    expect(step).toBeGreaterThan(86_400);
    expect(apart(tenDays, 300 / tenDays, byChars(9), 8, step)).toBe(true);
  });

  it('never goes below minStep, and a whole day on any width gets clear labels', () => {
    expect(thinTickStep(60, 100, byChars(10), 8, 30)).toBe(30);
    for (const px of [300, 1200, 3800, 7600]) {
      const step = thinTickStep(86_400, px / 86_400, byChars(9), 8);
      expect(apart(86_400, px / 86_400, byChars(9), 8, step)).toBe(true);
    }
  });
});

describe('curveModel endSec', () => {
  it('ends the axis at the show end, however far past it the clock is (a finished show)', () => {
    const elevenYears = 11 * 365 * 86_400;
    const m = curveModel({
      series: flat(1, 100),
      lastYearMinuteFen: null,
      elapsedSec: elevenYears,
      maxPoints: 700,
      endSec: 86_400,
    });
    expect(m.xMax).toBe(86_400);
    expect(m.thisYear.at(-1)!.x).toBeLessThanOrEqual(86_400);
    // A show just begun keeps its minute-wide axis.
    expect(
      curveModel({ series: [], lastYearMinuteFen: null, elapsedSec: 1, maxPoints: 700, endSec: 86_400 }).xMax,
    ).toBe(MIN_X_SPAN);
  });
});

describe('curveModel peaks', () => {
  const series: FenPoint[] = [
    [0, 10, 1_000],
    [1, 50, 2_000],
    [2, 5, 90_000],
    [3, 1, 100],
  ];
  const peaks = { gmv: { second: 2, fen: 90_000 }, orders: { second: 1, orders: 50 } };

  it('marks the peak GMV second at its GMV/s and the peak orders second on its GMV/s', () => {
    const m = curveModel({ series, lastYearMinuteFen: null, elapsedSec: 4, maxPoints: 700, peaks });
    expect(m.peaks).toEqual([
      { kind: 'gmv', second: 2, x: 2.5, y: 900, value: 90_000 },
      { kind: 'orders', second: 1, x: 1.5, y: 20, value: 50 },
    ]);
  });

  it('keeps the peak inside the y domain when a point averages it with quieter seconds', () => {
    const m = curveModel({ series, lastYearMinuteFen: null, elapsedSec: 4, maxPoints: 1, peaks });
    expect(m.bucketSec).toBeGreaterThan(1);
    expect(Math.max(...m.thisYear.map((p) => p.y))).toBeLessThan(900);
    expect(m.yMax).toBeGreaterThan(900);
  });

  it('leaves out a peak second still filling and one before the start', () => {
    const m = curveModel({ series, lastYearMinuteFen: null, elapsedSec: 2, maxPoints: 700, peaks });
    expect(m.peaks.map((p) => p.kind)).toEqual(['orders']);
    const early = curveModel({
      series,
      lastYearMinuteFen: null,
      elapsedSec: 4,
      maxPoints: 700,
      peaks: { gmv: { second: -3, fen: 5 }, orders: null },
    });
    expect(early.peaks).toEqual([]);
  });
});
