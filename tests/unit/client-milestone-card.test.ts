import { describe, expect, it } from 'vitest';
import { cardCrossedAtMs } from '../../client/app/milestones/card.js';
import type { FenMilestone } from '../../client/live/decode.js';

const T = Date.UTC(2015, 10, 10, 16, 0, 20, 300);
const card = { kind: 'milestone', milestone: '1000.00' } as const;
const milestone = (fen: number, crossedAtMs: number | null): FenMilestone => ({
  fen,
  kind: 'threshold',
  crossedAtMs,
  predictedAtMs: null,
});

describe('cardCrossedAtMs(program, milestones)', () => {
  it("is the live figures' crossing of the card's milestone (a revision included), before the program's", () => {
    const program = { scene: card, crossedAtMs: T };
    expect(cardCrossedAtMs(program, [milestone(50_000, 1), milestone(100_000, T - 5000)])).toBe(T - 5000);
  });

  it("is the crossing the cue put on air until the figures carry it (a tick not shown yet, a hold's older figures)", () => {
    expect(cardCrossedAtMs({ scene: card, crossedAtMs: T }, [milestone(100_000, null)])).toBe(T);
    expect(cardCrossedAtMs({ scene: card, crossedAtMs: T }, null)).toBe(T);
  });

  it('is null while still to go, and for any other scene', () => {
    expect(cardCrossedAtMs({ scene: card }, [milestone(100_000, null)])).toBeNull();
    expect(cardCrossedAtMs({ scene: { kind: 'hero' }, crossedAtMs: T }, [milestone(100_000, T)])).toBeNull();
    expect(cardCrossedAtMs(null, [milestone(100_000, T)])).toBeNull();
  });
});
