import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { orderKey } from '../domain/fingerprints.js';
import type { StoreHandle } from '../store/client.js';
import { encodeOrders, insertTsv, ORDER_COLUMNS } from '../store/orders.js';
import type { FlushEvent, FlushPhases } from '../telemetry.js';
import { ClaimLostError, type ClaimHold, type OrderClaims, type Verdict } from './claims.js';
import { RepairFencedError, type FenceEntry, type InsertFence } from './repair-fence.js';

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

/** The orders of one committed INSERT. */
export interface CommittedBatch {
  orders: readonly Order[];
  /** When the INSERT returned, epoch ms. */
  committedAtMs: number;
}

/** What the writer reports downstream. Listeners run before any request of the flush is answered. */
export interface WriterEvents {
  /** A flush went through: these orders are stored (none when all were duplicates). */
  committed: [CommittedBatch];
  /** An INSERT failed and may have landed in part (nothing in it was acknowledged). */
  failed: [ReadonlySet<string>];
  /** The account of one flush (committed or all duplicates). */
  flush: [FlushEvent];
}

interface Request {
  orders: readonly Order[];
  accepted: number;
  duplicates: number;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

/**
 * Orders waiting for the INSERT in flight that make a batch worth preparing ahead of it: an
 * INSERT costs ~25 ms in the engine besides its rows (five views and a projection), so small
 * batches wait and merge with what arrives meanwhile.
 */
const EAGER_ROWS = 20_000;

/** A batch whose dedup is decided and whose INSERT body is ready. */
interface Prepared {
  batch: Request[];
  rows: number;
  trigger: string;
  fresh: [Request, Order][];
  refused: Set<Request>;
  body: Buffer;
  startedAt: number;
  /** When the INSERT returned, epoch ms. */
  committedAtMs: number;
  phases: FlushPhases;
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
  /** Orders waiting that make a batch worth preparing while an INSERT is in flight (EAGER_ROWS). */
  eagerRows?: number;
  /** On an ingest node (Redis): the live node's repair fences, checked before each INSERT. */
  fence?: InsertFence;
}

/**
 * Group commit, pipelined: while one INSERT is in the engine, the next batch is
 * deduplicated and encoded on the JS thread, so neither side waits for the other.
 * Requests are answered only after their INSERT committed, so "accepted" always
 * means "stored". One INSERT at a time keeps commits in order; the claims
 * (OrderClaims) answer "busy" for orders claimed and not yet committed, so an
 * order is never written twice, here or by another node.
 *
 * Data flows one way: the writer emits `committed` and `failed`; the live state
 * subscribes. A barrier (see addBarrier) lets a downstream repair finish before
 * the next INSERT, without the writer knowing what it repairs.
 */
export class IngestWriter extends EventEmitter<WriterEvents> {
  private queue: Request[] = [];
  private queued = 0;
  private running = false;
  private idle: (() => void)[] = [];
  private barriers: { needed: () => boolean; run: () => Promise<void> }[] = [];
  /** An INSERT is in the engine. */
  private inserting = false;
  /** Batches inserted or being inserted whose post-commit work has not finished. */
  private posting = 0;
  /** Orders of the requests queued and not yet taken into a batch. */
  private waiting = 0;
  /** Wakes the run loop, waiting on an INSERT in flight, when a request arrives. */
  private wake: (() => void) | null = null;
  readonly stats = { flushes: 0, rows: 0, duplicates: 0, failures: 0, lastFlushMs: 0 };
  private window = { at: performance.now(), flushes: 0, rows: 0, maxMs: 0, engineMs: 0, prepareMs: 0 };

  constructor(private readonly deps: WriterDeps) {
    super();
  }

  /** Orders waiting to be written. */
  get pending(): number {
    return this.queued;
  }

  /** True while a flush is in flight or requests wait. */
  get busy(): boolean {
    return this.running || this.queue.length > 0;
  }

  /**
   * A barrier before the next INSERT whenever `needed()` says so: with no INSERT in flight and
   * every earlier commit handed on, `run` must resolve before the write (a throw refuses the
   * batch: 503). For a repair that must not race a write (the live state's rebuild after a
   * failed INSERT).
   */
  addBarrier(needed: () => boolean, run: () => Promise<void>): void {
    this.barriers.push({ needed, run });
  }

