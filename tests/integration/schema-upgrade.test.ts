import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { DimensionRow, RollupRow } from '../../server/domain/board.js';
import { readBoard, readSecondsFen, repairRollups } from '../../server/store/board.js';
import { loadDay } from '../../server/tools/day.js';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import { seriesRows, totalsAt } from '../../server/store/history.js';
import { dimensionMinutes, merchantBuckets, merchantHours } from '../../server/store/minutes.js';
import { insertOrders } from '../../server/store/orders.js';
import { dimensionRows, secondRows } from '../../server/store/ranges.js';
import { ROLLUPS, bootstrap, migrate, migrations } from '../../server/store/schema.js';
import { edgeAndTopMerchants, topMerchants } from '../../server/store/top.js';
import { decimalToFen } from '../../shared/money.js';
import { validateOrder } from '../../shared/order.js';
import { mulberry32 } from '../../shared/sim/random.js';
import { order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// A data directory as schema 2 left it, with a day of orders in it, upgraded by migrate().
const dir = tempDir('schema-upgrade');
const config = loadConfig({});
const ctx = { shows: config.shows, categories: new Set(config.categories) };
const show = config.shows.find((s) => s.id === '2014')!;
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Every order of the show: its window with the grace period, and more. */
const ALL = [show.startMs - 2 * HOUR, show.endMs + 2 * HOUR] as const;
let store: StoreHandle;
let version: number;

/** What a schema-2 install ran: the bootstrap, migrations 1 and 2, their versions recorded. */
async function installSchema2(s: StoreHandle): Promise<void> {
  for (const q of bootstrap(s.db)) await s.client.command({ query: q });
  for (const q of migrations(s.db).slice(0, 2).flat()) await s.client.command({ query: q });
  await s.client.insert({
    table: `${s.db}.schema_migrations`,
    values: [{ version: 1 }, { version: 2 }],
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  });
}

async function tables(): Promise<string[]> {
  const rs = await store.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`,
    query_params: { db: store.db },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string]>()).map(([n]) => n);
}

/** Rows straight from the orders table (projections off: the table itself). */
async function raw<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await store.query({
    query,
    query_params: { show: '2014', ...params },
    format: 'JSONCompactEachRow',
    clickhouse_settings: { optimize_use_projections: 0 },
  });
  return rs.json<T>();
}

/** The partition key of each rollup and staging table. */
async function partitionKeys(): Promise<Record<string, string>> {
  const rs = await store.query({
    query: `SELECT name, partition_key FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    query_params: { db: store.db, names: ROLLUPS.flatMap((r) => [r, `${r}_repair`]) },
    format: 'JSONCompactEachRow',
  });
  return Object.fromEntries(await rs.json<[string, string]>());
}

/** [orders, gmv] of each rollup, by show. */
async function rollupTotals(): Promise<Record<string, string[][]>> {
  const out: Record<string, string[][]> = {};
  for (const r of ROLLUPS) {
    out[r] = await raw<string[]>(
      `SELECT show, toString(sum(orders)), toString(sum(gmv)) FROM ${store.db}.${r} GROUP BY show ORDER BY show`,
    );
  }
  return out;
}

const range = (fromMs: number, toMs: number) => ({ from: fromMs, to: toMs });
const IN_RANGE = 'ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})';

/** Sales by key of one dimension over [from, to), from the raw orders. */
async function rawDimension(dimension: string, fromMs: number, toMs: number): Promise<Map<string, number[]>> {
  const column = dimension === 'merchant' ? 'merchant_id' : dimension;
  const rows = await raw<[string, string, string]>(
    `SELECT toString(${column}) AS k, toString(count()), toString(sum(gmv)) FROM ${store.db}.orders
     WHERE show = {show:String} AND type = 'sale' AND ${IN_RANGE} ${dimension === 'country' || dimension === 'channel' || dimension === 'category' ? '' : `AND ${column} != ''`}
     GROUP BY k`,
    range(fromMs, toMs),
  );
  return new Map(rows.map(([k, o, g]) => [k, [Number(o), decimalToFen(g)]]));
}

