import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisClaims } from '../../server/ingest/redis-claims.js';
import { IngestWriter, type WriteResult } from '../../server/ingest/writer.js';
import { insertOrders } from '../../server/store/orders.js';
import { decimalToFen } from '../../shared/money.js';
import { grossTotals, injectOrders, parsedOrder } from '../fixtures/app.js';
import { stageRedisApp } from '../fixtures/claims.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';

// Two ingest paths over one store, each with its own Redis connection, as two ingest nodes
// over one ClickHouse would be (chDB allows one data directory per process, so one process).
const stage = stageRedisApp('scale-dedup');
const log = pino({ level: 'silent' });

/** A second node's writer: its own Redis connection and claims, the same store and board. */
async function secondWriter(): Promise<IngestWriter> {
  const writer = new IngestWriter({
    store: stage.app.store,
    claims: new RedisClaims(await stage.connect(), stage.app.store, log),
    log,
    maxPending: 1_000_000,
    maxFlush: 200_000,
  });
  writer.on('committed', ({ orders, committedAtMs }) => stage.app.live.applyCommitted(orders, committedAtMs));
  writer.on('failed', () => stage.app.live.markStale());
  return writer;
}

/** How often each key is stored, straight from the table. */
async function storedCounts(): Promise<{ rows: number; keys: number; fen: number }> {
  const rs = await stage.app.store.query({
    query: `SELECT count() AS rows, uniqExact(order_id, type) AS keys, toString(sum(gmv)) AS gmv
            FROM ${stage.app.store.db}.orders WHERE show = {show:String}`,
    query_params: { show: '2015' },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ rows: string; keys: string; gmv: string }>();
  return { rows: Number(r!.rows), keys: Number(r!.keys), fen: decimalToFen(r!.gmv) };
}

/** Sends a batch until it is answered (a 503 for orders in flight elsewhere is sent again), like a client. */
async function viaHttp(batch: Record<string, unknown>[]): Promise<WriteResult> {
  for (;;) {
    const res = await injectOrders(stage.app, ndjson(batch));
    if (res.statusCode === 200) return res.json<WriteResult>();
    expect(res.statusCode).toBe(503);
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function viaWriter(w: IngestWriter, batch: Record<string, unknown>[]): Promise<WriteResult> {
  for (;;) {
    try {
      return await w.submit(batch.map(parsedOrder));
    } catch (err) {
      expect((err as Error).name).toBe('ClaimedElsewhereError');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('order claims in Redis across nodes', () => {
  it('stores each order once when two nodes race the same orders', async () => {
    const other = await secondWriter();
    // 1..3000 on one node, 2001..5000 on the other: 1000 orders sent to both, some twice.
    const a = Array.from({ length: 3000 }, (_, i) => order(i + 1));
    const b = Array.from({ length: 3000 }, (_, i) => order(i + 2001));
    const chunks = (xs: Record<string, unknown>[]) =>
      Array.from({ length: 6 }, (_, k) => xs.slice(k * 500, k * 500 + 500));
    const answers = await Promise.all([
      ...chunks(a).map((c) => viaHttp(c)),
      ...chunks(b).map((c) => viaWriter(other, c)),
      // The overlap once more, at the same time.
      viaWriter(other, a.slice(2000)),
    ]);
    const distinct = new Map<string, Record<string, unknown>>();
    for (const o of [...a, ...b]) distinct.set(String(o.order_id), o);
    const sent = a.length + b.length + 1000;
    expect(answers.reduce((n, r) => n + r.accepted, 0)).toBe(distinct.size);
    expect(answers.reduce((n, r) => n + r.duplicates, 0)).toBe(sent - distinct.size);

    const wantFen = [...distinct.values()].reduce((s, o) => s + fenOf(o), 0);
    expect(await storedCounts()).toEqual({ rows: distinct.size, keys: distinct.size, fen: wantFen });
    expect(await grossTotals(stage.app)).toEqual({ gmv: fenToDecimal(wantFen), orders: distinct.size });
  });

  it('answers 503 with Retry-After for an order another node is writing, then takes it once', async () => {
    const node = new RedisClaims(await stage.connect(), stage.app.store, log);
    const batch = [order(7001), order(7002), order(7003)];
    // Another node has claimed 7002 and its INSERT is in flight.
    expect(await node.claim([parsedOrder(batch[1]!)])).toEqual(['new']);
    const before = await storedCounts();

    const res = await injectOrders(stage.app, ndjson(batch));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().code).toBe('GMV_ERR_IN_FLIGHT');

    // Its INSERT commits: the resent batch counts it as a duplicate and stores the rest.
    await insertOrders(stage.app.store, [parsedOrder(batch[1]!)]);
    await node.commit([parsedOrder(batch[1]!)]);
    const again = await injectOrders(stage.app, ndjson(batch));
    expect(again.statusCode).toBe(200);
    // Nothing of the refused request was written: the resent one stores the other two now.
    expect(again.json()).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const after = await storedCounts();
    expect(after.rows - before.rows).toBe(3);
    expect(after.keys - before.keys).toBe(3);
    expect(after.fen - before.fen).toBe(batch.reduce((s, o) => s + fenOf(o), 0));
  });

  it('answers for an order shared with a refused request from the request that was not refused', async () => {
    const node = new RedisClaims(await stage.connect(), stage.app.store, log);
    const w = await secondWriter();
    const [x, y, z] = [order(7501), order(7502), order(7503)];
    expect(await node.claim([parsedOrder(x)])).toEqual(['new']);
    const before = await storedCounts();
    // The first request keeps the writer busy, so the next two share one flush.
    const warmup = w.submit([parsedOrder(order(7500))]);
    const refused = w.submit([x, y].map(parsedOrder));
    const taken = w.submit([y, z].map(parsedOrder));
    await warmup;
    await expect(refused).rejects.toThrow(/in flight/);
    expect(await taken).toEqual({ accepted: 2, duplicates: 0 });
    const after = await storedCounts();
    expect(after.rows - before.rows).toBe(3);
    expect(after.fen - before.fen).toBe([order(7500), y, z].reduce((s, o) => s + fenOf(o), 0));
    await node.release([parsedOrder(x)], false);
  });

  it('takes over the claims of a node that died mid-insert only after checking the store', async () => {
    // A node claims two orders with a short pending time, stores one of them and dies.
    const pendingMs = 2000;
    const dead = new RedisClaims(await stage.connect(), stage.app.store, log, { pendingMs });
    const landed = order(8001);
    const lost = order(8002);
    const claimedAt = Date.now();
    expect(await dead.claim([parsedOrder(landed), parsedOrder(lost)])).toEqual(['new', 'new']);
    // Until its claims expire, nobody can tell: 503.
    expect((await injectOrders(stage.app, ndjson([landed, lost]))).statusCode).toBe(503);
    const before = await storedCounts();
    await insertOrders(stage.app.store, [parsedOrder(landed)]);

    await new Promise((r) => setTimeout(r, claimedAt + pendingMs + 100 - Date.now()));
    const res = await injectOrders(stage.app, ndjson([landed, lost]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const after = await storedCounts();
    expect(after.rows - before.rows).toBe(2);
    expect(after.keys - before.keys).toBe(2);
    expect(after.fen - before.fen).toBe(fenOf(landed) + fenOf(lost));
  });

  it('still knows the orders another node stored when Redis loses its keys', async () => {
    // This node loads its memory of stored keys (on its first write); another node stores X after.
    expect((await injectOrders(stage.app, ndjson([order(9100)]))).statusCode).toBe(200);
    const other = await secondWriter();
    const x = order(9101);
    expect(await other.submit([parsedOrder(x)])).toEqual({ accepted: 1, duplicates: 0 });
    const before = await storedCounts();
    // Redis restarts empty (or is flushed).
    const admin = await stage.connect();
    await admin.sendCommand(['FLUSHALL']);
    const res = await injectOrders(stage.app, ndjson([x, order(9102)]));
    expect(res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const after = await storedCounts();
    expect(after.rows - before.rows).toBe(1);
    expect(after.fen - before.fen).toBe(fenOf(order(9102)));
  });

  it('checks the store for the orders of a failed INSERT before anyone writes them again', async () => {
    // This node has its memory of stored keys loaded before the other node's INSERT.
    expect((await injectOrders(stage.app, ndjson([order(9200)]))).statusCode).toBe(200);
    const node = new RedisClaims(await stage.connect(), stage.app.store, log);
    const [landed, lost] = [order(9201), order(9202)];
    expect(await node.claim([parsedOrder(landed), parsedOrder(lost)])).toEqual(['new', 'new']);
    // Its INSERT failed after landing in part.
    await insertOrders(stage.app.store, [parsedOrder(landed)]);
    await node.release([parsedOrder(landed), parsedOrder(lost)], true);
    const before = await storedCounts();
    const res = await injectOrders(stage.app, ndjson([landed, lost]));
    expect(res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const after = await storedCounts();
    expect(after.rows - before.rows).toBe(1);
    expect(after.fen - before.fen).toBe(fenOf(lost));
  });
});
