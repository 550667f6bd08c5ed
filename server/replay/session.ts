import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ReplayControl, ReplayStatus } from '../../shared/history.js';
import { REPLAY_MAX_SPEED, REPLAY_MIN_SPEED } from '../../shared/history.js';
import type { Snapshot, Tick } from '../../shared/protocol.js';
import type { LiveBoard } from '../domain/board.js';
import { buildTick, frameSource, showSnapshot, type FrameSource } from '../domain/frames.js';
import type { StoreHandle } from '../store/client.js';
import { formatFen } from '../../shared/money.js';
import { encodeSnapshot, encodeTick } from '../wire.js';
import { advanceBoard, milestonesAt, seekBoard, type ReplayContext } from './reads.js';
import { ReplayError } from './errors.js';

/** Where a session's messages go: the room of its viewers. */
export interface ReplayOutlet {
  snapshot(s: Snapshot): void;
  tick(t: Tick): void;
  status(s: ReplayStatus): void;
}

const HEARTBEAT_MS = 1000;
/** Controls waiting behind the read in flight before more are refused. */
const MAX_WAITING = 4;
/** Least time between two snapshots of a replay (one per broadcast interval). */
const SNAPSHOT_GAP_MS = 100;

interface QueuedMove {
  target: { to: number } | { by: number };
  done: Promise<void>;
}

/**
 * One replay: a LiveBoard standing at a whole second of event time, moved by
 * seeks (a full read) and by play frames (only the new seconds). All viewers get
 * the same messages; reads run one at a time, and a play frame that finds a read
 * in flight is skipped, so the next frame covers the time it would have.
 */
export class ReplaySession {
  positionMs: number;
  playing = false;
  seq = 0;
  healthy = true;
  readonly viewers = new Set<string>();
  /** Wall time since which nobody watches (null while someone does). */
  emptySince: number | null;
  private board: LiveBoard | null = null;
  private busy = false;
  private waiting = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Show-time owed to the position, ms (speed × wall time since the last frame). */
  private credit = 0;
  private lastWall = 0;
  private lastSentMs = 0;
  private lastStatusMs = 0;
  private lastSnapshotMs = 0;
  /** A seek or step waiting for its turn, which later ones join. */
  private queuedMove: QueuedMove | null = null;
  private closed = false;

  constructor(
    readonly id: string,
    readonly ctx: ReplayContext,
    readonly fromMs: number,
    readonly toMs: number,
    public speed: number,
    private readonly store: StoreHandle,
    private readonly out: ReplayOutlet,
    private readonly log: Logger,
  ) {
    this.positionMs = fromMs;
    this.emptySince = Date.now();
  }

