import { useSyncExternalStore } from 'react';
import { MARKS_PATH, type MarkList } from '../../shared/marks.js';
import type { MarksNotice } from '../../shared/protocol.js';
import type { Snapshot } from '../../shared/protocol.js';

/**
 * A board's run-of-show marks (docs/director.md). The socket carries only the marks' rev (in
 * each snapshot, and a `marks` notice on each change, through the adapter on every node); a
 * board whose list has another rev reads GET /api/v1/marks again. So a message is a few bytes
 * however many marks a show has, and a board never reads the list on a tick.
 */
export interface MarksStore {
  /** The list the board has; null: none read yet. */
  getState(): MarkList | null;
  subscribe(listener: () => void): () => void;
  set(list: MarkList): void;
}

export function createMarksStore(): MarksStore {
  let state: MarkList | null = null;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(list) {
      if (state !== null && state.show === list.show && state.rev === list.rev) return;
      state = list;
      for (const l of listeners) l();
    },
  };
}

export function useMarks(store: MarksStore | null): MarkList | null {
  const s = store ?? NO_MARKS;
  return useSyncExternalStore(s.subscribe, s.getState, s.getState);
}

const NO_MARKS: MarksStore = { getState: () => null, subscribe: () => () => {}, set: () => {} };

/** The path of a show's marks for this page (its `?token=` goes along as the header, by apiGet). */
export function marksPath(show: string): string {
  return `${MARKS_PATH}?show=${encodeURIComponent(show)}`;
}

/** A socket that carries the board's messages with the marks' rev (the live namespace). */
interface MarksSocket {
  on(event: 'snapshot', listener: (s: Snapshot) => void): unknown;
  on(event: 'marks', listener: (n: MarksNotice) => void): unknown;
}

/** A list read failed: tried again this much later, while the rev still differs. */
const RETRY_MS = 5000;
/**
 * A notice reaches every board at once: each reads within this many ms of it, at random, so a
 * thousand walls do not ask the live node in the same instant.
 */
const SPREAD_MS = 1000;

/**
 * Feeds a marks store from the live socket: whenever a snapshot's `marksRev` or a `marks` notice
 * names a rev other than the list's, the list is read again (one read at a time; a change that
 * arrives meanwhile is read after it).
 */
export function followMarks(
  socket: MarksSocket,
  store: MarksStore,
  get: (path: string) => Promise<MarkList>,
  spreadMs = SPREAD_MS,
): () => void {
  let want: MarksNotice | null = null;
  let busy = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const read = async (): Promise<void> => {
    if (busy || closed || want === null) return;
    const have = store.getState();
    if (have !== null && have.show === want.show && have.rev === want.rev) return;
    busy = true;
    try {
      store.set(await get(marksPath(want.show)));
    } catch {
      clearTimeout(retry);
      retry = setTimeout(() => void read(), RETRY_MS);
      return;
    } finally {
      busy = false;
    }
    // A notice that came while reading, or a list read before the change it was asked for.
    const now = store.getState();
    if (now === null || now.show !== want.show || now.rev < want.rev) void read();
  };
  let spread: ReturnType<typeof setTimeout> | undefined;
  const note = (n: MarksNotice, later: boolean): void => {
    want = n;
    if (!later || spreadMs <= 0) return void read();
    clearTimeout(spread);
    spread = setTimeout(() => void read(), Math.random() * spreadMs);
  };
  // A snapshot (a board that connects) reads at once; a notice (every board at once) spreads out.
  socket.on('snapshot', (s) => {
    if (s.marksRev !== undefined) note({ show: s.show.id, rev: s.marksRev }, false);
  });
  socket.on('marks', (n) => note(n, true));
  return () => {
    closed = true;
    clearTimeout(retry);
    clearTimeout(spread);
  };
}
