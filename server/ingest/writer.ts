import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { FingerprintSet, orderKey } from '../domain/fingerprints.js';
import type { StoreHandle } from '../store/client.js';
import { forEachStoredKey, insertOrders, storedKeys } from '../store/orders.js';
import type { FlushEvent } from '../telemetry.js';

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

interface Request {
  orders: readonly Order[];
  accepted: number;
  duplicates: number;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

export interface WriterDeps {
  store: StoreHandle;
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
 * serialises dedup decisions, so an order can never be counted twice here.
 */
export class IngestWriter {
  private queue: Request[] = [];
  private queued = 0;
  private flushing = false;
  private idle: (() => void)[] = [];
  private readonly known = new Map<string, Promise<FingerprintSet>>();
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
    const shows = new Set<string>();
    for (const r of batch) for (const o of r.orders) shows.add(o.show);
    const sets = new Map<string, FingerprintSet>();
    try {
      await this.deps.prepare();
      for (const show of shows) sets.set(show, await this.keysOf(show));
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'could not read the store before writing');
      throw new StoreUnavailableError('store unavailable');
    }

    // Decide each order: new, duplicate within this flush, or "maybe stored" (confirmed below).
    const seen = new Map<string, Set<string>>();
    for (const show of shows) seen.set(show, new Set());
    const fresh: [Request, Order][] = [];
    const suspects: [Request, Order][] = [];
    for (const r of batch) {
      for (const o of r.orders) {
        const key = orderKey(o.order_id, o.type);
        const inFlush = seen.get(o.show)!;
        if (inFlush.has(key)) {
          r.duplicates++;
          continue;
        }
        inFlush.add(key);
        (sets.get(o.show)!.mayHave(key) ? suspects : fresh).push([r, o]);
      }
    }
    if (suspects.length > 0) {
      const stored = await this.confirm(suspects).catch((err: unknown) => {
        this.deps.log.error({ err: String(err) }, 'could not check stored orders');
        throw new StoreUnavailableError('store unavailable');
      });
      for (const pair of suspects) {
        const [r, o] = pair;
        if (stored.get(o.show)?.has(orderKey(o.order_id, o.type))) r.duplicates++;
        else fresh.push(pair);
      }
    }

    const rows = fresh.map(([, o]) => o);
    try {
      await insertOrders(this.deps.store, rows);
    } catch (err) {
      this.stats.failures++;
      // The INSERT may have landed in part: forget what we believed and rebuild from the store.
      for (const show of shows) this.known.delete(show);
      this.deps.onFailure(shows);
      this.deps.log.error({ err: String(err), rows: rows.length }, 'insert failed; nothing in this flush acknowledged');
      throw new StoreUnavailableError('store unavailable');
    }
    const committedAt = Date.now();
    for (const o of rows) sets.get(o.show)!.add(orderKey(o.order_id, o.type));
    for (const [r] of fresh) r.accepted++;
    this.deps.onCommitted(rows, committedAt);

    const ms = performance.now() - started;
    const dups = batch.reduce((n, r) => n + r.duplicates, 0);
    this.stats.flushes++;
    this.stats.rows += rows.length;
    this.stats.duplicates += dups;
    this.stats.lastFlushMs = ms;
    this.deps.log.debug(
      { rows: rows.length, duplicates: dups, requests: batch.length, ms: Math.round(ms), trigger },
      'flush',
    );
    this.summarise(rows.length, ms);
    this.deps.onFlush?.({ rows: rows.length, duplicates: dups, requests: batch.length, ms, trigger });
    for (const r of batch) r.resolve({ accepted: r.accepted, duplicates: r.duplicates });
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

  /** Which suspects are really stored, by show (a fingerprint hit may be a collision). */
  private async confirm(suspects: [Request, Order][]): Promise<Map<string, Set<string>>> {
    const byShow = new Map<string, string[]>();
    for (const [, o] of suspects) {
      const ids = byShow.get(o.show) ?? [];
      ids.push(o.order_id);
      byShow.set(o.show, ids);
    }
    const stored = new Map<string, Set<string>>();
    for (const [show, ids] of byShow) {
      const keys = new Set<string>();
      for (const k of await storedKeys(this.deps.store, show, ids)) keys.add(orderKey(k.order_id, k.type));
      stored.set(show, keys);
    }
    return stored;
  }

  /** The fingerprints of every stored order of a show, loaded once per process. */
  private keysOf(show: string): Promise<FingerprintSet> {
    let p = this.known.get(show);
    if (!p) {
      p = (async () => {
        const started = performance.now();
        const set = new FingerprintSet();
        const n = await forEachStoredKey(this.deps.store, show, (id, type) => set.add(orderKey(id, type)));
        this.deps.log.info({ show, keys: n, ms: Math.round(performance.now() - started) }, 'loaded stored order keys');
        return set;
      })();
      p.catch(() => this.known.delete(show));
      this.known.set(show, p);
    }
    return p;
  }
}
