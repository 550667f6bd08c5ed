import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { FingerprintSet, orderFingerprintInto, orderKey } from '../domain/fingerprints.js';
import type { StoreHandle } from '../store/client.js';
import { forEachStoredKey, storedKeys } from '../store/orders.js';

/**
 * What dedup decided about one order: `new` (claimed for this writer until its INSERT commits or
 * fails), `duplicate` (already stored) or `busy` (an earlier claim, of this node or another, is
 * writing it right now: its fate is not known yet, so it can be neither accepted nor called a
 * duplicate).
 */
export type Verdict = 'new' | 'duplicate' | 'busy';

/**
 * Order-level dedup for the writer. The writer hands over orders whose keys are distinct within
 * the flush; the claims decide each one, and learn the INSERT's outcome afterwards. A claim may
 * come before the previous claim's commit or release (one INSERT in flight while the next batch
 * is claimed): an order claimed `new` is "in flight" until its commit or release, and a later
 * claim of its key is `busy` meanwhile.
 */
export interface OrderClaims {
  /** One verdict per order, in order. Throws when the store or the claim registry is unreachable. */
  claim(orders: readonly Order[]): Promise<Verdict[]>;
  /** The INSERT holding these `new` orders committed. Never throws: a lost note is recovered by a store check. */
  commit(orders: readonly Order[]): Promise<void>;
  /** These `new` orders will not be written (their INSERT failed, or their request was refused). */
  release(orders: readonly Order[], failed: boolean): Promise<void>;
  /**
   * The fence, right before the INSERT of these `new` orders (the same objects `claim` decided),
   * for claims shared by several nodes: checks that every one is still claimed by the claim that
   * called it new and holds them while the INSERT runs, until `end()`. Rejects with
   * ClaimLostError when one is not (taken over by another node, whose turn it is now): none of
   * them may be written then. Absent where this process is the only writer (MemoryClaims).
   */
  hold?(orders: readonly Order[]): Promise<ClaimHold>;
}

/** A batch's claims, held while its INSERT runs (OrderClaims.hold). */
export interface ClaimHold {
  /**
   * True while the INSERT may still be handed to the store. Asked in the same synchronous step
   * that hands it over: false once the node may have been paused past its lease since the fence.
   */
  sendable(): boolean;
  /** The INSERT settled (or was not sent): the claims are no longer held. */
  end(): Promise<void>;
}

/** Some orders of a batch are no longer claimed by this node: nothing of the batch may be written. */
export class ClaimLostError extends Error {
  override name = 'ClaimLostError';
}

/** The unique key of an order within the store. */
function claimKey(o: Pick<Order, 'order_id' | 'type'>): string {
  return orderKey(o.order_id, o.type);
}

/**
 * Which of these orders are already stored (exact, from the primary key), by show and key.
 * Shared by both implementations: it is the truth when memory or a claim is in doubt.
 */
export async function storedAmong(store: StoreHandle, orders: readonly Order[]): Promise<Set<string>> {
  const byShow = new Map<string, string[]>();
  for (const o of orders) {
    const ids = byShow.get(o.show) ?? [];
    ids.push(o.order_id);
    byShow.set(o.show, ids);
  }
  const stored = new Set<string>();
  for (const [show, ids] of byShow) {
    for (const k of await storedKeys(store, show, ids)) stored.add(`${show}\u0000${orderKey(k.order_id, k.type)}`);
  }
  return stored;
}

/** `storedAmong`'s key for an order. */
export function storedId(o: Order): string {
  return `${o.show}\u0000${claimKey(o)}`;
}

/** Options of MemoryClaims. */
export interface MemoryClaimsOptions {
  /**
   * Orders that do not load their show's stored keys (a finished show's day of them) when they are
   * not loaded yet: each is checked in the store instead (exact, by primary key, one query per
   * claim). For refunds after their show's end (server/ingest/late-refunds.ts), a trickle for days.
   */
  cold?: (o: Order) => boolean;
}

/**
 * Single-node dedup: fingerprints of every stored key, loaded once per show, with each
 * fingerprint hit confirmed in the store (a hit may be a collision, or an order whose INSERT
 * failed and may or may not have landed). Orders claimed `new` are held in flight, per claim,
 * until their commit or release. Only correct while this process is the only writer.
 */
export class MemoryClaims implements OrderClaims {
  private readonly shows = new Map<string, ShowKeys>();
  /** Claims with orders still in flight, oldest first (one or two with a pipelining writer). */
  private flights: Flight[] = [];
  private readonly scratch = new Uint32Array(2);

  constructor(
    private readonly store: StoreHandle,
    private readonly log: Logger,
    private readonly opts: MemoryClaimsOptions = {},
  ) {}

