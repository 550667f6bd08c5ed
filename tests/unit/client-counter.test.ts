import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  nextDisplayed,
  nextIntervalEstimate,
  restAt,
  retarget,
  runDuration,
  valueAt,
} from '../../client/charts/counter/transform.js';
import type { Run } from '../../client/charts/counter/transform.js';

const fen = fc.integer({ min: 0, max: 20_000_000_000_000 });

describe('counter transform', () => {
  it('counter never moves backwards when a smaller target arrives', () => {
    const run = retarget(restAt(5_000_00, 0), 9_000_00, 0, 1000);
    const shownAtHalf = valueAt(run, 500);
    const next = retarget(run, 1_000_00, 500, 1000);
    for (const t of [500, 600, 1000, 5000]) expect(valueAt(next, t)).toBe(shownAtHalf);
  });

  it('counter never shows more than its target and never less than where it stood', () => {
    fc.assert(
      fc.property(
        fen,
        fen,
        fc.integer({ min: -100, max: 10_000 }),
        fc.integer({ min: 0, max: 5000 }),
        (from, to, t, d) => {
          const v = valueAt(retarget(restAt(from, 0), to, 0, d), t);
          expect(Number.isSafeInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(from);
          expect(v).toBeLessThanOrEqual(Math.max(from, to));
        },
      ),
    );
  });

  it('counter is monotone over time across any sequence of targets', () => {
    const steps = fc.array(fc.record({ target: fen, gap: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(fen, steps, (start, targets) => {
        let run: Run = restAt(start, 0);
        let now = 0;
        let last = start;
        for (const { target, gap } of targets) {
          for (let t = now; t <= now + gap; t += 37) {
            const v = valueAt(run, t);
            expect(v).toBeGreaterThanOrEqual(last);
            last = v;
          }
          now += gap;
          run = retarget(run, target, now, 1250);
        }
      }),
    );
  });

  it('counter lands exactly on the target once the run is over', () => {
    fc.assert(
      fc.property(fen, fen, fc.integer({ min: 0, max: 5000 }), (from, to, d) => {
        const run = retarget(restAt(from, 0), to, 0, d);
        expect(valueAt(run, d)).toBe(Math.max(from, to));
        expect(valueAt(run, d + 10_000)).toBe(Math.max(from, to));
      }),
    );
  });

  it('counter climbs at an even pace instead of jumping to the target', () => {
    const run = retarget(restAt(0, 0), 1_000_000, 0, 1000);
    expect(valueAt(run, 0)).toBe(0);
    expect(valueAt(run, 16)).toBe(16_000);
    expect(valueAt(run, 250)).toBe(250_000);
    expect(valueAt(run, 500)).toBe(500_000);
    expect(valueAt(run, 999)).toBeLessThan(1_000_000);
  });

  it('a new target continues from the shown value without a jump', () => {
    const first = retarget(restAt(0, 0), 1_000_000, 0, 1000);
    const second = retarget(first, 3_000_000, 400, 1000);
    expect(valueAt(second, 400)).toBe(valueAt(first, 400));
    expect(valueAt(second, 401)).toBeGreaterThan(valueAt(first, 400));
  });

  it('steady ticks settle into one smooth speed, never stopping between ticks', () => {
    // 10 ticks a second, each adding 1,000.00 CNY: the display should climb at that rate.
    let run: Run = restAt(0, 0);
    let target = 0;
    const interval = 100;
    for (let now = 0; now <= 5000; now += interval) {
      target += 100_000;
      run = retarget(run, target, now, runDuration(interval));
      // Still moving just before the next tick: no stall, hence no stair-step.
      expect(valueAt(run, now + interval - 1)).toBeLessThan(target);
    }
    const speed = (valueAt(run, 5050) - valueAt(run, 5000)) / 50;
    expect(speed).toBeGreaterThan(900);
    expect(speed).toBeLessThan(1100);
  });

  it('nextDisplayed paces one frame of a fresh run', () => {
    const interval = 800;
    const d = runDuration(interval);
    expect(nextDisplayed(100, 100 + d * 10, 0, interval)).toBe(100);
    expect(nextDisplayed(100, 100 + d * 10, d / 2, interval)).toBe(100 + d * 5);
    expect(nextDisplayed(100, 50, 500, interval)).toBe(100);
    expect(nextDisplayed(100, 900, d, interval)).toBe(900);
  });

  it('a run with no duration shows the target at once', () => {
    expect(valueAt(retarget(restAt(10, 0), 20, 0, 0), 0)).toBe(20);
  });

  it('the expected tick interval follows observed gaps within the server tick cap and a few seconds', () => {
    let est = 1000;
    for (let i = 0; i < 50; i++) est = nextIntervalEstimate(est, 200);
    expect(est).toBeCloseTo(200, 0);
    for (let i = 0; i < 50; i++) est = nextIntervalEstimate(est, 1);
    expect(est).toBeCloseTo(MIN_INTERVAL_MS, 0);
    for (let i = 0; i < 50; i++) est = nextIntervalEstimate(est, 60_000);
    expect(est).toBeCloseTo(MAX_INTERVAL_MS, 0);
  });
});
