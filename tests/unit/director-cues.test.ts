import { describe, expect, it } from 'vitest';
import { direct, initialDirector, type DirectorAction, type DirectorState } from '../../shared/director.js';

const T0 = Date.UTC(2015, 10, 10, 16);
const TEN_BN = '10000000000.00';
const TEN_BN_FEN = 1_000_000_000_000;
const CROSSED_AT = T0 + 3_600_123;

function step(state: DirectorState, action: DirectorAction, atMs = T0) {
  const r = direct(state, action, atMs);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

const ahead = { crossedAtMs: null };
const arm = (mode: 'auto' | 'manual', amount = TEN_BN): DirectorAction => ({
  type: 'arm',
  amount,
  mode,
  milestone: ahead,
});
const crossed = (atMs = CROSSED_AT, fen = TEN_BN_FEN): DirectorAction => ({ type: 'crossed', fen, atMs });

describe('direct(state, arm | disarm | crossed)', () => {
  it('arm puts the card still to go in preview and changes nothing on air', () => {
    const s0 = initialDirector(T0);
    const a = step(s0, arm('auto'));
    expect(a.onAir).toBe(false);
    expect(a.state.program).toBe(s0.program);
    expect(a.state.preview).toEqual({ kind: 'milestone', milestone: TEN_BN });
    expect(a.state.cue).toEqual({ amount: TEN_BN, mode: 'auto', state: 'armed', crossedAtMs: null });
  });

  it('an auto cue goes on air at its crossing, with the crossing event time, not the time of the take', () => {
    const s = step(initialDirector(T0), arm('auto')).state;
    const c = step(s, crossed(), T0 + 9_999_999);
    expect(c.onAir).toBe(true);
    expect(c.state.program).toEqual({
      rev: 1,
      scene: { kind: 'milestone', milestone: TEN_BN },
      held: false,
      heldSeq: null,
      atMs: T0 + 9_999_999,
      crossedAtMs: CROSSED_AT,
    });
    expect(c.state.cue).toMatchObject({ state: 'on-air', crossedAtMs: CROSSED_AT });
  });

  it('a manual cue turns crossed at the crossing and goes on air at the take, with the crossing time', () => {
    let s = step(initialDirector(T0), arm('manual')).state;
    const c = step(s, crossed());
    expect(c.onAir).toBe(false);
    expect(c.state.program).toBe(s.program);
    expect(c.state.cue).toMatchObject({ state: 'crossed', crossedAtMs: CROSSED_AT });
    s = step(c.state, { type: 'take' }, T0 + 5).state;
    expect(s.program).toMatchObject({
      rev: 1,
      scene: { kind: 'milestone', milestone: TEN_BN },
      crossedAtMs: CROSSED_AT,
    });
    expect(s.cue?.state).toBe('on-air');
  });

  it('an auto cue waits for the take while the wall is held', () => {
    let s = step(initialDirector(T0), { type: 'hold', seq: 7 }).state;
    s = step(s, arm('auto')).state;
    const c = step(s, crossed());
    expect(c.onAir).toBe(false);
    expect(c.state.cue).toMatchObject({ state: 'crossed', crossedAtMs: CROSSED_AT });
    const t = step(c.state, { type: 'take' });
    expect(t.state.program).toMatchObject({ held: true, heldSeq: 7, crossedAtMs: CROSSED_AT });
  });

  it('a revised crossing moves the cue time and changes nothing on air; another milestone is ignored', () => {
    let s = step(initialDirector(T0), arm('auto')).state;
    s = step(s, crossed()).state;
    const other = step(s, crossed(T0, 5));
    expect(other.onAir).toBe(false);
    expect(other.state.cue).toBe(s.cue);
    expect(step(s, crossed()).state.cue).toBe(s.cue);
    const revised = step(s, crossed(CROSSED_AT - 40));
    expect(revised.onAir).toBe(false);
    expect(revised.state.program).toBe(s.program);
    expect(revised.state.cue).toMatchObject({ state: 'on-air', crossedAtMs: CROSSED_AT - 40 });
  });

  it('a take of another scene leaves a crossed manual cue waiting; a take before the crossing carries no time', () => {
    let s = step(initialDirector(T0), arm('manual')).state;
    const early = step(s, { type: 'take' });
    expect(early.state.program.scene).toEqual({ kind: 'milestone', milestone: TEN_BN });
    expect(early.state.program.crossedAtMs).toBeUndefined();
    expect(early.state.cue?.state).toBe('armed');
    s = step(s, crossed()).state;
    s = step(s, { type: 'preview', scene: { kind: 'hero' } }).state;
    s = step(s, { type: 'take' }).state;
    expect(s.program.scene).toEqual({ kind: 'hero' });
    expect(s.program.crossedAtMs).toBeUndefined();
    expect(s.cue?.state).toBe('crossed');
  });

  it('hold and release keep the crossing time of the card on air', () => {
    let s = step(initialDirector(T0), arm('auto')).state;
    s = step(s, crossed()).state;
    s = step(s, { type: 'hold', seq: 3 }).state;
    expect(s.program).toMatchObject({ held: true, crossedAtMs: CROSSED_AT, rev: 2 });
    s = step(s, { type: 'release' }).state;
    expect(s.program).toMatchObject({ held: false, crossedAtMs: CROSSED_AT, rev: 3 });
  });

  it('disarm forgets the cue: its crossing then changes nothing', () => {
    let s = step(initialDirector(T0), arm('auto')).state;
    s = step(s, { type: 'disarm' }).state;
    expect(s.cue).toBeNull();
    const c = step(s, crossed());
    expect(c.onAir).toBe(false);
    expect(c.state.program).toBe(s.program);
  });

  it('a second arm replaces the first (one cue at a time); amounts compare by value', () => {
    let s = step(initialDirector(T0), arm('auto')).state;
    s = step(s, arm('manual', '20000000000.00')).state;
    expect(s.cue).toMatchObject({ amount: '20000000000.00', mode: 'manual' });
    expect(step(s, crossed()).onAir).toBe(false);
    expect(step(s, crossed(CROSSED_AT, 2 * TEN_BN_FEN)).state.cue?.state).toBe('crossed');
  });

  it('refuses to arm an amount that is no milestone of the show, or one already crossed', () => {
    const s = initialDirector(T0);
    expect(direct(s, { type: 'arm', amount: '123.00', mode: 'auto', milestone: null }, T0)).toEqual({
      ok: false,
      reason: 'cue-not-a-milestone-of-the-show',
    });
    expect(direct(s, { type: 'arm', amount: TEN_BN, mode: 'auto', milestone: { crossedAtMs: T0 } }, T0)).toEqual({
      ok: false,
      reason: 'cue-milestone-already-crossed',
    });
  });
});
