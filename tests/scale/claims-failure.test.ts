import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { RedisClaims } from '../../server/ingest/redis-claims.js';
import { IngestWriter } from '../../server/ingest/writer.js';
import { DEFAULT_CATEGORIES, validateOrder, type Order } from '../../shared/order.js';
import { startApp } from '../fixtures/app.js';
import { order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

// A claim made in Redis whose store check then fails must not lock the order out.
const dir = tempDir('scale-claims-failure');
const log = pino({ level: 'silent' });
const shows = loadConfig({}).shows;
let redis: RedisProcess;
let app: FastifyInstance;
const clients: { close(): Promise<void> }[] = [];

function parsed(raw: Record<string, unknown>): Order {
  const check = validateOrder(raw, { shows, categories: new Set(DEFAULT_CATEGORIES) });
  if (!check.ok) throw new Error(check.message);
  return check.order;
}

beforeAll(async () => {
  redis = await startRedis();
  ({ app } = await startApp(dir.path, { REDIS_URL: redis.url }));
});

afterAll(async () => {
  await app?.close();
  for (const c of clients) await c.close().catch(() => undefined);
  await redis?.stop();
  dir.remove();
});

describe('Redis claims when the store check fails', () => {
  it('takes an order again on the same node once the store is back, not "in flight elsewhere"', async () => {
    const conn = createClient({ url: redis.url });
    await conn.connect();
    clients.push(conn);
    // A node that has not loaded the show's stored keys yet: its first claim reads the store.
    const writer = new IngestWriter({
      store: app.store,
      claims: new RedisClaims(conn, app.store, log),
      log,
      maxPending: 1000,
      maxFlush: 1000,
      onCommitted: () => undefined,
      onFailure: () => undefined,
      prepare: async () => undefined,
    });
    const x = parsed(order(9101));
    // The store goes away between the Redis claim and the store check.
    await app.store.client.command({ query: `DETACH TABLE ${app.store.db}.orders` });
    try {
      await expect(writer.submit([x])).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    } finally {
      await app.store.client.command({ query: `ATTACH TABLE ${app.store.db}.orders` });
    }
    // Nothing was written and nobody else holds the order: the client's resend is stored.
    await expect(writer.submit([x])).resolves.toEqual({ accepted: 1, duplicates: 0 });
    const rs = await app.store.query({
      query: `SELECT count() AS n FROM ${app.store.db}.orders WHERE show = {show:String} AND order_id = {id:String}`,
      query_params: { show: x.show, id: x.order_id },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '1' }]);
  });
});
