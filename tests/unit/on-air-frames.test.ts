import { describe, expect, it } from 'vitest';
import { FrameSampler, frameOf } from '../../server/live/on-air-frames.js';
import type { Program, Tick } from '../../shared/protocol.js';

const T0 = 1_447_171_200_000;

function tick(seq: number, atMs: number, top = 'books', crossedAtMs: number | null = null): Tick {
  const rows = (k: string) => Array.from({ length: 15 }, (_, i) => ({ key: `${k}${i}`, orders: 15 - i, gmv: '1.00' }));
  return {
    seq,
    sentAtMs: atMs,
    asOfMs: atMs,
    breakdowns: {
      channel: rows('c'),
      country: rows('n'),
      category: [{ key: top, orders: 1, gmv: '1.00' }],
      merchant: rows('m'),
    },
    milestones: [{ amount: '100.00', kind: 'threshold', crossedAtMs, predictedAtMs: atMs + 5 }],
  } as unknown as Tick;
}

const program = (rev: number, kind: 'board' | 'hero' = 'board'): Program => ({
  rev,
  scene: { kind },
  held: false,
  heldSeq: null,
  atMs: T0 + rev,
  presentAtMs: T0 + rev + 150,
});

describe('the on-air frame rule', () => {
  it('frameOf keeps the top ten rows of each ranking, the crossings, and the program without its present time', () => {
    const f = frameOf(tick(1, T0, 'books', T0 - 9), program(3));
    expect(f.rankings.channel).toHaveLength(10);
    expect(f.rankings.merchant[0]).toEqual({ key: 'm0', orders: 15, gmv: '1.00' });
    expect(f.milestones).toEqual([{ amount: '100.00', kind: 'threshold', crossedAtMs: T0 - 9 }]);
    expect(f.program).toEqual({ rev: 3, scene: { kind: 'board' }, held: false, heldSeq: null, atMs: T0 + 3 });
  });

  it('records the first message, then a change of the figures at most once a second', () => {
    const s = new FrameSampler();
    const p = program(1);
    expect(s.offer(tick(1, T0), p)).not.toBeNull();
    // Changed within the second: not yet.
    expect(s.offer(tick(2, T0 + 400, 'shoes'), p)).toBeNull();
    expect(s.offer(tick(3, T0 + 999, 'toys'), p)).toBeNull();
    // A second on: the newest rankings.
    const json = s.offer(tick(4, T0 + 1000, 'toys'), p);
    expect(JSON.parse(json!).rankings.category[0].key).toBe('toys');
    // Unchanged a second later: nothing written.
    expect(s.offer(tick(5, T0 + 2100, 'toys'), p)).toBeNull();
    // A crossing is a change.
    expect(s.offer(tick(6, T0 + 3200, 'toys', T0 + 3000), p)).not.toBeNull();
  });

  it('ignores what changes every tick but is not shown as record (the predicted crossing)', () => {
    const s = new FrameSampler();
    s.offer(tick(1, T0), null);
    expect(s.offer(tick(2, T0 + 5000), null)).toBeNull();
  });

  it('records a change of the program with the next message, whatever the time', () => {
    const s = new FrameSampler();
    s.offer(tick(1, T0), program(1));
    const json = s.offer(tick(2, T0 + 100), program(2, 'hero'));
    expect(JSON.parse(json!).program.scene).toEqual({ kind: 'hero' });
    expect(s.offer(tick(3, T0 + 200), program(2, 'hero'))).toBeNull();
  });
});
