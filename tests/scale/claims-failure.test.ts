import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisClaims } from '../../server/ingest/redis-claims.js';
import { IngestWriter } from '../../server/ingest/writer.js';
import { parsedOrder } from '../fixtures/app.js';
import { stageRedisApp } from '../fixtures/claims.js';
import { order } from '../fixtures/orders.js';

// A claim made in Redis whose store check then fails must not lock the order out.
const stage = stageRedisApp('scale-claims-failure');
const log = pino({ level: 'silent' });

describe('Redis claims when the store check fails', () => {
  it('takes an order again on the same node once the store is back, not "in flight elsewhere"', async () => {
    const conn = await stage.connect();
    // A node that has not loaded the show's stored keys yet: its first claim reads the store.
    const writer = new IngestWriter({
      store: stage.app.store,
      claims: new RedisClaims(conn, stage.app.store, log),
      log,
      maxPending: 1000,
      maxFlush: 1000,
    });
    const x = parsedOrder(order(9101));
    // The store goes away between the Redis claim and the store check.
    await stage.app.store.client.command({ query: `DETACH TABLE ${stage.app.store.db}.orders` });
    try {
      await expect(writer.submit([x])).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    } finally {
      await stage.app.store.client.command({ query: `ATTACH TABLE ${stage.app.store.db}.orders` });
    }
    // Nothing was written and nobody else holds the order: the client's resend is stored.
    await expect(writer.submit([x])).resolves.toEqual({ accepted: 1, duplicates: 0 });
    const rs = await stage.app.store.query({
      query: `SELECT count() AS n FROM ${stage.app.store.db}.orders WHERE show = {show:String} AND order_id = {id:String}`,
      query_params: { show: x.show, id: x.order_id },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '1' }]);
  });
});
