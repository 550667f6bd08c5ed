import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grossTotals, injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('scale-outage');
let redis: RedisProcess;
let app: AllNode;
let url: string;

beforeAll(async () => {
  redis = await startRedis();
  ({ app, url } = await startApp(dir.path, { REDIS_URL: redis.url }));
});

afterAll(async () => {
  await app?.close();
  await redis?.stop();
  dir.remove();
});

describe('a Redis outage on the live node', () => {
  it('keeps its own boards ticking, sheds ingest with 503, and after a wiped Redis still counts each order once', async () => {
    const board = liveClient(url);
    await until(() => board.snapshots.length > 0, 10_000, 'a snapshot');
    const first = Array.from({ length: 500 }, (_, i) => order(i + 1));
    expect((await injectOrders(app, ndjson(first))).json()).toEqual({ accepted: 500, duplicates: 0, rejected: [] });

    const port = redis.port;
    await redis.stop();
    await until(() => !app.relay!.ready, 10_000, 'the relay to notice');
    // Broadcasts still reach this node's own boards (heartbeats at least once a second).
    const seen = board.ticks.length;
    await until(() => board.ticks.length >= seen + 2, 10_000, 'ticks during the outage');

    const more = Array.from({ length: 100 }, (_, i) => order(i + 501));
    const shed = await injectOrders(app, ndjson(more));
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);

    // Redis comes back empty (no persistence): the claims must not forget what is stored.
    redis = await startRedis(port);
    await until(() => app.relay!.ready, 15_000, 'the relay to reconnect');
    const resent = await injectOrders(app, ndjson([...first, ...more]));
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toEqual({ accepted: 100, duplicates: 500, rejected: [] });

    const all = [...first, ...more];
    const want = { gmv: fenToDecimal(all.reduce((s, o) => s + fenOf(o), 0)), orders: all.length };
    expect(await grossTotals(app)).toEqual(want);
    await until(() => board.ticks.some((t) => t.gross.orders === want.orders && t.gross.gmv === want.gmv));
    const rs = await app.store.query({
      query: `SELECT count() AS n, uniqExact(order_id, type) AS k FROM ${app.store.db}.orders`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: String(all.length), k: String(all.length) }]);
    board.socket.disconnect();
  });
});
