import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { FingerprintSet, orderKey } from '../domain/fingerprints.js';
import type { StoreHandle } from '../store/client.js';
import { forEachStoredKey, storedKeys } from '../store/orders.js';

/**
 * What dedup decided about one order: `new` (claimed for this writer until its INSERT commits or
 * fails), `duplicate` (already stored) or `busy` (another node is writing it right now: its fate
 * is not known yet, so it can be neither accepted nor called a duplicate).
 */
export type Verdict = 'new' | 'duplicate' | 'busy';

/**
 * Order-level dedup for the writer. The writer hands over orders whose keys are distinct within
 * the flush; the claims decide each one, and learn the INSERT's outcome afterwards.
 */
export interface OrderClaims {
  /** One verdict per order, in order. Throws when the store or the claim registry is unreachable. */
  claim(orders: readonly Order[]): Promise<Verdict[]>;
  /** The INSERT holding these `new` orders committed. Never throws: a lost note is recovered by a store check. */
  commit(orders: readonly Order[]): Promise<void>;
  /** These `new` orders will not be written (their INSERT failed, or their request was refused). */
  release(orders: readonly Order[], failed: boolean): Promise<void>;
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

/**
 * Single-node dedup: 64-bit fingerprints of every stored key, loaded once per show, with each
 * fingerprint hit confirmed in the store (a hit may be a collision). Only correct while this
 * process is the only writer, which the one writer per process serialises.
 */
export class MemoryClaims implements OrderClaims {
  private readonly known = new Map<string, Promise<FingerprintSet>>();

  constructor(
    private readonly store: StoreHandle,
    private readonly log: Logger,
  ) {}

  async claim(orders: readonly Order[]): Promise<Verdict[]> {
    const sets = new Map<string, FingerprintSet>();
    for (const o of orders) if (!sets.has(o.show)) sets.set(o.show, await this.keysOf(o.show));
    const verdicts: Verdict[] = orders.map(() => 'new');
    const suspects: number[] = [];
    orders.forEach((o, i) => {
      if (sets.get(o.show)!.mayHave(claimKey(o))) suspects.push(i);
    });
    if (suspects.length > 0) {
      const stored = await storedAmong(
        this.store,
        suspects.map((i) => orders[i]!),
      );
      for (const i of suspects) if (stored.has(storedId(orders[i]!))) verdicts[i] = 'duplicate';
    }
    return verdicts;
  }

  async commit(orders: readonly Order[]): Promise<void> {
    const sets = new Map<string, FingerprintSet | undefined>();
    // Loaded before the claim, so each set is there (unless a failure made us forget it).
    for (const o of orders) if (!sets.has(o.show)) sets.set(o.show, await this.known.get(o.show));
    for (const o of orders) sets.get(o.show)?.add(claimKey(o));
  }

  async release(orders: readonly Order[], failed: boolean): Promise<void> {
    // The INSERT may have landed in part: forget what we believed and reload from the store.
    if (failed) this.forget(new Set(orders.map((o) => o.show)));
  }

  /** Drops what is known of these shows: the next claim reloads their keys from the store. */
  forget(shows: Iterable<string>): void {
    for (const show of shows) this.known.delete(show);
  }

  /** The fingerprints of every stored order of a show, loaded once per process. */
  private keysOf(show: string): Promise<FingerprintSet> {
    let p = this.known.get(show);
    if (!p) {
      p = (async () => {
        const started = performance.now();
        const set = new FingerprintSet();
        const n = await forEachStoredKey(this.store, show, (id, type) => set.add(orderKey(id, type)));
        this.log.info({ show, keys: n, ms: Math.round(performance.now() - started) }, 'loaded stored order keys');
        return set;
      })();
      p.catch(() => this.known.delete(show));
      this.known.set(show, p);
    }
    return p;
  }
}
