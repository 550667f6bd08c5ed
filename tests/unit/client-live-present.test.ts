import { describe, expect, it } from 'vitest';
import { createPresenter, MAX_HOLD_MS, type PresenterHost, type Presented } from '../../client/live/present.js';
import type { Tick } from '../../shared/protocol.js';

/** A page with a hand-driven clock: timers fire and frames start (every 16 ms) as the test advances it. */
function fakePage(startMs = 1_000_000) {
  let now = startMs;
  let hidden = false;
  let nextId = 1;
  const timers = new Map<number, { at: number; cb: () => void }>();
  const frames = new Map<number, (frameMs: number) => void>();
  const FRAME_MS = 16;
  const host: PresenterHost = {
    now: () => now,
    requestFrame(cb) {
      frames.set(nextId, cb);
      return nextId++;
    },
    cancelFrame: (id) => void frames.delete(id),
    setTimer(cb, ms) {
      timers.set(nextId, { at: now + ms, cb });
      return nextId++ as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: (id) => void timers.delete(id as unknown as number),
    hidden: () => hidden,
  };
  /** Advances the clock by whole frames, firing due timers and then the frame callbacks at each frame start. */
  const advance = (ms: number) => {
    const end = now + ms;
    while (now < end) {
      now = Math.min(end, Math.floor(now / FRAME_MS) * FRAME_MS + FRAME_MS);
      for (const [id, t] of [...timers]) {
        if (t.at <= now) {
          timers.delete(id);
          t.cb();
        }
      }
      if (hidden) continue;
      const due = [...frames];
      frames.clear();
      for (const [, cb] of due) cb(now);
    }
  };
  return {
    host,
    advance,
    get now() {
      return now;
    },
    hide: () => void (hidden = true),
    pendingWork: () => timers.size + frames.size,
  };
}

const tick = (seq: number, presentAtMs?: number) =>
  ({ seq, sentAtMs: (presentAtMs ?? 0) - 150, ...(presentAtMs === undefined ? {} : { presentAtMs }) }) as Tick;

function setup(offsetMs: number | null) {
  const page = fakePage();
  const applied: number[] = [];
  const presented: Presented[] = [];
  const presenter = createPresenter(
    () => offsetMs,
    (p) => presented.push(p),
    page.host,
  );
  const hold = (t: Tick) => presenter.hold(t, () => applied.push(t.seq));
  return { page, applied, presented, presenter, hold };
}

describe('createPresenter(offsetMs, onPresented, host)', () => {
  it('applies a message in the first frame that starts at or after presentAtMs plus the offset', () => {
    // The client clock runs 5000 ms ahead of the server's.
    const { page, applied, presented, hold } = setup(5000);
    const presentAt = page.now - 5000 + 150;
    hold(tick(1, presentAt));
    page.advance(140);
    expect(applied).toEqual([]);
    page.advance(40);
    expect(applied).toEqual([1]);
    const p = presented[0]!;
    expect(p.dueMs).toBe(presentAt + 5000);
    expect(p.frameMs).toBeGreaterThanOrEqual(p.dueMs);
    expect(p.frameMs - p.dueMs).toBeLessThan(16);
    expect(p).toMatchObject({ seq: 1, presentAtMs: presentAt, offsetMs: 5000 });
  });

  it('keeps the order and drops nothing, applying late messages in the next frame', () => {
    const { page, applied, presented, hold } = setup(0);
    const t0 = page.now;
    hold(tick(1, t0 - 1000)); // late
    hold(tick(2, t0 + 100));
    hold(tick(3, t0 + 50)); // due earlier than 2: waits for it
    hold(tick(4, t0 + 300));
    page.advance(16);
    expect(applied).toEqual([1]);
    page.advance(100);
    expect(applied).toEqual([1, 2, 3]);
    expect(presented[1]!.frameMs).toBe(presented[2]!.frameMs);
    page.advance(300);
    expect(applied).toEqual([1, 2, 3, 4]);
  });

  it('applies at once (next frame) a message without a time or while the offset is unknown', () => {
    const a = setup(0);
    a.hold(tick(1));
    a.page.advance(16);
    expect(a.applied).toEqual([1]);
    const b = setup(null);
    b.hold(tick(1, b.page.now + 10_000));
    b.page.advance(16);
    expect(b.applied).toEqual([1]);
  });

  it('never holds a message past MAX_HOLD_MS, whatever the offset says', () => {
    const { page, applied, hold } = setup(0);
    hold(tick(1, page.now + 3_600_000));
    page.advance(MAX_HOLD_MS - 32);
    expect(applied).toEqual([]);
    page.advance(64);
    expect(applied).toEqual([1]);
  });

  it('applies from a timer on a hidden page, which paints no frames', () => {
    const { page, applied, hold } = setup(0);
    page.hide();
    hold(tick(1, page.now + 100));
    page.advance(200);
    expect(applied).toEqual([1]);
  });

  it('leaves nothing scheduled between messages and after close', () => {
    const { page, applied, presenter, hold } = setup(0);
    hold(tick(1, page.now + 50));
    page.advance(100);
    expect(applied).toEqual([1]);
    expect(page.pendingWork()).toBe(0);
    hold(tick(2, page.now + 50));
    presenter.close();
    page.advance(100);
    expect(applied).toEqual([1]);
    expect(page.pendingWork()).toBe(0);
  });
});

describe('createPresenter with the director program', () => {
  it('shows a program message at its presentation time, after the figures before it, and probes no paint for it', () => {
    const { page, applied, presented, presenter, hold } = setup(0);
    const program = { rev: 2, scene: { kind: 'hero' }, held: false, heldSeq: null, atMs: 0 } as const;
    const takeAt = page.now + 100;
    hold(tick(1, page.now + 50));
    presenter.hold({ ...program, presentAtMs: takeAt }, () => applied.push(-program.rev));
    page.advance(60);
    expect(applied).toEqual([1]);
    page.advance(100);
    expect(applied).toEqual([1, -2]);
    // Applied in the first frame at or after its time, as a tick is.
    expect(presented.map((p) => p.seq)).toEqual([1]);
  });
});
