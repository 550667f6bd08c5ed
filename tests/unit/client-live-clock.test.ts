import { describe, expect, it } from 'vitest';
import {
  addClockSample,
  ArrivalBound,
  bestClockOffset,
  CLOCK_SAMPLES,
  tightenedClockOffset,
} from '../../client/live/clock.js';

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

describe('tightenedClockOffset(samples, upperMs)', () => {
  // The client runs 2000 ms ahead; the answer waited 40 ms on a busy page: the exchange says 1999..2041.
  const samples = addClockSample([], 10_000, 8_001, 10_042);

  it('narrows the exchange with the least arrival minus sentAtMs of the messages', () => {
    expect(bestClockOffset(samples)).toBe(2020);
    // A tick arrived 3 ms after it was sent: the offset is at most 2003.
    expect(tightenedClockOffset(samples, 2003)).toBe(2001);
  });

  it('keeps the exchange when the messages say nothing more, or disagree with it', () => {
    expect(tightenedClockOffset(samples, null)).toBe(2020);
    expect(tightenedClockOffset(samples, 2100)).toBe(2020);
    expect(tightenedClockOffset(samples, 1900)).toBe(2020);
    expect(tightenedClockOffset([], 2003)).toBeNull();
  });
});

describe('ArrivalBound', () => {
  it('keeps the least arrival minus sentAtMs of the last one to two windows, and forgets on reset', () => {
    const b = new ArrivalBound(1000);
    expect(b.upperMs).toBeNull();
    b.note(10_000, 9_990);
    b.note(10_100, 10_095);
    expect(b.upperMs).toBe(5);
    b.note(11_000, 10_980); // a new window: the previous one still counts
    expect(b.upperMs).toBe(5);
    b.note(12_000, 11_970); // two windows on: the 5 is gone
    expect(b.upperMs).toBe(20);
    b.reset();
    expect(b.upperMs).toBeNull();
  });
});
