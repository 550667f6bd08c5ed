import type { FastifyBaseLogger as Logger, FastifyInstance } from 'fastify';
import type { Program, Snapshot, Tick } from '../../shared/protocol.js';
import type { StoreHandle } from '../store/client.js';
import { insertOnAir, insertOnAirFrames, onAirFrameRow, onAirRow } from '../store/on-air.js';
import { FrameSampler } from './on-air-frames.js';

/** Messages held while the store is slow or down: an hour of ticks at 10 Hz. */
const ON_AIR_BUFFER = 36_000;
/** How often the buffer is written, ms. */
const ON_AIR_FLUSH_MS = 1000;
/** Frames held while the store is slow or down: an hour at one a second. */
const FRAME_BUFFER = 3600;

/** What the recorder reads of the live node besides the messages (all optional: a bare recorder records totals). */
export interface OnAirSources {
  /** The director's program on air. */
  program?: () => Program | null;
  /** How many times the live state was built (a rebuild from the store after a failure adds one). */
  builds?: () => number;
  /** Days each row is kept (ON_AIR_RETENTION_DAYS). */
  keepDays?: number;
}

/**
 * Records every message the live show broadcasts into `on_air`, so an analyst can
 * ask what the wall showed at any moment. `record` only appends a line to a
 * buffer: the broadcast never waits for the store. The buffer is written in one
 * INSERT a second; while the store is slow or down it holds at most
 * ON_AIR_BUFFER messages and drops the oldest, counting them in the log.
 */
export class OnAirRecorder {
  private lines: string[] = [];
  private flushing: Promise<void> | null = null;
  private frames: string[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly sampler = new FrameSampler();
  private builds = -1;
  private builtAtMs = 0;

  constructor(
    private readonly store: StoreHandle,
    private readonly show: string,
    private readonly log: Logger,
    private readonly max = ON_AIR_BUFFER,
    flushMs = ON_AIR_FLUSH_MS,
    private readonly sources: OnAirSources = {},
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** Appends a broadcast message and hands it back, so a call can wrap the emit's argument. */
  record<M extends Snapshot | Tick>(kind: 'tick' | 'snapshot', m: M): M {
    const keepDays = this.sources.keepDays ?? 400;
    // A new build of the live state (the first, or a rebuild from the store) is dated by its first message.
    const builds = this.sources.builds?.() ?? 0;
    if (builds !== this.builds) {
      this.builds = builds;
      this.builtAtMs = m.sentAtMs;
    }
    this.lines.push(onAirRow(this.show, kind, m, { builtAtMs: this.builtAtMs, keepDays }));
    const frame = this.sampler.offer(m, this.sources.program?.() ?? null);
    if (frame !== null) {
      this.frames.push(onAirFrameRow(this.show, m.seq, m.sentAtMs, frame, keepDays));
      if (this.frames.length > FRAME_BUFFER) {
        this.frames.splice(0, this.frames.length - FRAME_BUFFER);
        this.dropped++;
      }
    }
    if (this.lines.length > this.max) {
      const over = this.lines.length - this.max;
      this.lines.splice(0, over);
      this.dropped += over;
    }
    return m;
  }

  /** Messages waiting to be written. */
  get pending(): number {
    return this.lines.length;
  }

  /** Frames waiting to be written. */
  get pendingFrames(): number {
    return this.frames.length;
  }

  /** Writes what is buffered in one INSERT (one flush at a time); failures keep the lines for the next try. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped }, 'on-air record: buffer full, oldest messages dropped');
      this.dropped = 0;
    }
    if (this.lines.length === 0 && this.frames.length === 0) return;
    const batch = this.lines;
    this.lines = [];
    const frames = this.frames;
    this.frames = [];
    const started = performance.now();
    let framesWritten = false;
    try {
      // Frames first: a message's frame is never read without its message.
      await insertOnAirFrames(this.store, frames.join(''));
      framesWritten = true;
      await insertOnAir(this.store, batch.join(''));
      this.log.debug(
        { rows: batch.length, frames: frames.length, ms: Math.round(performance.now() - started) },
        'on-air record flushed',
      );
    } catch (err) {
      // Keep what was not written, oldest first, for the next flush; the caps still hold.
      if (!framesWritten) this.frames = frames.concat(this.frames).slice(-FRAME_BUFFER);
      this.lines = batch.concat(this.lines);
      const over = this.lines.length - this.max;
      if (over > 0) {
        this.lines.splice(0, over);
        this.dropped += over;
      }
      this.log.warn({ err: String(err), pending: this.lines.length }, 'on-air record: write failed, will retry');
    }
  }

  /**
   * Stops the timer and writes what is left (one try, bounded in time: a store
   * that is down or hung loses those messages, logged, rather than holding shutdown).
   */
  async close(waitMs = 5000): Promise<void> {
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitMs)));
    await Promise.race([(this.flushing ?? Promise.resolve()).then(() => this.flush()), deadline]);
    clearTimeout(timeout);
    if (this.lines.length > 0) {
      this.log.warn({ lost: this.lines.length }, 'on-air record: messages not written at close');
    }
  }
}

/**
 * The recorder of the show on air, flushed when the app closes: after the live
 * plugin's last tick (preClose) and before the store closes (onClose hooks run
 * last-registered first, and the store registered before the live plugin).
 */
export function recordOnAir(
  app: FastifyInstance,
  store: StoreHandle,
  show: string,
  log: Logger,
  sources: OnAirSources = {},
): OnAirRecorder {
  const recorder = new OnAirRecorder(store, show, log, ON_AIR_BUFFER, ON_AIR_FLUSH_MS, sources);
  app.addHook('onClose', () => recorder.close());
  return recorder;
}