  /** Orders claimed `new` and not yet committed or released. */
  get inFlight(): number {
    return this.flights.reduce((n, f) => n + f.remaining, 0);
  }

  async claim(orders: readonly Order[]): Promise<Verdict[]> {
    const sets = await this.loadedSets(orders);
    const n = orders.length;
    const flight = new Flight(orders);
    const verdicts = new Array<Verdict>(n);
    const suspects: number[] = [];
    let show = '';
    let set: FingerprintSet | undefined;
    // Held before the first yield, so a claim running meanwhile finds these orders busy.
    this.flights.push(flight);
    try {
      for (let from = 0; from < n; from += CLAIM_STEP) {
        if (from > 0) await yieldToLoop();
        for (let i = from, end = Math.min(n, from + CLAIM_STEP); i < end; i++) {
          const o = orders[i]!;
          if (o.show !== show) {
            show = o.show;
            set = sets.get(show);
          }
          orderFingerprintInto(o.order_id, o.type, flight.fp, 2 * i);
          const a = flight.fp[2 * i]!;
          const b = flight.fp[2 * i + 1]!;
          if (this.heldElsewhere(o, a, b, flight)) {
            verdicts[i] = 'busy';
            continue;
          }
          verdicts[i] = 'new';
          flight.hold(i);
          // No set: a cold order of a show whose keys are not loaded, always asked of the store.
          if (set === undefined || set.mayHaveFingerprint(a, b)) suspects.push(i);
        }
      }
      if (suspects.length > 0) {
        const stored = await storedAmong(
          this.store,
          suspects.map((i) => orders[i]!),
        );
        for (const i of suspects) {
          if (stored.has(storedId(orders[i]!))) {
            verdicts[i] = 'duplicate';
            flight.drop(i);
          }
        }
      }
    } catch (err) {
      flight.dropAll();
      throw err;
    } finally {
      flight.claiming = false;
      this.land();
    }
    return verdicts;
  }

  async commit(orders: readonly Order[]): Promise<void> {
    await this.settle(orders, true);
  }

  async release(orders: readonly Order[], failed: boolean): Promise<void> {
    // A failed INSERT may have landed in part: its orders become "maybe stored", so a later
    // claim of one asks the store (exact). Nothing is reloaded and nobody waits.
    await this.settle(orders, failed);
  }

  /** Drops what is known of these shows: the next claim reloads their keys from the store. */
  forget(shows: Iterable<string>): void {
    for (const show of shows) this.shows.delete(show);
  }

  /**
   * Ends the orders' time in flight; `maybeStored` (committed, or written by a failed INSERT)
   * adds their fingerprints to their show's set. The fingerprints computed at the claim are
   * reused: the orders are found in their claim by identity, in the claim's order.
   */
  private async settle(orders: readonly Order[], maybeStored: boolean): Promise<void> {
    let flight: Flight | null = null;
    let at = 0;
    let walk = true;
    let show = '';
    let set: FingerprintSet | undefined;
    for (let from = 0; from < orders.length; from += CLAIM_STEP) {
      if (from > 0) await yieldToLoop();
      for (let i = from, end = Math.min(orders.length, from + CLAIM_STEP); i < end; i++) {
        const o = orders[i]!;
        let found = -1;
        if (walk && flight) {
          found = flight.indexOf(o, at);
          if (found < 0) walk = false;
          else at = found + 1;
        }
        let a: number;
        let b: number;
        if (found >= 0 && flight!.isHeld(found)) {
          a = flight!.fp[2 * found]!;
          b = flight!.fp[2 * found + 1]!;
          flight!.drop(found);
        } else {
          orderFingerprintInto(o.order_id, o.type, this.scratch, 0);
          a = this.scratch[0]!;
          b = this.scratch[1]!;
          for (const f of this.flights) {
            const j = f.find(o, a, b);
            if (j >= 0) {
              f.drop(j);
              if (walk && !flight) [flight, at] = [f, j + 1];
              break;
            }
          }
        }
        if (!maybeStored) continue;
        if (o.show !== show) {
          show = o.show;
          set = this.shows.get(show)?.set;
        }
        // No set: the show was forgotten, and its next load reads these orders from the store.
        set?.addFingerprint(a, b);
      }
    }
    this.land();
  }

  /** True when another claim holds an order with this key in flight. */
  private heldElsewhere(o: Order, a: number, b: number, self: Flight): boolean {
    for (const f of this.flights) if (f !== self && f.find(o, a, b) >= 0) return true;
    return false;
  }

