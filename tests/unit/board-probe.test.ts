import { describe, expect, it } from 'vitest';
import { overlapsAny, type Span } from '../../scripts/board/probe.js';

describe("bench:board tells the bench's own pauses apart", () => {
  const gcs: [number, number][] = [
    [1000, 1030],
    [61000, 61020],
  ];
  const span = (startMs: number, ms: number): Span => ({ kind: 'script', key: 'k', startMs, ms });

  it('counts a script that holds a forced GC, or runs across its start or end, as overlapping it', () => {
    expect(overlapsAny(span(990, 60), gcs)).toBe(true);
    expect(overlapsAny(span(1010, 5), gcs)).toBe(true);
    expect(overlapsAny(span(960, 45), gcs)).toBe(true);
    expect(overlapsAny(span(61015, 70), gcs)).toBe(true);
  });

  it('does not count one that ends before a GC or starts after it', () => {
    expect(overlapsAny(span(900, 99), gcs)).toBe(false);
    expect(overlapsAny(span(1031, 60), gcs)).toBe(false);
    expect(overlapsAny(span(5000, 60), [])).toBe(false);
  });
});
