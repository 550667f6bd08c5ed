import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { orderKey } from '../domain/fingerprints.js';
import type { StoreHandle } from '../store/client.js';
import { insertOrders } from '../store/orders.js';
import type { FlushEvent } from '../telemetry.js';
import type { OrderClaims, Verdict } from './claims.js';

export interface WriteResult {
  accepted: number;
  duplicates: number;
}

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
export class OverloadedError extends Error {
  override name = 'OverloadedError';
}
/** Some orders of the request are being written by another node: send it again shortly. */
export class ClaimedElsewhereError extends Error {
  override name = 'ClaimedElsewhereError';
}

interface Request {
  orders: readonly Order[];
  accepted: number;
  duplicates: number;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

export interface WriterDeps {
  store: StoreHandle;
  /** Order-level dedup: in memory for one node, in Redis across nodes. */
  claims: OrderClaims;
  log: Logger;
  /** Most orders queued before new requests are shed. */
  maxPending: number;
  /** Most orders written by one INSERT. */
  maxFlush: number;
  /** Called with the orders of each committed INSERT, before any request is answered. */
  onCommitted: (orders: Order[], committedAtMs: number) => void;
  /** Called when an INSERT failed and may have partly landed: live state must be rebuilt. */
  onFailure: (shows: ReadonlySet<string>) => void;
  /** Runs before each flush: brings the live state back in line with the store if needed. */
  prepare: () => Promise<void>;
  /** Called after each committed flush, before its requests are answered. */
  onFlush?: (flush: FlushEvent) => void;
}

/**
 * Group commit: requests queue up while an INSERT is in flight and the next
 * flush writes them all at once. Requests are answered only after their INSERT
 * committed, so "accepted" always means "stored". One writer per process
 * serialises dedup decisions in the process; the claims (OrderClaims) make them
 * hold across processes when several nodes write to one store.
 */
export class IngestWriter {
  private queue: Request[] = [];
  private queued = 0;
  private flushing = false;
  private idle: (() => void)[] = [];
  readonly stats = { flushes: 0, rows: 0, duplicates: 0, failures: 0, lastFlushMs: 0 };
  private window = { at: performance.now(), flushes: 0, rows: 0, maxMs: 0 };

  constructor(private readonly deps: WriterDeps) {}

  /** Orders waiting to be written. */
  get pending(): number {
    return this.queued;
  }

  /** True while a flush is in flight or requests wait. */
  get busy(): boolean {
    return this.flushing || this.queue.length > 0;
  }

  submit(orders: readonly Order[]): Promise<WriteResult> {
    if (orders.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    if (this.queued + orders.length > this.deps.maxPending) {
      return Promise.reject(new OverloadedError(`${this.queued} orders already waiting`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ orders, accepted: 0, duplicates: 0, resolve, reject });
      this.queued += orders.length;
      void this.run();
    });
  }

