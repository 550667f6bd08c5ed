import { describe, expect, it } from 'vitest';
import { merchantRange, splitRange, wholeSeconds } from '../../server/store/ranges.js';

const MIN = 60_000;

describe('splitRange(range, bucket)', () => {
  it('puts whole buckets in the middle and the rest at the edges', () => {
    const r = { fromMs: 30_000, toMs: 3 * MIN + 15_000 };
    expect(splitRange(r, MIN)).toEqual({
      head: { fromMs: 30_000, toMs: MIN },
      middle: { fromMs: MIN, toMs: 3 * MIN },
      tail: { fromMs: 3 * MIN, toMs: 3 * MIN + 15_000 },
    });
  });

  it('keeps a range inside one bucket whole, at the head', () => {
    expect(splitRange({ fromMs: 5_000, toMs: 20_000 }, MIN)).toEqual({
      head: { fromMs: 5_000, toMs: 20_000 },
      middle: null,
      tail: null,
    });
  });

  it('has no edges when the range is aligned, and nothing when it is empty or reversed', () => {
    expect(splitRange({ fromMs: MIN, toMs: 2 * MIN }, MIN)).toEqual({
      head: null,
      middle: { fromMs: MIN, toMs: 2 * MIN },
      tail: null,
    });
    expect(splitRange({ fromMs: MIN, toMs: MIN }, MIN)).toEqual({ head: null, middle: null, tail: null });
    expect(splitRange({ fromMs: 2 * MIN, toMs: MIN }, MIN)).toEqual({ head: null, middle: null, tail: null });
  });

  it('covers every instant of the range exactly once', () => {
    for (const [from, to] of [
      [0, 7 * MIN],
      [59_000, 61_000],
      [1_000, 59_000],
      [125_000, 3_725_000],
    ] as const) {
      const s = splitRange({ fromMs: from, toMs: to }, MIN);
      const pieces = [s.head, s.middle, s.tail].filter((p) => p !== null);
      expect(pieces[0]!.fromMs).toBe(from);
      expect(pieces.at(-1)!.toMs).toBe(to);
      for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.fromMs).toBe(pieces[i - 1]!.toMs);
    }
  });
});

describe('wholeSeconds and merchantRange', () => {
  it('round both ends down, to the second and to the minute', () => {
    expect(wholeSeconds({ fromMs: 1_999, toMs: 5_001 })).toEqual({ fromMs: 1_000, toMs: 5_000 });
    expect(merchantRange({ fromMs: 61_000, toMs: 179_000 })).toEqual({ fromMs: MIN, toMs: 2 * MIN });
  });
});
