import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_SIGNATURES, ReplayCache } from '../../server/ingest/signature.js';

describe('the memory of signed requests', () => {
  it('remembers a request for 600 s from first sight, then lets it in again', () => {
    const seen = new ReplayCache();
    expect(seen.remember('a', 0)).toBe(true);
    expect(seen.remember('a', 599_999)).toBe(false);
    expect(seen.remember('a', 600_001)).toBe(true);
  });

  it('prunes expired entries whenever it remembers another', () => {
    const seen = new ReplayCache();
    for (let i = 0; i < 1000; i++) seen.remember(`old-${i}`, i);
    seen.remember('new', 601_000);
    expect(seen.size).toBe(1);
  });

  it('holds at most 100,000 entries, forgetting the oldest early past that', () => {
    expect(MAX_REMEMBERED_SIGNATURES).toBe(100_000);
    const seen = new ReplayCache();
    for (let i = 0; i <= MAX_REMEMBERED_SIGNATURES + 10; i++) seen.remember(`k-${i}`, 1000);
    expect(seen.size).toBe(MAX_REMEMBERED_SIGNATURES);
    // The first ones are gone (a replay of them is let in, and order dedup answers it); the last are kept.
    expect(seen.remember('k-0', 1000)).toBe(true);
    expect(seen.remember(`k-${MAX_REMEMBERED_SIGNATURES + 10}`, 1000)).toBe(false);
  });

  it('forgets a refused request at once, so it can be sent again as is', () => {
    const seen = new ReplayCache();
    seen.remember('r', 0);
    seen.forget('r');
    expect(seen.remember('r', 1)).toBe(true);
  });
});
