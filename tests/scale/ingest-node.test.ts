import type { AllNode, IngestNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grossTotals, injectOrders, liveClient, parsedOrder, startApp, startNode, until } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { createClient } from 'redis';
import { COMMIT_ROWS_PER_MESSAGE } from '../../server/messages.js';
import { MAX_STREAM_ENTRY_BYTES, streamMaxLen } from '../../server/relay.js';
import { tempDir } from '../fixtures/server.js';

// A live node and an ingest node over one store. In production the store is a ClickHouse
// server; here both apps share the process's chDB data directory, which stands in for it.
const dir = tempDir('scale-ingest');
const METRICS = 'metrics-token-0123456789abcdef';
let redis: RedisProcess;
let live: AllNode;
let liveUrl: string;
let ingest: IngestNode;

beforeAll(async () => {
  redis = await startRedis();
  ({ app: live, url: liveUrl } = await startApp(dir.path, { REDIS_URL: redis.url, RECONCILE_MS: '200' }));
  ({ app: ingest } = await startNode<IngestNode>(dir.path, {
    REDIS_URL: redis.url,
    ROLE: 'ingest',
    METRICS_TOKENS: METRICS,
  }));
});

afterAll(async () => {
  await ingest?.close();
  await live?.close();
  await redis?.stop();
  dir.remove();
});

describe('an ingest node', () => {
  it('counts its committed orders on the live node, once, and reconciliation agrees with the store', async () => {
    const board = liveClient(liveUrl);
    await until(() => board.snapshots.length > 0, 10_000, 'a snapshot');
    // The same orders reach both nodes, as a client retrying against another node would send them.
    const first = Array.from({ length: 800 }, (_, i) => order(i + 1));
    const second = Array.from({ length: 800 }, (_, i) => order(i + 401));
    const [a, b] = await Promise.all([injectOrders(ingest, ndjson(first)), injectOrders(live, ndjson(second))]);
    // Either may have met the other's claims in flight: send again, as a client would.
    const answers = [a, b];
    for (const [i, res] of answers.entries()) {
      let r = res;
      while (r.statusCode === 503) r = await injectOrders(i === 0 ? ingest : live, ndjson(i === 0 ? first : second));
      expect(r.statusCode).toBe(200);
      answers[i] = r;
    }
    const distinct = new Map([...first, ...second].map((o) => [String(o.order_id), o]));
    const accepted = answers.reduce((n, r) => n + r.json<{ accepted: number }>().accepted, 0);
    expect(accepted).toBe(distinct.size);

    const want = {
      gmv: fenToDecimal([...distinct.values()].reduce((s, o) => s + fenOf(o), 0)),
      orders: distinct.size,
    };
    await until(
      () => board.ticks.some((t) => t.gross.gmv === want.gmv && t.gross.orders === want.orders),
      10_000,
      'a tick with every order',
    );
    expect(await grossTotals(live)).toEqual(want);
    const checkedAfter = Date.now();
    await until(() => (live.reconciliation.checkedAtMs ?? 0) > checkedAfter, 10_000, 'a reconciliation');
    expect(live.reconciliation).toMatchObject({ driftOrders: 0, driftFen: 0 });
    board.socket.disconnect();
  });

  it('rebuilds at the first check that finds the board ahead of the store (a commit applied twice)', async () => {
    const x = order(9001);
    expect((await injectOrders(live, ndjson([x]))).json()).toMatchObject({ accepted: 1 });
    const stored = await grossTotals(live);
    const drifts: number[] = [];
    let rebuilt = 0;
    const onReconcile = (e: { driftOrders: number }) => {
      if (rebuilt === 0) drifts.push(e.driftOrders);
    };
    const onRebuild = () => rebuilt++;
    live.telemetry.on('reconcile', onReconcile);
    live.telemetry.on('rebuild', onRebuild);
    try {
      // A relayed commit applied a second time (the race a rebuild can lose): the wall is one order ahead.
      live.live.applyCommitted([parsedOrder(x)], Date.now());
      expect((await grossTotals(live)).orders).toBe(stored.orders + 1);
      await until(() => rebuilt > 0, 10_000, 'a rebuild');
      // One check saw it and rebuilt: no second look is needed for a board ahead of the store.
      expect(drifts.filter((d) => d !== 0)).toEqual([2]);
      await until(() => !live.live.isStale, 10_000, 'the rebuild done');
      expect(await grossTotals(live)).toEqual(stored);
    } finally {
      live.telemetry.off('reconcile', onReconcile);
      live.telemetry.off('rebuild', onRebuild);
    }
  });

  it('sends a large commit to the live node in bounded pieces, and every stream entry is bounded', async () => {
    const r = createClient({ url: redis.url });
    await r.connect();
    // Nodes talk over Redis pub/sub (server-side emits) and the stream (broadcasts): watch both.
    const sub = r.duplicate();
    await sub.connect();
    const published: number[] = [];
    await sub.pSubscribe('*', (message) => published.push(message.length), true);
    try {
      const before = (await r.xRevRange('socket.io', '+', '-', { COUNT: 1 }))?.[0]?.id ?? '0';
      const board = liveClient(liveUrl);
      await until(() => board.snapshots.length > 0, 10_000, 'a snapshot');
      const startOrders = board.snapshots[0]!.gross.orders;
      const batch = Array.from({ length: 9_000 }, (_, i) => order(200_000 + i));
      const res = await injectOrders(ingest, ndjson(batch));
      expect(res.json()).toMatchObject({ accepted: 9_000 });
      await until(
        () => board.ticks.some((t) => t.gross.orders === startOrders + 9_000),
        10_000,
        'every order on the live board',
      );
      board.socket.close();
      const entries = (await r.xRange('socket.io', `(${before}`, '+')) ?? [];
      const sizes = entries.map((e) => Object.entries(e.message).reduce((n, [k, v]) => n + k.length + v.length, 0));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_STREAM_ENTRY_BYTES);
      // The commit of 9,000 rows went in several messages, none of them large.
      expect(published.filter((n) => n > 50_000).length).toBeGreaterThanOrEqual(
        Math.floor(9_000 / COMMIT_ROWS_PER_MESSAGE),
      );
      expect(Math.max(...published)).toBeLessThanOrEqual(MAX_STREAM_ENTRY_BYTES);
      expect(streamMaxLen(256 * 1024 * 1024)).toBe(1024);
    } finally {
      await sub.close();
      await r.close();
    }
  });

  it('serves no board and no sockets', async () => {
    expect((await ingest.inject({ url: '/' })).statusCode).toBe(404);
    expect(ingest.hasDecorator('io')).toBe(false);
    expect((await ingest.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', role: 'ingest' });
  });

  it('counts its failed flushes in its own metrics', async () => {
    const failures = async () => {
      const res = await ingest.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } });
      expect(res.statusCode).toBe(200);
      return Number(/^gmv_ingest_flush_failures_total (\d+)$/m.exec(res.body)?.[1]);
    };
    const before = await failures();
    // ClickHouse refuses inserts into orders ("too many parts") for one request.
    const setting = (n: number) =>
      ingest.store.client.command({
        query: `ALTER TABLE ${ingest.store.db}.orders MODIFY SETTING parts_to_throw_insert = ${n}`,
      });
    await setting(1);
    try {
      const res = await injectOrders(ingest, ndjson([order(5001)]));
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('GMV_ERR_STORE_UNAVAILABLE');
    } finally {
      await setting(3000);
    }
    expect(await failures()).toBe(before + 1);
  });
});
