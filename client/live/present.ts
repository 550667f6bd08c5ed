import type { Presented } from '../../shared/paint.js';
import type { Program, Snapshot, Tick } from '../../shared/protocol.js';

/** What a board shows at a presentation time: the figures, and the director's program. */
export type Presentable = Snapshot | Tick | Program;

/** A message waiting for its presentation time, and what to do with it then. */
interface Held {
  message: Presentable;
  apply: () => void;
  /** Client clock when it arrived. */
  arrivedMs: number;
  /** Client clock past which it is applied whatever the clocks say: a wrong offset never freezes a board. */
  latestMs: number;
}

/** What the presenter needs of the page; the defaults are the browser's. */
export interface PresenterHost {
  /** Client clock, epoch ms, in the same base as `frameMs`. */
  now(): number;
  /** Runs `cb` at the start of the next animation frame with that frame's start, epoch ms. */
  requestFrame(cb: (frameMs: number) => void): number;
  cancelFrame(id: number): void;
  setTimer(cb: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimer(id: ReturnType<typeof setTimeout>): void;
  /** A hidden page paints no frames: its messages are applied from a timer instead. */
  hidden(): boolean;
}

export type { Presented } from '../../shared/paint.js';

export interface Presenter {
  /** Holds a message until its `presentAtMs` (on the server clock), at most MAX_HOLD_MS, then runs `apply`. */
  hold(message: Presentable, apply: () => void): void;
  close(): void;
}

/** Longest a message is held, whatever its presentation time (PRESENT_DELAY_MS is at most 5 s). */
export const MAX_HOLD_MS = 10_000;

/** Wake this long before a message is due, then wait for the frame that starts at or after it. */
const WAKE_EARLY_MS = 20;

export function browserHost(): PresenterHost {
  return {
    now: () => performance.timeOrigin + performance.now(),
    requestFrame: (cb) => requestAnimationFrame((ts) => cb(performance.timeOrigin + ts)),
    cancelFrame: (id) => cancelAnimationFrame(id),
    setTimer: (cb, ms) => setTimeout(cb, ms),
    clearTimer: (id) => clearTimeout(id),
    hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  };
}

/**
 * Frame-locked presentation: every board shows a message at its `presentAtMs`, the same server
 * instant for all, using its measured offset (`offsetMs()`: client clock minus server clock, null
 * while unknown). A message is applied in the first animation frame that starts at or after
 * `presentAtMs + offset`; one without a time, or already late, in the next frame. Messages keep
 * their order (one socket delivers them in seq order) and none is dropped: a later one waits for
 * the earlier. Between messages nothing runs: a timer wakes shortly before one is due, then at
 * most a frame or two of checks (no work and no allocation per idle frame).
 */
export function createPresenter(
  offsetMs: () => number | null,
  onPresented: ((p: Presented) => void) | null = null,
  host: PresenterHost = browserHost(),
): Presenter {
  const queue: Held[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: number | null = null;
  let closed = false;

  const dueOf = (h: Held, offset: number | null): number =>
    h.message.presentAtMs === undefined || offset === null
      ? -Infinity
      : Math.min(h.message.presentAtMs + offset, h.latestMs);

  const applyDue = (frameMs: number): void => {
    const offset = offsetMs();
    while (queue.length > 0) {
      const head = queue[0]!;
      const due = dueOf(head, offset);
      if (due > frameMs) break;
      queue.shift();
      head.apply();
      // The paint probe follows the figures (a program carries no seq).
      if (!('seq' in head.message)) continue;
      onPresented?.({
        seq: head.message.seq,
        arrivedMs: head.arrivedMs,
        frameMs,
        dueMs: due,
        presentAtMs: head.message.presentAtMs ?? null,
        offsetMs: offset,
      });
    }
  };

  const onFrame = (frameMs: number): void => {
    frame = null;
    applyDue(frameMs);
    schedule();
  };

  const wake = (): void => {
    timer = null;
    if (host.hidden()) {
      applyDue(host.now());
      schedule();
      return;
    }
    frame ??= host.requestFrame(onFrame);
  };

  function schedule(): void {
    if (closed || queue.length === 0 || timer !== null || frame !== null) return;
    const wait = dueOf(queue[0]!, offsetMs()) - host.now();
    if (host.hidden()) timer = host.setTimer(wake, Math.max(0, wait));
    else if (wait > WAKE_EARLY_MS) timer = host.setTimer(wake, wait - WAKE_EARLY_MS);
    else frame = host.requestFrame(onFrame);
  }

  return {
    hold(message, apply) {
      if (closed) return;
      const now = host.now();
      queue.push({ message, apply, arrivedMs: now, latestMs: now + MAX_HOLD_MS });
      schedule();
    },
    close() {
      closed = true;
      if (timer !== null) host.clearTimer(timer);
      if (frame !== null) host.cancelFrame(frame);
      timer = null;
      frame = null;
      queue.length = 0;
    },
  };
}