  /** Reads the board at the start of the range (before anyone watches). */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      this.board = await seekBoard(this.store, this.ctx, this.positionMs);
    });
  }

  status(): ReplayStatus {
    return {
      id: this.id,
      show: this.ctx.show.id,
      fromMs: this.fromMs,
      toMs: this.toMs,
      positionMs: this.positionMs,
      speed: this.speed,
      playing: this.playing,
      viewers: this.viewers.size,
      bookmarks: this.ctx.crossings
        .filter((c) => c.atMs !== null && c.atMs >= this.fromMs && c.atMs < this.toMs)
        .map((c) => ({ amount: formatFen(c.fen), kind: c.kind, atMs: c.atMs! })),
    };
  }

  /** The board at the current position with the current seq: what a joining or resyncing viewer gets. */
  snapshot(): Snapshot {
    return encodeSnapshot(showSnapshot(this.source(), 'events'));
  }

  broadcastStatus(now = Date.now()): void {
    this.lastStatusMs = now;
    this.out.status(this.status());
  }

  async control(c: ReplayControl): Promise<void> {
    switch (c.action) {
      case 'play':
        // In turn with the reads and controls before it (a pause waiting for the frame in flight
        // must not land after it), and from where the frame in flight leaves the position.
        await this.exclusive(async () => {
          if (this.positionMs >= this.toMs) await this.moveTo(this.fromMs);
          this.playing = this.positionMs < this.toMs;
          this.credit = 0;
          this.lastWall = Date.now();
        });
        break;
      case 'pause':
        // After the frame in flight: once the ack is sent, no tick follows.
        await this.exclusive(async () => {
          this.playing = false;
        });
        break;
      case 'speed':
        this.speed = checkSpeed(c.speed);
        break;
      case 'seek':
        if (typeof c.atMs !== 'number' || !Number.isFinite(c.atMs))
          throw new ReplayError('GMV_ERR_REPLAY_REQUEST', 'seek needs atMs, epoch ms');
        await this.seek(c.atMs);
        break;
      case 'step': {
        const n = c.seconds;
        if (!Number.isInteger(n) || n === 0 || Math.abs(n) > 86_400)
          throw new ReplayError('GMV_ERR_REPLAY_REQUEST', 'step needs a whole number of seconds, not 0');
        // Likewise in turn, from the position the frame in flight leaves.
        await this.move({ by: n * 1000 });
        break;
      }
      default:
        throw new ReplayError('GMV_ERR_REPLAY_REQUEST', 'action must be play, pause, speed, seek or step');
    }
    this.broadcastStatus();
  }

  /** Moves to a whole second within the range and sends every viewer a snapshot there. */
  private seek(atMs: number): Promise<void> {
    return this.move({ to: atMs });
  }

  /**
   * A seek or step, in turn with the reads before it. Moves that arrive while one
   * is already waiting join it (the last seek wins, steps add up), and snapshots
   * go out at most once per SNAPSHOT_GAP_MS: a viewer holding an arrow key or
   * flooding seeks costs a few full reads a second, not one per request.
   */
  private move(m: { to: number } | { by: number }): Promise<void> {
    const queued = this.queuedMove;
    if (queued) {
      if ('to' in m) queued.target = { to: m.to };
      else queued.target = 'to' in queued.target ? { to: queued.target.to + m.by } : { by: queued.target.by + m.by };
      return queued.done;
    }
    const job: QueuedMove = { target: m, done: Promise.resolve() };
    job.done = this.exclusive(async () => {
      this.queuedMove = null;
      const wait = this.lastSnapshotMs + SNAPSHOT_GAP_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.playing &&= 'to' in job.target;
      const t = job.target;
      await this.moveTo('to' in t ? t.to : this.positionMs + t.by);
    });
    this.queuedMove = job;
    return job.done;
  }

  /** The seek itself; only inside exclusive(). */
  private async moveTo(atMs: number): Promise<void> {
    const target = Math.min(this.toMs, Math.max(this.fromMs, Math.floor(atMs / 1000) * 1000));
    try {
      this.board = await seekBoard(this.store, this.ctx, target);
      this.healthy = true;
    } catch (err) {
      this.healthy = false;
      throw err;
    }
    this.positionMs = target;
    this.credit = 0;
    this.lastWall = Date.now();
    this.seq++;
    this.lastSentMs = Date.now();
    this.lastSnapshotMs = this.lastSentMs;
    this.out.snapshot(this.snapshot());
  }

  /**
   * One play frame (called every tick interval): the position moves by whole
   * seconds of the show-time owed, reading only those seconds; at the end of the
   * range the replay pauses. Between moves a heartbeat tick keeps clocks alive.
   */
  frame(now = Date.now()): void {
    if (!this.playing || this.closed || !this.board || this.busy || this.waiting > 0) return;
    this.credit += Math.max(0, now - this.lastWall) * this.speed;
    this.lastWall = now;
    const step = Math.floor(this.credit / 1000) * 1000;
    if (step === 0) {
      if (now - this.lastSentMs >= HEARTBEAT_MS) this.sendTick(now);
      return;
    }
    this.credit -= step;
    const from = this.positionMs;
    const to = Math.min(this.toMs, from + step);
    const board = this.board;
    this.exclusive(async () => {
      // A seek that came first has moved the board: this frame is void.
      if (!this.playing || this.board !== board || this.positionMs !== from) return;
      await advanceBoard(this.store, board, this.ctx, from, to);
      this.positionMs = to;
      this.sendTick(Date.now());
      if (to >= this.toMs) {
        this.playing = false;
        this.credit = 0;
        this.broadcastStatus();
      } else if (Date.now() - this.lastStatusMs >= 1000) this.broadcastStatus();
    }).catch((err: unknown) => {
      // A failed read leaves the board part-advanced: pause; the next seek reads it whole.
      this.log.warn({ replay: this.id, err: String(err) }, 'replay frame failed');
      this.healthy = false;
      this.playing = false;
      this.board = null;
      this.broadcastStatus();
      void this.seek(this.positionMs).catch(() => undefined);
    });
  }

  close(): void {
    this.closed = true;
    this.playing = false;
  }

  private sendTick(now: number): void {
    if (!this.board) return;
    this.seq++;
    this.lastSentMs = now;
    const changed = this.board.takeChanged();
    this.out.tick(encodeTick(buildTick(this.source(), this.ctx.show.id, changed, { arcs: [], ordersPerArc: 0 })));
  }

  private source(): FrameSource {
    const board = this.board;
    if (!board) throw new ReplayError('GMV_ERR_STORE_UNAVAILABLE', 'the replay could not be read; retry later');
    const milestones = milestonesAt(this.ctx, this.positionMs);
    return frameSource(this.ctx, board, { seq: this.seq, asOfMs: this.positionMs, healthy: this.healthy }, milestones);
  }

  /** Runs reads one at a time; a control waits for the read in flight, a few at most. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.waiting >= MAX_WAITING)
      return Promise.reject(new ReplayError('GMV_ERR_REPLAY_BUSY', 'the replay is still busy; retry'));
    this.waiting++;
    const run = this.chain.then(async () => {
      this.waiting--;
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
      }
    });
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** A speed within the limits (show-seconds per real second). */
export function checkSpeed(speed: unknown): number {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < REPLAY_MIN_SPEED || speed > REPLAY_MAX_SPEED)
    throw new ReplayError(
      'GMV_ERR_REPLAY_SPEED',
      `speed must be a number from ${REPLAY_MIN_SPEED} to ${REPLAY_MAX_SPEED}`,
    );
  return speed;
}
