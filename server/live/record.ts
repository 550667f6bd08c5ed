import type { FastifyBaseLogger as Logger, FastifyInstance } from 'fastify';
import type { Snapshot, Tick } from '../../shared/protocol.js';
import type { StoreHandle } from '../store/client.js';
import { insertOnAir, onAirRow } from '../store/on-air.js';

/** Messages held while the store is slow or down: an hour of ticks at 10 Hz. */
const ON_AIR_BUFFER = 36_000;
/** How often the buffer is written, ms. */
const ON_AIR_FLUSH_MS = 1000;

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
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: StoreHandle,
    private readonly show: string,
    private readonly log: Logger,
    private readonly max = ON_AIR_BUFFER,
    flushMs = ON_AIR_FLUSH_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** Appends a broadcast message and hands it back, so a call can wrap the emit's argument. */
  record<M extends Snapshot | Tick>(kind: 'tick' | 'snapshot', m: M): M {
    this.lines.push(onAirRow(this.show, kind, m));
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
    if (this.lines.length === 0) return;
    const batch = this.lines;
    this.lines = [];
    const started = performance.now();
    try {
      await insertOnAir(this.store, batch.join(''));
      this.log.debug({ rows: batch.length, ms: Math.round(performance.now() - started) }, 'on-air record flushed');
    } catch (err) {
      // Keep them, oldest first, for the next flush; the cap still holds.
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
export function recordOnAir(app: FastifyInstance, store: StoreHandle, show: string, log: Logger): OnAirRecorder {
  const recorder = new OnAirRecorder(store, show, log);
  app.addHook('onClose', () => recorder.close());
  return recorder;
}
