import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Difference } from '../../server/live/reconcile.js';
import { readTotals } from '../../server/store/board.js';
import type { ReconcileEvent } from '../../server/telemetry.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { fenOf, ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// Reconciliation compares the live state with ClickHouse figure by figure, between two INSERTs
// of the writer: it completes while orders keep arriving, and finds drifts that cancel out in
// a sum of the totals.
const METRICS = 'metrics-token-0123456789abcdef';
const dir = tempDir('reconcile');
let app: AllNode;

beforeAll(async () => {
  ({ app } = await startApp(dir.path, {
    RECONCILE_MS: '250',
    METRICS_TOKENS: METRICS,
    RATE_LIMIT_INGEST_PER_MIN: '10000000',
  }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** The reconciliation events from now on. */
function record(): { events: (ReconcileEvent & { writerBusy: boolean })[]; stop: () => void } {
  const events: (ReconcileEvent & { writerBusy: boolean })[] = [];
  const on = (e: ReconcileEvent) => events.push({ ...e, writerBusy: app.writer.busy });
  app.telemetry.on('reconcile', on);
  return { events, stop: () => app.telemetry.off('reconcile', on) };
}

async function scrape(): Promise<(series: string) => number> {
  const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } });
  expect(res.statusCode).toBe(200);
  return (series) => {
    const line = res.body.split('\n').find((l) => l.startsWith(`${series} `));
    if (line === undefined) throw new Error(`no series ${series}`);
    return Number(line.slice(series.length + 1));
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let nextOrder = 1;

/** A drift must be caught by one check and mended by one rebuild, then the checks are clean again. */
async function expectOneDriftMended(events: (ReconcileEvent & { writerBusy: boolean })[], mismatchesBefore: number) {
  const drift = await until(() => events.find((e) => e.mismatched), 10_000, 'a drift found');
  const mended = events.indexOf(drift);
  await until(() => events.slice(mended + 1).some((e) => !e.mismatched), 15_000, 'a clean check after the rebuild');
  expect(app.reconciliation.mismatches).toBe(mismatchesBefore + 1);
  expect(app.live.isStale).toBe(false);
  return drift;
}

describe('reconciliation', () => {
  it('completes checks steadily, with no drift, while orders arrive every few ms for 15 s', async () => {
    const rec = record();
    const checksBefore = app.reconciliation.checks;
    const statuses = new Map<number, number>();
    let accepted = 0;
    let stop = false;
    // Four clients, each posting its next batch 2 ms after the answer to the last one: the
    // writer's queue never empties, so it is busy the whole time.
    const client = async () => {
      while (!stop) {
        const batch = Array.from({ length: 5 }, () => order(nextOrder++));
        const res = await injectOrders(app, ndjson(batch));
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) accepted += res.json<{ accepted: number }>().accepted;
        await sleep(2);
      }
    };
    const clients = Array.from({ length: 4 }, client);
    // Checks completed so far (reported), once a second.
    const samples: number[] = [];
    let busySamples = 0;
    for (let s = 0; s < 15; s++) {
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        if (app.writer.busy) busySamples++;
      }
      samples.push(rec.events.length);
    }
    stop = true;
    await Promise.all(clients);
    await app.writer.drain();
    rec.stop();

    expect([...statuses.keys()]).toEqual([200]);
    expect(accepted).toBe(nextOrder - 1);
    // Ingest was steady: the writer was busy at nearly every look.
    expect(busySamples).toBeGreaterThanOrEqual(135);
    // Checks completed in every 3-second stretch, most of them between two INSERTs of a busy writer.
    for (let s = 3; s < samples.length; s += 3) expect(samples[s]!).toBeGreaterThan(samples[s - 3]!);
    expect(samples[2]!).toBeGreaterThan(0);
    const made = rec.events.length;
    expect(made).toBe(app.reconciliation.checks - checksBefore);
    // At least 6 a minute: 15 s hold at least 2 (at 250 ms, ~60).
    expect(made).toBeGreaterThanOrEqual(2);
    expect(rec.events.filter((e) => e.writerBusy).length).toBeGreaterThan(made / 2);
    // No drift in any figure, at any of them.
    expect(rec.events.filter((e) => e.mismatched)).toEqual([]);
    for (const e of rec.events) expect(Object.values(e.figures).every((v) => v === 0)).toBe(true);
    expect(app.reconciliation.mismatches).toBe(0);

    const m = await scrape();
    expect(m('gmv_reconcile_checks_total')).toBe(app.reconciliation.checks);
    expect(m('gmv_reconcile_drifts_total')).toBe(0);
    expect(m('gmv_reconcile_figure_drift{figure="gross_orders"}')).toBe(0);
    expect(m('gmv_reconcile_figure_drift{figure="channel_fen"}')).toBe(0);
    expect(m('gmv_reconcile_figure_drift{figure="merchant_orders"}')).toBe(0);
    // And the live state holds every order stored.
    const stored = await readTotals(app.store, '2015');
    expect(stored.saleOrders).toBe(accepted);
    expect(app.live.board.gross().orders).toBe(accepted);
    expect(app.live.board.grossFen()).toBe(stored.saleFen);
  }, 60_000);

  it('finds one sale counted under the wrong channel: totals equal, the sum of drifts 0, the channels differ', async () => {
    const x = order(999_999);
    expect(x.channel).toBe('mobile');
    expect((await injectOrders(app, ndjson([x]))).json()).toMatchObject({ accepted: 1 });
    const fen = fenOf(x);
    const channels = () => new Map(app.live.board.breakdowns().channel.map((r) => [r.key, r.orders]));
    const { mobile, pc } = Object.fromEntries(channels()) as Record<string, number>;
    const rec = record();
    const mismatches = app.reconciliation.mismatches;
    const since = Date.now();
    try {
      // The live state moves the sale from mobile to pc (synchronously: every check sees it whole).
      app.live.board.addRollups(
        [],
        [
          { dimension: 'channel', key: 'mobile', orders: -1, fen: -fen },
          { dimension: 'channel', key: 'pc', orders: 1, fen },
        ],
      );
      const drift = await expectOneDriftMended(rec.events, mismatches);
      // The linear drift of the totals (what was checked before) is 0: it would have passed.
      expect(drift).toMatchObject({ driftOrders: 0, driftFen: 0, mismatched: true });
      expect(drift.figures).toMatchObject({
        gross_orders: 0,
        gross_fen: 0,
        refund_orders: 0,
        refund_fen: 0,
        channel_orders: 2,
        channel_fen: 2 * fen,
        country_orders: 0,
        category_orders: 0,
        merchant_orders: 0,
      });
      // The live state was rebuilt from the store: the sale is mobile again.
      expect(Object.fromEntries(channels())).toMatchObject({ mobile, pc });
      const m = await scrape();
      expect(m('gmv_reconcile_drifts_total')).toBe(mismatches + 1);
      expect(m('gmv_reconcile_figure_drift{figure="channel_orders"}')).toBe(0);
      expect(m('gmv_live_rebuilds_total{repaired="true"}')).toBeGreaterThanOrEqual(1);
      // A check completed since this test began: its age is less than the test's.
      expect(m('gmv_reconcile_last_check_age_seconds')).toBeLessThanOrEqual((Date.now() - since) / 1000);
    } finally {
      rec.stop();
    }
  });

  it('finds a row written straight into a rollup, bypassing the live state, and repairs the rollup', async () => {
    const rec = record();
    const mismatches = app.reconciliation.mismatches;
    const pcBefore = app.live.board.breakdowns().channel.find((r) => r.key === 'pc')!;
    const seen: Difference[][] = [];
    const onCheck = () => seen.push(app.reconciliation.differences);
    app.telemetry.on('reconcile', onCheck);
    try {
      // One pc sale of 12.34 in the channel rollup that no order stands for: the totals (from
      // gmv_by_second) are untouched.
      await app.store.client.command({
        query: `INSERT INTO ${app.store.db}.dims_by_minute (show, minute, type, dim, key, orders, gmv)
                VALUES ('2015', toDateTime('2015-11-10 16:00:00', 'UTC'), 'sale', 'channel', 'pc', 1, 12.34)`,
      });
      const drift = await expectOneDriftMended(rec.events, mismatches);
      expect(drift).toMatchObject({ driftOrders: 0, driftFen: 0, mismatched: true });
      expect(drift.figures).toMatchObject({ gross_orders: 0, channel_orders: 1, channel_fen: 1234 });
      expect(seen[rec.events.indexOf(drift)]).toEqual([
        { figure: 'channel_orders', key: 'pc', live: pcBefore.orders, stored: pcBefore.orders + 1 },
        { figure: 'channel_fen', key: 'pc', live: expect.any(Number), stored: expect.any(Number) },
      ]);
      // The repair derived the rollup again from the orders: the stray row is gone.
      const rs = await app.store.query({
        query: `SELECT toString(sum(orders)) AS n FROM ${app.store.db}.dims_by_minute
                WHERE show = '2015' AND type = 'sale' AND dim = 'channel' AND key = 'pc'`,
        format: 'JSONEachRow',
      });
      expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(pcBefore.orders);
    } finally {
      app.telemetry.off('reconcile', onCheck);
      rec.stop();
    }
  });

  it('finds a merchant the store ranks first that the board does not show', async () => {
    const rec = record();
    const mismatches = app.reconciliation.mismatches;
    try {
      await app.store.client.command({
        query: `INSERT INTO ${app.store.db}.merchant_by_hour (show, hour, type, merchant_id, orders, gmv)
                VALUES ('2015', toDateTime('2015-11-10 16:00:00', 'UTC'), 'sale', 'ghost', 1, 9999999.00)`,
      });
      const drift = await expectOneDriftMended(rec.events, mismatches);
      expect(drift.figures).toMatchObject({
        gross_fen: 0,
        channel_fen: 0,
        merchant_orders: 1,
        merchant_fen: 999_999_900,
      });
      expect(app.live.board.breakdowns().merchant.some((r) => r.key === 'ghost')).toBe(false);
    } finally {
      rec.stop();
    }
  });
});
