import { describe, expect, it } from 'vitest';
import { checkScene, direct, initialDirector, newerProgram, type DirectorState } from '../../shared/director.js';

const T0 = Date.UTC(2015, 10, 10, 16);

function step(state: DirectorState, ...args: Parameters<typeof direct> extends [unknown, ...infer R] ? R : never) {
  const r = direct(state, ...args);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('direct(state, action)', () => {
  it('starts with the full board on air and in preview, not held', () => {
    const s = initialDirector(T0);
    expect(s.program).toEqual({ rev: 0, scene: { kind: 'board' }, held: false, heldSeq: null, atMs: T0 });
    expect(s.preview).toEqual({ kind: 'board' });
  });

  it('a preview never changes what is on air; a take puts the preview on air', () => {
    const s0 = initialDirector(T0);
    const p = step(s0, { type: 'preview', scene: { kind: 'hero' } }, T0 + 1);
    expect(p.onAir).toBe(false);
    expect(p.state.program).toBe(s0.program);
    expect(p.state.preview).toEqual({ kind: 'hero' });
    const t = step(p.state, { type: 'take' }, T0 + 2);
    expect(t.onAir).toBe(true);
    expect(t.state.program).toMatchObject({ rev: 1, scene: { kind: 'hero' }, held: false, atMs: T0 + 2 });
  });

  it('a take keeps a hold, and a hold keeps the seq of the figures on air until released', () => {
    let s = initialDirector(T0);
    s = step(s, { type: 'hold', seq: 41 }, T0).state;
    expect(s.program).toMatchObject({ held: true, heldSeq: 41, rev: 1 });
    s = step(s, { type: 'preview', scene: { kind: 'milestone', milestone: '10000000000.00' } }, T0).state;
    s = step(s, { type: 'take' }, T0).state;
    expect(s.program).toMatchObject({ held: true, heldSeq: 41, rev: 2 });
    expect(s.program.scene).toEqual({ kind: 'milestone', milestone: '10000000000.00' });
    const again = step(s, { type: 'hold', seq: 99 }, T0);
    expect(again.onAir).toBe(false);
    expect(again.state.program.heldSeq).toBe(41);
    const released = step(s, { type: 'release' }, T0);
    expect(released.onAir).toBe(true);
    expect(released.state.program).toMatchObject({ held: false, heldSeq: null, rev: 3 });
    expect(step(released.state, { type: 'release' }, T0).onAir).toBe(false);
  });

  it('refuses a milestone card without its milestone, and a milestone on any other scene', () => {
    const s = initialDirector(T0);
    expect(direct(s, { type: 'preview', scene: { kind: 'milestone' } }, T0)).toEqual({
      ok: false,
      reason: 'milestone-scene-needs-milestone',
    });
    expect(checkScene({ kind: 'map', milestone: '1.00' })).toBe('scene-takes-no-milestone');
    expect(checkScene({ kind: 'countdown' })).toBeNull();
  });

  it('lets the board and map scenes name the map view, and no other scene', () => {
    expect(checkScene({ kind: 'map', map: 'china' })).toBeNull();
    expect(checkScene({ kind: 'board', map: 'world' })).toBeNull();
    expect(checkScene({ kind: 'hero', map: 'china' })).toBe('scene-takes-no-map');
    expect(checkScene({ kind: 'milestone', milestone: '1.00', map: 'world' })).toBe('scene-takes-no-map');
    const s = direct(initialDirector(T0), { type: 'preview', scene: { kind: 'map', map: 'china' } }, T0);
    expect(s.ok && direct(s.state, { type: 'take' }, T0)).toMatchObject({
      ok: true,
      state: { program: { scene: { kind: 'map', map: 'china' } } },
    });
  });

  it('newerProgram(a, b) keeps the higher rev whichever order they come in', () => {
    const a = initialDirector(T0).program;
    const b = step(initialDirector(T0), { type: 'hold', seq: 3 }, T0).state.program;
    expect(newerProgram(a, b)).toBe(b);
    expect(newerProgram(b, a)).toBe(b);
    expect(newerProgram(null, a)).toBe(a);
    expect(newerProgram(a, undefined)).toBe(a);
  });
});