  /** Resolves once everything queued so far has been written or refused. */
  drain(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async run(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch: Request[] = [];
      let rows = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || rows + this.queue[0]!.orders.length <= this.deps.maxFlush)
      ) {
        const r = this.queue.shift()!;
        rows += r.orders.length;
        batch.push(r);
      }
      const trigger = this.queue.length > 0 ? 'size' : 'idle';
      try {
        await this.flush(batch, trigger);
      } catch (err) {
        for (const r of batch) r.reject(err as Error);
      } finally {
        this.queued -= rows;
      }
    }
    this.flushing = false;
    for (const done of this.idle.splice(0)) done();
  }

  private async flush(batch: Request[], trigger: string): Promise<void> {
    const started = performance.now();
    const { claims } = this.deps;
    try {
      await this.deps.prepare();
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'could not read the store before writing');
      throw new StoreUnavailableError('store unavailable');
    }

    // Distinct keys go to the claims; a repeat within the flush follows its first occurrence.
    const first = new Map<string, number>();
    const candidates: [Request, Order][] = [];
    const repeats: [Request, number][] = [];
    for (const r of batch) {
      for (const o of r.orders) {
        const key = `${o.show}\u0000${orderKey(o.order_id, o.type)}`;
        const at = first.get(key);
        if (at === undefined) {
          first.set(key, candidates.length);
          candidates.push([r, o]);
        } else repeats.push([r, at]);
      }
    }
    let verdicts: Verdict[];
    try {
      verdicts = await claims.claim(candidates.map(([, o]) => o));
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'could not check stored orders');
      throw new StoreUnavailableError('store unavailable');
    }

    // An order another node is writing has no known fate yet: its request is refused whole
    // (and may be sent again), never answered "accepted" or "duplicate". Nothing of a refused
    // request is written on its behalf: an order it shares with another request of the flush
    // is answered for by that request.
    const refused = new Set<Request>();
    verdicts.forEach((v, i) => v === 'busy' && refused.add(candidates[i]![0]));
    for (const [r, at] of repeats) if (verdicts[at] === 'busy') refused.add(r);
    const owner: (Request | null)[] = candidates.map(([r]) => (refused.has(r) ? null : r));
    for (const [r, at] of repeats) {
      if (refused.has(r)) continue;
      if (owner[at] === null) owner[at] = r;
      else r.duplicates++;
    }
    const fresh: [Request, Order][] = [];
    const unowned: Order[] = [];
    candidates.forEach(([, o], i) => {
      const r = owner[i];
      if (verdicts[i] === 'new') {
        if (r) fresh.push([r, o]);
        else unowned.push(o);
      } else if (verdicts[i] === 'duplicate' && r) r.duplicates++;
    });
    if (unowned.length > 0) await claims.release(unowned, false);

    const rows = fresh.map(([, o]) => o);
    try {
      await insertOrders(this.deps.store, rows);
    } catch (err) {
      this.stats.failures++;
      const shows = new Set(batch.flatMap((r) => r.orders.map((o) => o.show)));
      await claims.release(rows, true);
      this.deps.onFailure(shows);
      this.deps.log.error({ err: String(err), rows: rows.length }, 'insert failed; nothing in this flush acknowledged');
      throw new StoreUnavailableError('store unavailable');
    }
    const committedAt = Date.now();
    await claims.commit(rows);
    for (const [r] of fresh) r.accepted++;
    this.deps.onCommitted(rows, committedAt);

    const ms = performance.now() - started;
    const dups = batch.reduce((n, r) => n + (refused.has(r) ? 0 : r.duplicates), 0);
    this.stats.flushes++;
    this.stats.rows += rows.length;
    this.stats.duplicates += dups;
    this.stats.lastFlushMs = ms;
    this.deps.log.debug(
      {
        rows: rows.length,
        duplicates: dups,
        requests: batch.length,
        refused: refused.size,
        ms: Math.round(ms),
        trigger,
      },
      'flush',
    );
    this.summarise(rows.length, ms);
    this.deps.onFlush?.({
      rows: rows.length,
      duplicates: dups,
      requests: batch.length - refused.size,
      ms,
      trigger,
      shows: [...new Set(rows.map((o) => o.show))],
    });
    for (const r of batch) {
      if (refused.has(r)) r.reject(new ClaimedElsewhereError('orders in flight on another node'));
      else r.resolve({ accepted: r.accepted, duplicates: r.duplicates });
    }
  }

  /** One info line per 10 s of flushes, so the log stays readable at gala rates. */
  private summarise(rows: number, ms: number): void {
    const w = this.window;
    w.flushes++;
    w.rows += rows;
    w.maxMs = Math.max(w.maxMs, ms);
    const elapsed = performance.now() - w.at;
    if (elapsed < 10_000) return;
    this.deps.log.info(
      {
        flushes: w.flushes,
        rows: w.rows,
        rowsPerSec: Math.round((w.rows * 1000) / elapsed),
        maxFlushMs: Math.round(w.maxMs),
        pending: this.queued,
      },
      'flush summary',
    );
    this.window = { at: performance.now(), flushes: 0, rows: 0, maxMs: 0 };
  }
}
