import { describe, expect, it } from 'vitest';
import { addClockSample, bestClockOffset, CLOCK_SAMPLES } from '../../client/live/clock.js';

describe('addClockSample(samples, sentMs, serverMs, receivedMs) and bestClockOffset(samples)', () => {
  it('estimates the offset from the exchange with the least round trip', () => {
    // The client runs 2000 ms ahead; the first exchange waited 80 ms on the way back, the second 2 ms each way.
    let samples = addClockSample([], 10_000, 8_010, 10_090);
    samples = addClockSample(samples, 20_000, 18_002, 20_004);
    samples = addClockSample(samples, 30_000, 28_030, 30_040);
    expect(samples.map((s) => s.rttMs)).toEqual([90, 4, 40]);
    expect(bestClockOffset(samples)).toBe(2000);
  });

  it('is null before any exchange and ignores impossible ones', () => {
    expect(bestClockOffset([])).toBeNull();
    expect(addClockSample([], 100, Number.NaN, 110)).toEqual([]);
    expect(addClockSample([], 100, 50, 90)).toEqual([]);
  });

  it('keeps the latest CLOCK_SAMPLES exchanges', () => {
    let samples = addClockSample([], 0, 0, 1); // the best, then pushed out
    for (let i = 1; i <= CLOCK_SAMPLES; i++)
      samples = addClockSample(samples, i * 1000, i * 1000 - 500 + 5, i * 1000 + 10);
    expect(samples).toHaveLength(CLOCK_SAMPLES);
    expect(bestClockOffset(samples)).toBe(500);
  });
});