  /** Forgets claims that are decided and have nothing left in flight. */
  private land(): void {
    const done = (f: Flight) => !f.claiming && f.remaining === 0;
    if (this.flights.some(done)) this.flights = this.flights.filter((f) => !done(f));
  }

  /** The fingerprint set of each show of the orders, once its stored keys are loaded. */
  private async loadedSets(orders: readonly Order[]): Promise<Map<string, FingerprintSet>> {
    const keys = new Map<string, ShowKeys>();
    let show = '';
    const cold = this.opts.cold;
    for (const o of orders) {
      if (o.show === show) continue;
      // A cold order uses its show's keys when they are loaded (or loading), and never loads them.
      if (cold && !this.shows.has(o.show) && cold(o)) continue;
      show = o.show;
      if (!keys.has(show)) keys.set(show, this.keysOf(show));
    }
    const sets = new Map<string, FingerprintSet>();
    for (const [s, k] of keys) {
      await k.loaded;
      sets.set(s, k.set);
    }
    return sets;
  }

  /**
   * A show's fingerprints, loading its stored keys once per process. Commits and failed inserts
   * add to the set while it loads (their rows may be behind the load's position in the store).
   */
  private keysOf(show: string): ShowKeys {
    const known = this.shows.get(show);
    if (known) return known;
    const set = new FingerprintSet();
    const keys: ShowKeys = { set, loaded: this.load(show, set) };
    keys.loaded.catch(() => {
      if (this.shows.get(show) === keys) this.shows.delete(show);
    });
    this.shows.set(show, keys);
    return keys;
  }

  private async load(show: string, set: FingerprintSet): Promise<void> {
    const started = performance.now();
    const fp = new Uint32Array(2);
    const n = await forEachStoredKey(this.store, show, (id, type) => {
      orderFingerprintInto(id, type, fp, 0);
      set.addFingerprint(fp[0]!, fp[1]!);
    });
    this.log.info(
      { show, keys: n, bytes: set.bytes, ms: Math.round(performance.now() - started) },
      'loaded stored order keys',
    );
  }
}

/** A show's stored keys as fingerprints: filled from the store once, then by commits. */
interface ShowKeys {
  readonly set: FingerprintSet;
  readonly loaded: Promise<void>;
}

/**
 * Orders handled per synchronous step of a claim or a commit: ~10 ms with a whole day's keys
 * (300 M, where each lookup or add is a cache miss); then the event loop runs.
 */
export const CLAIM_STEP = 8_192;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The orders of one claim with their fingerprints (hashed once, at the claim), and which of them
 * are in flight. A small open-addressing index on the fingerprint finds an order by key; every
 * hit is checked exactly (show, order_id, type), so "busy" is never a false positive.
 */
class Flight {
  /** Orders claimed `new` and not yet committed or released. */
  remaining = 0;
  /** True until the claim has decided every order (it may yield before that). */
  claiming = true;
  /** Each order's fingerprint, [a, b] at 2i, written by the claim as it goes. */
  readonly fp: Uint32Array;
  private readonly held: Uint8Array;
  /** Index + 1 of held orders by fingerprint; 0 is empty. Released slots stay (held says). */
  private readonly index: Int32Array;
  private readonly mask: number;

  constructor(readonly orders: readonly Order[]) {
    const n = orders.length;
    this.fp = new Uint32Array(2 * n);
    this.held = new Uint8Array(n);
    let size = 16;
    while (size < 2 * n) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
  }

  isHeld(i: number): boolean {
    return this.held[i] === 1;
  }

  hold(i: number): void {
    this.held[i] = 1;
    this.remaining++;
    let p = this.fp[2 * i + 1]! & this.mask;
    while (this.index[p] !== 0) p = (p + 1) & this.mask;
    this.index[p] = i + 1;
  }

  drop(i: number): void {
    if (this.held[i] !== 1) return;
    this.held[i] = 0;
    this.remaining--;
  }

  dropAll(): void {
    this.held.fill(0);
    this.remaining = 0;
  }

  /** The held order with o's key, or -1. */
  find(o: Order, a: number, b: number): number {
    for (let p = b & this.mask; ; p = (p + 1) & this.mask) {
      const j = this.index[p]! - 1;
      if (j < 0) return -1;
      if (this.fp[2 * j + 1] !== b || this.fp[2 * j] !== a || this.held[j] !== 1) continue;
      const q = this.orders[j]!;
      if (q.order_id === o.order_id && q.type === o.type && q.show === o.show) return j;
    }
  }

  /** Where this very order object is, at or after `from`; -1 if not there. */
  indexOf(o: Order, from: number): number {
    for (let j = from; j < this.orders.length; j++) if (this.orders[j] === o) return j;
    return -1;
  }
}
