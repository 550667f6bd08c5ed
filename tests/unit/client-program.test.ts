import { describe, expect, it } from 'vitest';
import { screenOf } from '../../client/app/route.js';
import { milestoneAmount } from '../../client/director/amount.js';
import { nextFrozen, shownState } from '../../client/live/program.js';
import { initialLiveState, type LiveState } from '../../client/live/state.js';
import type { Figures } from '../../client/live/decode.js';
import type { Program } from '../../shared/protocol.js';

function at(seq: number, fen: number, orders = seq): LiveState {
  return { ...initialLiveState, gmvFen: fen, figures: { seq, gross: { fen, orders } } as unknown as Figures };
}
const program = (held: boolean, heldSeq: number | null, rev = 1): Program => ({
  rev,
  scene: { kind: 'board' },
  held,
  heldSeq,
  atMs: 0,
});

describe('nextFrozen(program, frozen, live)', () => {
  it('freezes at the first state at or past the held seq, and keeps it while the live state goes on', () => {
    const hold = program(true, 10);
    expect(nextFrozen(hold, null, at(9, 900))).toBeNull();
    const s10 = at(10, 1000);
    expect(nextFrozen(hold, null, s10)).toBe(s10);
    expect(nextFrozen(hold, s10, at(12, 1500))).toBe(s10);
    expect(shownState(at(12, 1500), { program: hold, frozen: s10 })).toBe(s10);
  });

  it('after a release keeps the held figures until the live ones are at least as large', () => {
    const held = at(10, 1000, 10);
    const released = program(false, null, 2);
    expect(nextFrozen(released, held, at(3, 400, 3))).toBe(held);
    expect(nextFrozen(released, held, at(11, 1000, 9))).toBe(held);
    expect(nextFrozen(released, held, at(11, 1000, 10))).toBeNull();
    expect(nextFrozen(released, null, at(11, 5))).toBeNull();
  });
});

describe('the console', () => {
  it('screenOf("/director") is the console', () => {
    expect(screenOf('/director')).toBe('director');
    expect(screenOf('/director/')).toBe('director');
  });

  it('milestoneAmount(text) gives the two-decimal CNY the server takes, or null', () => {
    expect(milestoneAmount('10000000000')).toBe('10000000000.00');
    expect(milestoneAmount('10,000,000,000.5')).toBe('10000000000.50');
    expect(milestoneAmount('1e10')).toBeNull();
    expect(milestoneAmount('')).toBeNull();
  });
});
