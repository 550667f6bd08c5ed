import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders } from '../../server/ingest/batch.js';
import { lateRefundTest, resolveLateRefunds } from '../../server/ingest/late-refunds.js';
import { RedisClaims } from '../../server/ingest/redis-claims.js';
import { IngestWriter, type WriteResult } from '../../server/ingest/writer.js';
import type { IngestResponse } from '../../shared/order.js';
import { injectOrders } from '../fixtures/app.js';
import { stageRedisApp } from '../fixtures/claims.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';

// Two ingest nodes over one store and one Redis (chDB allows one data directory per process, so
// one process): the app's route, and a second node's decode, lookup and writer with claims of its own.
const stage = stageRedisApp('late-refunds-nodes');
const log = pino({ level: 'silent' });

async function secondNode(): Promise<(lines: Record<string, unknown>[]) => Promise<WriteResult>> {
  const { store } = stage.app;
  // The app's shows and categories (the defaults).
  const config = loadConfig({});
  const writer = new IngestWriter({
    store,
    claims: new RedisClaims(await stage.connect(), store, log, { cold: lateRefundTest(config.shows) }),
    log,
    maxPending: 1_000_000,
    maxFlush: 200_000,
  });
  writer.on('committed', ({ orders, committedAtMs }) => stage.app.live.applyCommitted(orders, committedAtMs));
  writer.on('failed', () => stage.app.live.markStale());
  const ctx = { shows: config.shows, categories: new Set(config.categories), lateRefunds: true };
  // What the route does with a body (server/routes/ingest.ts), sent again while another node writes it.
  return async (lines) => {
    const decoded = decodeOrders(Buffer.from(ndjson(lines)), 'application/x-ndjson', config.limits, ctx);
    if (!decoded.ok || !decoded.late) throw new Error('expected late refunds');
    const { orders, rejected } = await resolveLateRefunds(store, config.shows, decoded.late);
    expect(rejected).toEqual([]);
    for (;;) {
      try {
        return await writer.submit([...decoded.orders, ...orders]);
      } catch (err) {
        expect((err as Error).name).toBe('ClaimedElsewhereError');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
}

async function viaHttp(lines: Record<string, unknown>[]): Promise<IngestResponse> {
  for (;;) {
    const res = await injectOrders(stage.app, ndjson(lines));
    if (res.statusCode === 200) return res.json<IngestResponse>();
    expect(res.statusCode).toBe(503);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('late refunds through two ingest nodes', () => {
  it('stores a refund sent to both nodes at once once, and nets it once', async () => {
    const sales = Array.from({ length: 400 }, (_, i) => order(i + 1));
    expect((await viaHttp(sales)).accepted).toBe(400);
    const refunds = sales.map((o) => ({ ...o, type: 'refund', ts: '2015-11-16T12:00:00.000+08:00' }));
    const other = await secondNode();
    let accepted = 0;
    let duplicates = 0;
    // Overlapping slices, sent to both nodes at the same time, twice over.
    for (let round = 0; round < 2; round++) {
      for (let from = 0; from < refunds.length; from += 100) {
        const slice = refunds.slice(from, from + 150);
        const [a, b] = await Promise.all([viaHttp(slice), other(slice)]);
        expect(a.rejected).toEqual([]);
        accepted += a.accepted + b.accepted;
        duplicates += a.duplicates + b.duplicates;
      }
    }
    expect(accepted).toBe(400);
    const rs = await stage.app.store.query({
      query: `SELECT toUInt32(count()) AS n, toUInt32(uniqExact(order_id)) AS ids, toDecimalString(sum(gmv), 2) AS g
              FROM ${stage.app.store.db}.orders WHERE show = '2015' AND type = 'refund'`,
      format: 'JSONEachRow',
    });
    const refundFen = sales.reduce((s, o) => s + fenOf(o), 0);
    expect(await rs.json()).toEqual([{ n: 400, ids: 400, g: fenToDecimal(refundFen) }]);
    expect(accepted + duplicates).toBe(2 * 2 * (150 * 3 + 100));
    const live = (await stage.app.inject({ url: '/api/v1/totals' })).json<{ net: { gmv: string; orders: number } }>();
    expect(live.net).toEqual({ gmv: '0.00', orders: 0 });
  });
});
