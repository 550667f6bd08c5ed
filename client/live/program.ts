import { useSyncExternalStore } from 'react';
import type { Program, Snapshot } from '../../shared/protocol.js';
import type { LiveState } from './state.js';
import type { LiveStore } from './store.js';

/**
 * The director's program on a board (docs/director.md): the scene on air and the hold. While
 * held the wall shows `frozen`, the live state as it stood at the held seq, and the live state
 * goes on underneath; after a release it shows the frozen figures until the live ones are at
 * least as large, so the counter only ever counts up.
 */
export interface WallProgram {
  program: Program | null;
  /** What the wall shows instead of the live state (held, or a release not caught up yet); null: the live state. */
  frozen: LiveState | null;
}

/** Whether `live`'s figures are at least `frozen`'s: the gross counter and order count never go back. */
function caughtUp(live: LiveState, frozen: LiveState): boolean {
  if (live.gmvFen === null || live.figures === null) return false;
  if (frozen.gmvFen === null || frozen.figures === null) return true;
  return live.gmvFen >= frozen.gmvFen && live.figures.gross.orders >= frozen.figures.gross.orders;
}

/**
 * The figures the wall keeps, after a change of the program or of the live state. Held: the
 * first live state at or past the held seq (a board that joined during the hold: its first
 * snapshot). Released: the frozen figures stay until the live ones catch up.
 */
export function nextFrozen(program: Program | null, frozen: LiveState | null, live: LiveState): LiveState | null {
  if (program?.held) {
    if (frozen !== null) return frozen;
    const seq = live.figures?.seq;
    return seq !== undefined && seq >= (program.heldSeq ?? -Infinity) ? live : null;
  }
  return frozen !== null && !caughtUp(live, frozen) ? frozen : null;
}

/** The state the wall's figures come from. */
export function shownState(live: LiveState, wall: WallProgram): LiveState {
  return wall.frozen ?? live;
}

export interface ProgramStore {
  getState(): WallProgram;
  subscribe(listener: () => void): () => void;
  /** A program from a snapshot (`absolute`: it wins, a new stream) or a `program` message (kept when newer). */
  apply(program: Program, absolute: boolean): void;
  close(): void;
}

/** Follows the live store: every state it takes is judged for the hold, none is skipped. */
export function createProgramStore(live: LiveStore): ProgramStore {
  let state: WallProgram = { program: null, frozen: null };
  const listeners = new Set<() => void>();
  const set = (next: WallProgram): void => {
    if (next.program === state.program && next.frozen === state.frozen) return;
    state = next;
    for (const l of listeners) l();
  };
  const settle = (program: Program | null): void =>
    set({ program, frozen: nextFrozen(program, state.frozen, live.getState()) });
  const stop = live.subscribe(() => settle(state.program));
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(program, absolute) {
      if (!absolute && state.program !== null && program.rev <= state.program.rev) return;
      settle(program);
    },
    close: stop,
  };
}

export function useProgram(store: ProgramStore): WallProgram {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}

const NO_WALL: WallProgram = { program: null, frozen: null };

/** The program of a board no director drives (replays): the full board, never held. */
export const NO_PROGRAM: ProgramStore = {
  getState: () => NO_WALL,
  subscribe: () => () => {},
  apply: () => {},
  close: () => {},
};

/** A socket that carries the board's messages with the program (the live namespace). */
interface ProgramSocket {
  on(event: 'snapshot', listener: (s: Snapshot) => void): unknown;
  on(event: 'program', listener: (p: Program) => void): unknown;
}

/**
 * Feeds a program store from the live socket: each snapshot's program (absolute), each `program`
 * message (when newer) at its presentation time (`present`: the board's frame lock), so every
 * panel of the wall switches scene in the same frame.
 */
export function followProgram(
  socket: ProgramSocket,
  program: ProgramStore,
  present: (p: Program, apply: () => void) => void = (_p, apply) => apply(),
): void {
  socket.on('snapshot', (s) => {
    if (s.program) program.apply(s.program, true);
  });
  socket.on('program', (p) => present(p, () => program.apply(p, false)));
}