function byKey(rows: readonly DimensionRow[], dimension: string): Map<string, number[]> {
  return new Map(rows.filter((r) => r.dimension === dimension).map((r) => [r.key, [r.orders, r.fen]]));
}

/** The `n` largest of a raw merchant map, as the readers rank them (GMV down, then id). */
function topOf(all: Map<string, number[]>, n: number): Map<string, number[]> {
  const sorted = [...all].sort((a, b) => b[1]![1]! - a[1]![1]! || (a[0] < b[0] ? -1 : 1));
  return new Map(sorted.slice(0, n));
}

/** Per-second sales and refunds since the show start over [from, to), from the raw orders. */
async function rawSeconds(fromMs: number, toMs: number): Promise<RollupRow[]> {
  const rows = await raw<[string, 'sale' | 'refund', string, string]>(
    `SELECT toString(intDiv(toUnixTimestamp64Milli(ts), 1000) - {start:Int64}) AS s, toString(type) AS t,
            toString(count()), toString(sum(gmv))
     FROM ${store.db}.orders WHERE show = {show:String} AND ${IN_RANGE}
     GROUP BY s, t ORDER BY toInt64(s), t`,
    { ...range(fromMs, toMs), start: show.startMs / 1000 },
  );
  return rows.map(([s, type, o, g]) => ({ second: Number(s), type, orders: Number(o), fen: decimalToFen(g) }));
}

const sortRows = (rows: RollupRow[]) =>
  [...rows].sort((a, b) => a.second - b.second || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));

beforeAll(async () => {
  store = openStore({ dataDir: dir.path, clickhouse: { ...config.clickhouse, url: null, cluster: null } });
  await installSchema2(store);
  // Today's loader writes the buyer's province and city, which the geo migration adds (IF NOT EXISTS).
  await store.client.command({
    query: `ALTER TABLE ${store.db}.orders ADD COLUMN province LowCardinality(String) DEFAULT '', ADD COLUMN city String DEFAULT ''`,
  });
  // A day of 2014 (sales and refunds across every hour) through the schema-2 views.
  await loadDay(store, ctx, { year: 2014, scale: 0.0002, seed: 5 });
  version = await migrate(store);
}, 120_000);
afterAll(async () => {
  await store?.close();
  dir.remove();
});

