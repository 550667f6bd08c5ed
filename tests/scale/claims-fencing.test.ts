import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { ClaimLostError } from '../../server/ingest/claims.js';
import { RedisClaims } from '../../server/ingest/redis-claims.js';
import { IngestWriter, type WriteResult } from '../../server/ingest/writer.js';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import { insertOrders } from '../../server/store/orders.js';
import { migrate } from '../../server/store/schema.js';
import type { Order } from '../../shared/order.js';
import { parsedOrder } from '../fixtures/app.js';
import { startClaimsNode, type ClaimsNode } from '../fixtures/claims.js';
import { order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

// Claims fenced against takeovers (issue #12). Node A runs in a process of its own and is really
// stopped (SIGSTOP) at a chosen point of its write; node B runs here. Both claim in one real Redis;
// the store is this process's chDB (one data directory per process), which A reaches over IPC and
// which runs A's INSERT as soon as it arrives, as a ClickHouse server would. Short leases throughout.
const PENDING_MS = 1500;
const INSERT_MS = 500;

const dir = tempDir('scale-claims-fencing');
const log = pino({ level: 'silent' });
let redis: RedisProcess;
let store: StoreHandle;
let a: ClaimsNode;
const conns: { close(): Promise<unknown> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  store = openStore(loadConfig({ DATA_DIR: dir.path }));
  await migrate(store);
  a = await startClaimsNode(store, redis.url, { pendingMs: PENDING_MS, insertMs: INSERT_MS });
});
afterAll(async () => {
  await a?.close();
  for (const c of conns) await c.close().catch(() => undefined);
  await store?.close();
  await redis?.stop();
  dir.remove();
});

async function redisConnection() {
  const c = createClient({ url: redis.url });
  await c.connect();
  conns.push(c);
  return c;
}

/** Node B's claims: its own Redis connection, over `over` (this process's store by default). */
async function claimsOf(over: StoreHandle = store, pendingMs = PENDING_MS, insertMs = INSERT_MS): Promise<RedisClaims> {
  return new RedisClaims(await redisConnection(), over, log, { pendingMs, insertMs });
}

async function writerOf(claims: RedisClaims, over: StoreHandle = store): Promise<IngestWriter> {
  return new IngestWriter({ store: over, claims, log, maxPending: 100_000, maxFlush: 10_000 });
}

