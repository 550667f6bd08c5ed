import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, startApp, until, type LiveSocket, injectOrders } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { freePort, tempDir } from '../fixtures/server.js';

const METRICS = 'metrics-token-0123456789abcdef';
const dir = tempDir('faults');
let app: AllNode;
let url: string;
let port: number;
beforeAll(async () => {
  port = await freePort();
  ({ app, url } = await startApp(dir.path, { RECONCILE_MS: '200', METRICS_TOKENS: METRICS }, port));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(orders: unknown[]) {
  return injectOrders(app, ndjson(orders));
}
/** Makes ClickHouse refuse inserts into the orders table ("too many parts"), or lets it accept them again. */
async function failInserts(on: boolean) {
  await app.store.client.command({
    query: `ALTER TABLE ${app.store.db}.orders MODIFY SETTING parts_to_throw_insert = ${on ? 1 : 3000}`,
  });
}

describe('faults', () => {
  it('answers 503 with Retry-After while ClickHouse refuses writes, acknowledges nothing, and recovers without a restart', async () => {
    const first = Array.from({ length: 50 }, (_, i) => order(i + 1));
    expect((await post(first)).json().accepted).toBe(50);
    const c = liveClient(url);
    try {
      await until(() => c.snapshots[0], 10_000, 'snapshot');
      await failInserts(true);
      const refused = await post([order(1000), order(1001)]);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().code).toBe('GMV_ERR_STORE_UNAVAILABLE');
      // The boards show their data as stale; readiness stays up (reads still work).
      await until(() => c.ticks.some((t) => !t.healthy), 10_000, 'a stale tick');
      expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', writes: 'failing' });
      const fen = first.reduce((s, o) => s + fenOf(o), 0);
      expect((await app.inject({ url: '/api/v1/totals' })).json().gross).toEqual({
        gmv: fenToDecimal(fen),
        orders: 50,
      });

      await failInserts(false);
      const again = await post([order(1000), order(1001)]);
      expect(again.json()).toMatchObject({ accepted: 2, duplicates: 0 });
      const tick = await until(() => c.ticks.find((t) => t.healthy && t.gross.orders === 52), 10_000, 'recovery');
      expect(tick.gross.gmv).toBe(fenToDecimal(fen + fenOf(order(1000)) + fenOf(order(1001))));
    } finally {
      c.socket.close();
    }
  });

  it('re-derives the rollups when an INSERT stored the orders but a materialized view failed', async () => {
    const before = (await app.inject({ url: '/api/v1/totals' })).json().gross;
    const setLimit = (n: number) =>
      app.store.client.command({
        query: `ALTER TABLE ${app.store.db}.gmv_by_second MODIFY SETTING parts_to_throw_insert = ${n}`,
      });
    await setLimit(1);
    const orders = [order(3000), order(3001)];
    const refused = await post(orders);
    expect(refused.statusCode).toBe(503);
    await setLimit(3000);
    // The rows landed in orders though the request failed: resent, they count once.
    const resent = await post(orders);
    expect(resent.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const after = (await app.inject({ url: '/api/v1/totals' })).json().gross;
    const fen = fenOf(orders[0]!) + fenOf(orders[1]!);
    expect(after).toEqual({
      orders: before.orders + 2,
      gmv: fenToDecimal(Math.round(Number(before.gmv) * 100) + fen),
    });
    // The board was rebuilt from repaired rollups: they agree with the raw orders.
    const rs = await app.store.query({
      query: `SELECT toString(sum(orders)) AS n FROM ${app.store.db}.gmv_by_second WHERE show = '2015' AND type = 'sale'`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string }>();
    expect(Number(row!.n)).toBe(after.orders);
  });

  it('finds the live totals equal to ClickHouse when it reconciles', async () => {
    const before = app.reconciliation.checkedAtMs ?? 0;
    await until(() => (app.reconciliation.checkedAtMs ?? 0) > before, 10_000, 'a reconciliation');
    expect(app.reconciliation).toMatchObject({ driftOrders: 0, driftFen: 0 });
  });

  it('counts the failed writes, the 503s and the repairs in its metrics', async () => {
    const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } });
    const sample = (series: string) =>
      Number(
        res.body
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    // One refused INSERT in each of the first two tests, each answered 503 and followed by one repairing rebuild.
    expect(sample('gmv_ingest_flush_failures_total')).toBe(2);
    expect(sample('gmv_ingest_shed_total{reason="store"}')).toBe(2);
    expect(sample('gmv_live_rebuilds_total{repaired="true"}')).toBe(2);
    expect(sample('gmv_live_rebuilds_total{repaired="false"}')).toBe(1);
    expect(sample('gmv_live_healthy')).toBe(1);
    expect(sample('gmv_reconcile_checks_total')).toBeGreaterThanOrEqual(1);
    expect(sample('gmv_reconcile_drifts_total')).toBe(0);
  });

  it('brings 1,000 boards back to the same exact snapshot after a server restart', async () => {
    const clients = Array.from({ length: 1000 }, () => liveClient(url));
    const sockets: LiveSocket[] = clients.map((c) => c.socket);
    try {
      await until(() => clients.every((c) => c.snapshots.length > 0), 60_000, 'all connected');
      await app.close();
      ({ app, url } = await startApp(dir.path, {}, port));
      const more = [order(5000), order(5001), order(5002)];
      expect((await post(more)).json().accepted).toBe(3);
      const want = (await app.inject({ url: '/api/v1/totals' })).json().gross;
      // Each board reconnects, gets a fresh snapshot, then follows ticks to the same totals.
      await until(
        () =>
          clients.every((c) => {
            const last = [...c.snapshots, ...c.ticks].sort((a, b) => a.seq - b.seq).at(-1);
            return (
              c.snapshots.length > 1 &&
              last !== undefined &&
              last.gross.gmv === want.gmv &&
              last.gross.orders === want.orders
            );
          }),
        90_000,
        'all converged',
      );
    } finally {
      for (const s of sockets) s.close();
    }
  }, 180_000);
});