describe('migrate() on a data directory at schema 2', () => {
  it('applies migrations 3 to 7: the duplicate rollup and its view are gone, every other rollup is fed and partitioned by show, the repair marks are kept', async () => {
    expect(version).toBe(migrations(store.db).length);
    expect(version).toBe(11);
    expect(await partitionKeys()).toEqual(
      Object.fromEntries(
        ROLLUPS.flatMap((r) => [
          [r, 'show'],
          [`${r}_repair`, 'show'],
        ]),
      ),
    );
    const names = await tables();
    expect(names).not.toContain('gmv_by_minute');
    expect(names).not.toContain('gmv_by_minute_mv');
    for (const r of ROLLUPS) expect(names).toEqual(expect.arrayContaining([r, `${r}_mv`]));
    expect(names).toContain('rollup_repairs');
    // Migration 6: the director's audit.
    expect(names).toContain('director_actions');
    // Migration 7: the armed cues' columns of the audit.
    const rs = await store.query({
      query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'director_actions'
              AND name IN ('mode', 'crossed_at') ORDER BY name`,
      query_params: { db: store.db },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { name: 'crossed_at', type: "Nullable(DateTime64(3, 'UTC'))" },
      { name: 'mode', type: 'LowCardinality(String)' },
    ]);
    // Migration 8: the run-of-show marks.
    expect(names).toContain('show_marks');
    // Migration 9: the devices subscribed to Web Push.
    expect(names).toContain('push_subscriptions');
    // Migration 10: the on-air record's frames.
    expect(names).toContain('on_air_frames');
    // Migration 11: merchants' reference data (the buyer's province and city: tests/integration/geo.test.ts).
    expect(names).toContain('merchants');
    expect(names.filter((n) => n.endsWith('_swap'))).toEqual([]);
    // Run again: nothing left to apply.
    expect(await migrate(store)).toBe(11);
  });

  it('reads the live board (per-second rows and every breakdown) as the raw orders sum', async () => {
    const board = await readBoard(store, show);
    expect(sortRows(board.seconds)).toEqual(await rawSeconds(...ALL));
    for (const d of ['channel', 'country', 'category', 'merchant']) {
      expect(byKey(board.dimensions, d), d).toEqual(await rawDimension(d, ...ALL));
    }
  });

  it('reads last year’s per-second curve as the raw sales', async () => {
    const curve = await readSecondsFen(store, show);
    const want = new Float64Array(curve.length);
    for (const r of await rawSeconds(show.startMs, show.endMs)) if (r.type === 'sale') want[r.second] = r.fen;
    expect(curve).toEqual(want);
  });

  it('reads totals at random instants, to the millisecond', async () => {
    const rand = mulberry32(3);
    for (let i = 0; i < 12; i++) {
      const at = show.startMs + Math.floor(rand() * 24 * HOUR);
      const [[so, sf, ro, rf]] = (await raw<[string, string, string, string]>(
        `SELECT toString(countIf(type = 'sale')), toString(sumIf(gmv, type = 'sale')),
                toString(countIf(type = 'refund')), toString(sumIf(gmv, type = 'refund'))
         FROM ${store.db}.orders WHERE show = {show:String} AND ts <= fromUnixTimestamp64Milli({at:Int64})`,
        { at },
      )) as [[string, string, string, string]];
      expect(await totalsAt(store, '2014', at)).toEqual({
        saleOrders: Number(so),
        saleFen: decimalToFen(sf),
        refundOrders: Number(ro),
        refundFen: decimalToFen(rf),
      });
    }
  });

  it('reads series and per-second rows over ragged ranges', async () => {
    const from = show.startMs + 37_000;
    const to = show.startMs + 5 * HOUR + 12_000;
    const seconds = await rawSeconds(from, to);
    expect(sortRows(await secondRows(store, show, { fromMs: from, toMs: to }))).toEqual(seconds);
    const hours = new Map<number, number[]>();
    for (const r of seconds) {
      const h = Math.floor((show.startMs + r.second * 1000) / HOUR) * HOUR;
      const acc = hours.get(h) ?? [0, 0, 0, 0];
      const at = r.type === 'sale' ? 0 : 2;
      acc[at]! += r.orders;
      acc[at + 1]! += r.fen;
      hours.set(h, acc);
    }
    const series = await seriesRows(store, show, { fromMs: from, toMs: to }, '1h');
    expect(new Map(series.map((b) => [b.startMs, [b.orders, b.fen, b.refunds, b.refundFen]]))).toEqual(hours);
  });

  it('reads breakdowns and merchant rankings over ranges', async () => {
    const from = show.startMs + 3 * MINUTE + 20_000;
    const to = show.startMs + 7 * HOUR + 41 * MINUTE + 5_000;
    const rows = await dimensionRows(store, '2014', { fromMs: from, toMs: to }, [
      'channel',
      'country',
      'category',
      'merchant',
    ]);
    for (const d of ['channel', 'country', 'category'])
      expect(byKey(rows, d), d).toEqual(await rawDimension(d, from, to));
    // Merchants over whole minutes.
    const mFrom = Math.floor(from / MINUTE) * MINUTE;
    const mTo = Math.floor(to / MINUTE) * MINUTE;
    const merchants = await rawDimension('merchant', mFrom, mTo);
    expect(byKey(rows, 'merchant')).toEqual(merchants);
    expect(byKey(await topMerchants(store, '2014', { fromMs: from, toMs: to }, 10), 'merchant')).toEqual(
      topOf(merchants, 10),
    );
    const edge = { fromMs: show.startMs + 2 * HOUR, toMs: show.startMs + 2 * HOUR + 42_000 };
    const both = await edgeAndTopMerchants(store, '2014', edge, { fromMs: from, toMs: to }, 5);
    expect(byKey(both, 'country')).toEqual(await rawDimension('country', edge.fromMs, edge.toMs));
    expect(byKey(both, 'merchant')).toEqual(topOf(merchants, 5));
  });

  it('reads the minutes and hours a finished day’s replay keeps', async () => {
    const day = { fromMs: show.startMs, toMs: show.endMs };
    const sum = (rows: { dimension: string; key: string; orders: number; fen: number }[]) => {
      const out = new Map<string, number[]>();
      for (const r of rows) {
        const k = `${r.dimension}:${r.key}`;
        const acc = out.get(k) ?? [0, 0];
        out.set(k, [acc[0]! + r.orders, acc[1]! + r.fen]);
      }
      return out;
    };
    const want = new Map<string, number[]>();
    for (const d of ['channel', 'country', 'category', 'merchant'])
      for (const [k, v] of await rawDimension(d, day.fromMs, day.toMs)) want.set(`${d}:${k}`, v);
    const plain = new Map([...want].filter(([k]) => !k.startsWith('merchant:')));
    const merchants = new Map([...want].filter(([k]) => k.startsWith('merchant:')));
    expect(sum(await dimensionMinutes(store, '2014', day))).toEqual(plain);
    expect(sum(await merchantHours(store, '2014', day))).toEqual(merchants);
    expect(sum(await merchantBuckets(store, '2014', day, 15 * MINUTE))).toEqual(merchants);
  });

  it('keeps every rollup row when migration 5 is run again from any of its steps (a crash before its version was recorded)', async () => {
    const before = await rollupTotals();
    expect(before.gmv_by_second!.length).toBeGreaterThan(0);
    const steps = migrations(store.db)[4]!;
    // Stopped after the copy, after the exchange, after the first rollup, and after all of them.
    for (const stop of [3, 4, 6, steps.length]) {
      for (const q of [...steps.slice(0, stop), ...steps]) await store.client.command({ query: q });
      expect(await rollupTotals(), `stopped after ${stop}`).toEqual(before);
      expect(Object.values(await partitionKeys())).toEqual(Array(ROLLUPS.length * 2).fill('show'));
    }
    expect((await tables()).filter((n) => n.endsWith('_swap'))).toEqual([]);
  });

  it('feeds the remaining rollups from new orders, and repairs them from the orders', async () => {
    const fresh = [1, 2, 3].map((i) => {
      const check = validateOrder(order(i, { order_id: `up-${i}`, ts: '2014-11-11T13:05:07.125+08:00' }), ctx);
      if (!check.ok) throw new Error(check.message);
      return check.order;
    });
    await insertOrders(store, fresh);
    const board = await readBoard(store, show);
    expect(sortRows(board.seconds)).toEqual(await rawSeconds(...ALL));
    for (const d of ['channel', 'country', 'category', 'merchant'])
      expect(byKey(board.dimensions, d), d).toEqual(await rawDimension(d, ...ALL));
    await repairRollups(store, '2014');
    const repaired = await readBoard(store, show);
    expect(sortRows(repaired.seconds)).toEqual(sortRows(board.seconds));
    // The repair derives every breakdown from the orders, the buyer's province and city included
    // (this day's orders carry them, though the schema-2 views that fed the rollups never read them).
    for (const d of ['channel', 'country', 'category', 'merchant'])
      expect(byKey(repaired.dimensions, d), d).toEqual(byKey(board.dimensions, d));
    for (const d of ['province', 'city']) {
      expect(byKey(board.dimensions, d).size, d).toBe(0);
      const raw = await rawDimension(d, ...ALL);
      expect(raw.size, d).toBeGreaterThan(0);
      expect(byKey(repaired.dimensions, d), d).toEqual(raw);
    }
  });
});