/** Sends orders to a writer until they are answered, as a client resends a 503 (in flight elsewhere). */
async function answered(w: IngestWriter, orders: Order[]): Promise<WriteResult> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await w.submit(orders);
    } catch (err) {
      expect((err as Error).name).toBe('ClaimedElsewhereError');
      if (Date.now() > deadline) throw new Error('still in flight elsewhere after 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function rowsOf(o: Order): Promise<number> {
  const rs = await store.query({
    query: `SELECT toString(count()) AS n FROM ${store.db}.orders WHERE show = {show:String} AND order_id = {id:String}`,
    query_params: { show: o.show, id: o.order_id },
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

describe('claims fenced against a takeover (a stopped node, then another)', () => {
  it('does not write a batch whose node was stopped past its lease before the INSERT, once another node took over', async () => {
    const b = await writerOf(await claimsOf());
    const x = parsedOrder(order(101));
    const first = a.submit([x], 'before-fence');
    await a.stopped('before-fence');
    // A holds X, stopped. B is refused until A's lease expires, then takes X over and stores it.
    expect(await answered(b, [x])).toEqual({ accepted: 1, duplicates: 0 });
    a.resume();
    // A runs again: its fence finds X no longer its claim, and the batch is refused (503), not written.
    expect(await first).toEqual({ error: 'ClaimedElsewhereError' });
    expect(await rowsOf(x)).toBe(1);
    // The client's resend to A is decided again: a duplicate.
    expect(await a.submit([x])).toEqual({ result: { accepted: 0, duplicates: 1 } });
    expect(await rowsOf(x)).toBe(1);
  });

  it('does not send an INSERT whose node was stopped past its lease right after the fence', async () => {
    const b = await writerOf(await claimsOf());
    const x = parsedOrder(order(201));
    const y = parsedOrder(order(202));
    const first = a.submit([x, y], 'after-fence');
    await a.stopped('after-fence');
    // The fence renewed A's lease; stopped, A renews nothing more, and B takes both over once it ends.
    expect(await answered(b, [x, y])).toEqual({ accepted: 2, duplicates: 0 });
    a.resume();
    // A's fence succeeded, but more than its sending window has passed since: nothing is sent.
    expect(await first).toEqual({ error: 'ClaimedElsewhereError' });
    expect([await rowsOf(x), await rowsOf(y)]).toEqual([1, 1]);
    expect(await a.submit([x, y])).toEqual({ result: { accepted: 0, duplicates: 2 } });
  });

  it('lets another node take over the orders of a stopped node whose INSERT was in flight only to find them stored', async () => {
    const b = await writerOf(await claimsOf());
    const x = parsedOrder(order(301));
    const first = a.submit([x], 'in-flight');
    await a.stopped('in-flight');
    // A's INSERT reached the store and landed while A is stopped. Its lease expires; B takes X over,
    // checks the store and finds it: a duplicate, not a second row.
    expect(await answered(b, [x])).toEqual({ accepted: 0, duplicates: 1 });
    a.resume();
    expect(await first).toEqual({ result: { accepted: 1, duplicates: 0 } });
    expect(await rowsOf(x)).toBe(1);
  });

  it('keeps the claims of a live node whose INSERT runs longer than the lease, so nobody else writes them', async () => {
    // A node here whose INSERT is held in the store (a slow server) for several leases.
    let entered!: () => void;
    const inInsert = new Promise<void>((r) => (entered = r));
    let finish!: () => void;
    const slow = new Promise<void>((r) => (finish = r));
    const slowStore: StoreHandle = {
      ...store,
      rawInsert: async (params) => {
        entered();
        await slow;
        return store.rawInsert!(params);
      },
    };
    const lease = 2000;
    const live = await writerOf(await claimsOf(slowStore, lease, 500), slowStore);
    const b = await writerOf(await claimsOf());
    const x = parsedOrder(order(401));
    const first = live.submit([x]);
    await inInsert;
    // For three leases and more, B is refused every time: the INSERT in flight renews its claims.
    const refusals: string[] = [];
    for (const end = Date.now() + 3 * lease; Date.now() < end;) {
      refusals.push(
        await b.submit([x]).then(
          () => 'answered',
          (err: Error) => err.name,
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(new Set(refusals)).toEqual(new Set(['ClaimedElsewhereError']));
    finish();
    expect(await first).toEqual({ accepted: 1, duplicates: 0 });
    expect(await answered(b, [x])).toEqual({ accepted: 0, duplicates: 1 });
    expect(await rowsOf(x)).toBe(1);
  });

  it('keeps the orders of a failed INSERT over HTTP pending until a late landing of it would show in the store', async () => {
    // A ClickHouse server (HTTP) whose INSERT timed out and could not be killed: it lands later.
    const server: StoreHandle = {
      ...store,
      kind: 'server',
      rawInsert: async () => {
        throw new Error('Timeout error.');
      },
    };
    const insertMs = 3000;
    const failing = await writerOf(await claimsOf(server, 4000, insertMs), server);
    const b = await writerOf(await claimsOf());
    const x = parsedOrder(order(501));
    await expect(failing.submit([x])).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    // Right after the failure another node may not take X over: the INSERT may still land.
    await expect(b.submit([x])).rejects.toMatchObject({ name: 'ClaimedElsewhereError' });
    // It lands.
    await insertOrders(store, [x]);
    // Once it can no longer land, B takes X over, checks the store, and finds it.
    expect(await answered(b, [x])).toEqual({ accepted: 0, duplicates: 1 });
    expect(await rowsOf(x)).toBe(1);
  });

  it('fences out an earlier claim of the same node whose key a later claim of it took over', async () => {
    const claims = await claimsOf();
    const x1 = parsedOrder(order(601));
    const x2 = parsedOrder(order(601));
    expect(await claims.claim([x1])).toEqual(['new']);
    await new Promise((r) => setTimeout(r, PENDING_MS + 100));
    // The first claim's lease expired before its INSERT; a second batch of this node takes X over.
    expect(await claims.claim([x2])).toEqual(['new']);
    await expect(claims.hold([x1])).rejects.toBeInstanceOf(ClaimLostError);
    const held = await claims.hold([x2]);
    expect(held.sendable()).toBe(true);
    await held.end();
    await claims.release([x2], false);
    await claims.release([x1], false);
    // Released, X is new to anyone again.
    expect(await claims.claim([parsedOrder(order(601))])).toEqual(['new']);
  });
});