  submit(orders: readonly Order[]): Promise<WriteResult> {
    if (orders.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    if (this.queued + orders.length > this.deps.maxPending) {
      return Promise.reject(new OverloadedError(`${this.queued} orders already waiting`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ orders, accepted: 0, duplicates: 0, resolve, reject });
      this.queued += orders.length;
      this.waiting += orders.length;
      this.wake?.();
      void this.run();
    });
  }

  /** Resolves once everything queued so far has been written or refused. */
  drain(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private take(): { batch: Request[]; rows: number } {
    const batch: Request[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0]!.orders.length <= this.deps.maxFlush)) {
      const r = this.queue.shift()!;
      rows += r.orders.length;
      batch.push(r);
    }
    this.waiting -= rows;
    return { batch, rows };
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Three stages, each in order: prepare (JS), INSERT (engine), post (JS). One INSERT at a time;
    // the next starts as soon as the engine is free, while the post-commit work of the one
    // before runs on the JS thread. Neither promise ever rejects.
    let inserted: Promise<boolean> = Promise.resolve(true);
    let posted: Promise<void> = Promise.resolve();
    for (;;) {
      // While an INSERT is in flight, a batch is prepared ahead only once it is worth an INSERT
      // of its own: smaller ones wait and join what arrives meanwhile (an INSERT has a fixed cost).
      if (this.queue.length === 0 || (this.inserting && this.waiting < (this.deps.eagerRows ?? EAGER_ROWS))) {
        if (this.queue.length === 0 && !this.inserting && this.posting === 0) break;
        await Promise.race([this.inserting ? inserted : posted, new Promise<void>((wake) => (this.wake = wake))]);
        this.wake = null;
        continue;
      }
      const { batch, rows } = this.take();
      const startedAt = performance.now();
      const trigger = this.queue.length > 0 ? 'size' : 'idle';
      let prepared: Prepared;
      try {
        prepared = await this.prepare(batch, rows, trigger, startedAt);
      } catch (err) {
        this.queued -= rows;
        for (const r of batch) r.reject(err as Error);
        continue;
      }
      const waitFrom = performance.now();
      await inserted;
      prepared.phases.waitMs = performance.now() - waitFrom;
      this.inserting = true;
      this.posting++;
      const before = posted;
      inserted = this.insert(prepared, before).finally(() => (this.inserting = false));
      posted = inserted
        .then(async (ok) => {
          await before;
          if (ok) await this.post(prepared);
        })
        .catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'writer post stage'))
        .finally(() => this.posting--);
    }
    this.running = false;
    for (const done of this.idle.splice(0)) done();
  }

  /** Dedup and encoding, on the JS thread while the previous INSERT is in the engine. */
  private async prepare(batch: Request[], rows: number, trigger: string, startedAt: number): Promise<Prepared> {
    const { claims } = this.deps;
    // Distinct keys go to the claims; a repeat within the flush follows its first occurrence.
    // Keyed by the order id as it is (no string built per order); the rare id shared by a
    // sale and its refund, or by two shows, goes to a second map under the whole key.
    const first = new Map<string, number>();
    const others = new Map<string, number>();
    const candidates: [Request, Order][] = [];
    const repeats: [Request, number][] = [];
    for (const r of batch) {
      for (const o of r.orders) {
        let at = first.get(o.order_id);
        if (at !== undefined) {
          const seen = candidates[at]![1];
          if (seen.show !== o.show || seen.type !== o.type) {
            const key = `${o.show}\u0000${orderKey(o.order_id, o.type)}`;
            at = others.get(key);
            if (at === undefined) others.set(key, candidates.length);
          }
        }
        if (at === undefined) {
          if (!first.has(o.order_id)) first.set(o.order_id, candidates.length);
          candidates.push([r, o]);
        } else repeats.push([r, at]);
      }
    }
    // The claims answer busy for an order of the INSERT in flight (claimed, not yet committed).
    let verdicts: Verdict[];
    try {
      verdicts = await claims.claim(candidates.map(([, o]) => o));
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'could not check stored orders');
      throw new StoreUnavailableError('store unavailable');
    }

    // An order being written right now (by an INSERT in flight here or on another node) has
    // no known fate yet: its request is refused whole (and may be sent again), never answered
    // "accepted" or "duplicate". Nothing of a refused request is written on its behalf: an
    // order it shares with another request of the flush is answered for by that request.
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
    let body: Buffer;
    try {
      if (unowned.length > 0) await claims.release(unowned, false);
      body = encodeOrders(fresh.map(([, o]) => o));
    } catch (err) {
      // Nothing of this batch will be written: what it holds must not stay busy.
      await claims.release(
        fresh.map(([, o]) => o),
        false,
      );
      throw err;
    }
    const prepareMs = performance.now() - startedAt;
    return {
      batch,
      rows,
      trigger,
      fresh,
      refused,
      body,
      startedAt,
      committedAtMs: 0,
      phases: { prepareMs, waitMs: 0, barrierMs: 0, engineMs: 0, postMs: 0 },
    };
  }

  /**
   * The barriers and the INSERT. False when the batch was refused or failed (its requests are
   * settled then); true when its rows are stored and its post-commit work is due.
   */
  private async insert(p: Prepared, posted: Promise<void>): Promise<boolean> {
    const { claims, store, log } = this.deps;
    const rows = p.fresh.map(([, o]) => o);
    try {
      let at = performance.now();
      try {
        // A barrier with work to do (a rebuild) first waits until every earlier commit has been
        // handed on, so what it reads from the store and what it was told agree.
        if (this.barriers.some((b) => b.needed())) {
          await posted;
          for (const barrier of this.barriers) await barrier.run();
        }
      } catch (err) {
        log.error({ err: String(err) }, 'could not read the store before writing');
        await claims.release(rows, false);
        throw new StoreUnavailableError('store unavailable');
      }
      p.phases.barrierMs = performance.now() - at;
      at = performance.now();
      if (rows.length > 0) {
        // An ingest node waits while the live node repairs one of the batch's shows (repair-fence.ts).
        let entry: FenceEntry | undefined;
        try {
          entry = await this.deps.fence?.enter(showsOf(rows));
        } catch (err) {
          await claims.release(rows, false).catch(() => undefined);
          if (err instanceof RepairFencedError) {
            log.warn({ rows: rows.length }, 'a rollup repair held the batch too long; it is not written');
            throw new OverloadedError(err.message);
          }
          log.error({ err: String(err) }, 'could not check the repair fence before writing');
          throw new StoreUnavailableError('store unavailable');
        }
        // Fenced (claims shared by several nodes): the orders must still be this claim's, and stay
        // held while the INSERT runs; a batch taken over meanwhile is not written (503, sent again).
        let hold: ClaimHold | undefined;
        try {
          hold = await claims.hold?.(rows);
        } catch (err) {
          entry?.end();
          await claims.release(rows, false).catch(() => undefined);
          if (err instanceof ClaimLostError) {
            log.warn({ err: err.message }, 'orders taken over before their INSERT; the batch is not written');
            throw new ClaimedElsewhereError(err.message);
          }
          log.error({ err: String(err) }, 'could not confirm the claims before writing');
          throw new StoreUnavailableError('store unavailable');
        }
        // In the same synchronous step that hands the INSERT over: a node paused since the fence,
        // past its lease, does not send it.
        if ((hold && !hold.sendable()) || (entry && !entry.sendable())) {
          log.warn({ rows: rows.length }, 'claims or fence entry expired before the INSERT was sent; not written');
          entry?.end();
          await hold?.end();
          await claims.release(rows, false).catch(() => undefined);
          throw new ClaimedElsewhereError('claims expired before the INSERT was sent');
        }
        let failed = true;
        try {
          try {
            await insertTsv(store, 'orders', ORDER_COLUMNS, p.body, 'gmv-flush');
            failed = false;
          } finally {
            entry?.end(failed);
            await hold?.end();
          }
        } catch (err) {
          this.stats.failures++;
          log.error({ err: String(err), rows: rows.length }, 'insert failed; nothing in this flush acknowledged');
          this.tell('failed', new Set(p.batch.flatMap((r) => r.orders.map((o) => o.show))));
          await claims
            .release(rows, true)
            .catch((e: unknown) => log.error({ err: String(e) }, 'could not release the claims of a failed INSERT'));
          throw new StoreUnavailableError('store unavailable');
        }
      }
      p.phases.engineMs = performance.now() - at;
      p.committedAtMs = Date.now();
      return true;
    } catch (err) {
      for (const r of p.batch) r.reject(err as Error);
      this.queued -= p.rows;
      return false;
    }
  }

  /** After the commit: claims noted, `committed` emitted, then every request of the batch answered. Never throws. */
  private async post(p: Prepared): Promise<void> {
    const { claims, log } = this.deps;
    const rows = p.fresh.map(([, o]) => o);
    const at = performance.now();
    try {
      // The rows are stored whatever happens here: the requests are answered as accepted.
      await claims.commit(rows).catch((err: unknown) => log.error({ err: String(err) }, 'could not note a commit'));
      for (const [r] of p.fresh) r.accepted++;
      // Also with no rows (all duplicates): the flush went through, so writes work.
      this.tell('committed', { orders: rows, committedAtMs: p.committedAtMs });
      p.phases.postMs = performance.now() - at;
      this.report(p, rows.length);
    } catch (err) {
      log.error({ err: String(err) }, 'after a commit');
    } finally {
      for (const r of p.batch) {
        if (p.refused.has(r)) r.reject(new ClaimedElsewhereError('orders in flight elsewhere'));
        else r.resolve({ accepted: r.accepted, duplicates: r.duplicates });
      }
      this.queued -= p.rows;
    }
  }

  /**
   * Emits to every listener, each on its own: one that throws neither stops the others
   * (the live state must hear of every commit and failure) nor reaches the writer.
   */
  private tell<K extends 'committed' | 'failed'>(event: K, ...args: WriterEvents[K]): void {
    for (const listener of this.listeners(event) as ((...a: WriterEvents[K]) => void)[]) {
      try {
        listener(...args);
      } catch (err) {
        this.deps.log.error({ err: String(err), event }, 'a listener of the writer failed');
      }
    }
  }

  private report(p: Prepared, rows: number): void {
    const ms = performance.now() - p.startedAt;
    const dups = p.batch.reduce((n, r) => n + (p.refused.has(r) ? 0 : r.duplicates), 0);
    this.stats.flushes++;
    this.stats.rows += rows;
    this.stats.duplicates += dups;
    this.stats.lastFlushMs = ms;
    const round = (x: number) => Math.round(x * 10) / 10;
    this.deps.log.debug(
      {
        rows,
        duplicates: dups,
        requests: p.batch.length,
        refused: p.refused.size,
        ms: Math.round(ms),
        prepareMs: round(p.phases.prepareMs),
        waitMs: round(p.phases.waitMs),
        barrierMs: round(p.phases.barrierMs),
        engineMs: round(p.phases.engineMs),
        postMs: round(p.phases.postMs),
        trigger: p.trigger,
      },
      'flush',
    );
    this.summarise(rows, ms, p.phases);
    this.emit('flush', {
      rows,
      duplicates: dups,
      requests: p.batch.length - p.refused.size,
      ms,
      phases: p.phases,
      trigger: p.trigger,
      shows: [...new Set(p.fresh.map(([, o]) => o.show))],
    });
  }

  /** One info line per 10 s of flushes, so the log stays readable at gala rates. */
  private summarise(rows: number, ms: number, phases: FlushPhases): void {
    const w = this.window;
    w.flushes++;
    w.rows += rows;
    w.maxMs = Math.max(w.maxMs, ms);
    w.engineMs += phases.engineMs;
    w.prepareMs += phases.prepareMs;
    const elapsed = performance.now() - w.at;
    if (elapsed < 10_000) return;
    this.deps.log.info(
      {
        flushes: w.flushes,
        rows: w.rows,
        rowsPerSec: Math.round((w.rows * 1000) / elapsed),
        maxFlushMs: Math.round(w.maxMs),
        // Shares of the wall time: the engine busy with INSERTs, the JS thread preparing them.
        engineBusy: Math.round((w.engineMs / elapsed) * 100) / 100,
        prepareBusy: Math.round((w.prepareMs / elapsed) * 100) / 100,
        pending: this.queued,
      },
      'flush summary',
    );
    this.window = { at: performance.now(), flushes: 0, rows: 0, maxMs: 0, engineMs: 0, prepareMs: 0 };
  }
}

/** The shows of a batch's rows (a batch mostly holds one). */
function showsOf(rows: readonly Order[]): Set<string> {
  const shows = new Set<string>();
  for (const o of rows) shows.add(o.show);
  return shows;
}
