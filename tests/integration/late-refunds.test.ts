import pino from 'pino';
import { loadConfig } from '../../server/config.js';
import { MemoryClaims } from '../../server/ingest/claims.js';
import { lateRefundTest } from '../../server/ingest/late-refunds.js';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaysResponse, SeriesResponse } from '../../shared/history.js';
import type { IngestResponse } from '../../shared/order.js';
import type { TotalsResponse } from '../../shared/protocol.js';
import { injectOrders, parsedOrder, startApp } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order, order2014 } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('late-refunds');
let app: AllNode;

beforeAll(async () => {
  ({ app } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

async function post(lines: unknown[]): Promise<IngestResponse> {
  const res = await injectOrders(app, ndjson(lines));
  expect(res.statusCode).toBe(200);
  return res.json<IngestResponse>();
}

async function get<T>(url: string): Promise<T> {
  const res = await app.inject({ url });
  expect(res.statusCode, url).toBe(200);
  return res.json<T>();
}

/** What ClickHouse holds of a show, straight from the orders table. */
async function stored(show: string): Promise<{ so: number; sg: string; ro: number; rg: string; late: number }> {
  const rs = await app.store.query({
    query: `SELECT toUInt32(countIf(type = 'sale')) AS so, toDecimalString(sumIf(gmv, type = 'sale'), 2) AS sg,
                   toUInt32(countIf(type = 'refund')) AS ro, toDecimalString(sumIf(gmv, type = 'refund'), 2) AS rg,
                   toUInt32(countIf(type = 'refund' AND ts >= {end:DateTime64(3, 'UTC')})) AS late
            FROM ${app.store.db}.orders WHERE show = {show:String}`,
    query_params: { show, end: show === '2015' ? '2015-11-11 17:00:00' : '2014-11-11 17:00:00' },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ so: number; sg: string; ro: number; rg: string; late: number }>();
  return { ...r!, so: Number(r!.so), ro: Number(r!.ro), late: Number(r!.late) };
}

const minus = (a: string, b: string) => {
  const f = (s: string) => BigInt(s.replace('.', ''));
  return fenToDecimal(Number(f(a) - f(b)));
};

// Sales of the 2015 show (the live one) and of 2014, then refunds days after 2015 ended.
const sales = Array.from({ length: 30 }, (_, i) => order(i + 1));
const sales2014 = Array.from({ length: 5 }, (_, i) => order2014(i + 1));
const LATER = '2015-11-14T10:00:00.000+08:00';
const lateRefund = (o: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  ...o,
  type: 'refund',
  ts: LATER,
  ...over,
});
const lateRefunds = [
  lateRefund(sales[0]!),
  lateRefund(sales[1]!, { amount: '1.00' }),
  lateRefund(sales[2]!, { ts: '2015-11-20T08:00:00.000+08:00' }),
  // A 2014 sale: 2015 holds no order y-1, so it is netted to 2014, the other show ended before.
  lateRefund(sales2014[0]!),
];
const lateFen2015 = fenOf(sales[0]!) + 100 + fenOf(sales[2]!);

describe('refunds after the day, on real chDB', () => {
  it('nets a refund made days after its show ended to that show, found by its order id', async () => {
    expect((await post([...sales, ...sales2014])).accepted).toBe(35);
    // An ordinary refund inside the window takes the path it always took.
    expect((await post([{ ...sales[5]!, type: 'refund', ts: '2015-11-11T20:00:00+08:00' }])).accepted).toBe(1);
    const answer = await post(lateRefunds);
    expect(answer).toEqual({ accepted: 4, duplicates: 0, rejected: [] });

    const s2015 = await stored('2015');
    expect(s2015.ro).toBe(4);
    expect(s2015.late).toBe(3);
    expect(s2015.rg).toBe(fenToDecimal(lateFen2015 + fenOf(sales[5]!)));
    const s2014 = await stored('2014');
    expect([s2014.ro, s2014.late, s2014.rg]).toEqual([1, 1, fenToDecimal(fenOf(sales2014[0]!))]);
    // Stored at its own event time: the refund is a row of 2015 days after the window.
    const rs = await app.store.query({
      query: `SELECT toString(toUnixTimestamp64Milli(ts)) AS ms FROM ${app.store.db}.orders
              WHERE show = '2015' AND order_id = 't-1' AND type = 'refund'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ ms: String(Date.parse(LATER)) }]);
  });

  it('counts a late refund sent twice once, in one batch and in another', async () => {
    expect(await post(lateRefunds)).toEqual({ accepted: 0, duplicates: 4, rejected: [] });
    const again = await post([lateRefund(sales[3]!), lateRefund(sales[3]!, { ts: '2015-11-15T10:00:00+08:00' })]);
    expect(again).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    // The in-window refund and a late one with the same order id are one refund.
    expect(await post([lateRefund(sales[5]!)])).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect((await stored('2015')).ro).toBe(5);
  });

  it('refuses a late refund of an unknown order or above its sale, by line and field', async () => {
    const answer = await post([
      lateRefund(sales[4]!, { amount: '0.01', province: '33', city: 'Hangzhou' }),
      lateRefund(sales[6]!, { order_id: 'never-sold' }),
      lateRefund(sales[7]!, { amount: `${(fenOf(sales[7]!) + 1) / 100}` }),
      lateRefund(sales[8]!, { currency: 'XXX' }),
      lateRefund(sales[9]!, { ts: '2010-01-01T00:00:00Z' }),
      // A sale never goes late: it is refused as before.
      { ...sales[10]!, order_id: 'late-sale', ts: LATER },
    ]);
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.line, r.field, r.code])).toEqual([
      [2, 'order_id', 'GMV_ERR_REFUND_NO_SALE'],
      [3, 'amount', 'GMV_ERR_REFUND_EXCEEDS_SALE'],
      [4, 'currency', 'GMV_ERR_CURRENCY_UNKNOWN'],
      [5, 'ts', 'GMV_ERR_TS_OUTSIDE_SHOW'],
      [6, 'ts', 'GMV_ERR_TS_OUTSIDE_SHOW'],
    ]);
    expect((await stored('2015')).ro).toBe(6);
    // The accepted one keeps the buyer's province and city it was sent with.
    const rs = await app.store.query({
      query: `SELECT toString(province) AS province, city FROM ${app.store.db}.orders
              WHERE show = '2015' AND order_id = 't-5' AND type = 'refund'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ province: '33', city: 'Hangzhou' }]);
  });

  it('agrees with ClickHouse in the days API, the live net and the series, whose gross is untouched', async () => {
    const { days } = await get<DaysResponse>('/api/v1/days');
    for (const show of ['2015', '2014']) {
      const s = await stored(show);
      const day = days.find((d) => d.show === show)!;
      expect(day.gross).toEqual({ gmv: s.sg, orders: s.so });
      expect(day.refunds).toEqual({ gmv: s.rg, orders: s.ro });
      expect(day.lateRefunds.orders).toBe(s.late);
      expect(day.net).toEqual({ gmv: minus(s.sg, s.rg), orders: s.so - s.ro });
      expect(day.refundRate).toBeCloseTo(Number(s.rg) / Number(s.sg), 12);
    }
    const s = await stored('2015');
    expect(days.find((d) => d.show === '2015')!.live).toBe(true);

    // The live board (2015 is live here) nets them too.
    const live = await get<TotalsResponse>('/api/v1/totals');
    expect(live.gross).toEqual({ gmv: s.sg, orders: s.so });
    expect(live.net).toEqual({ gmv: minus(s.sg, s.rg), orders: s.so - s.ro });

    // The window's series: every sale, and only the refund made inside it.
    const series = await get<SeriesResponse>('/api/v1/series?show=2015&step=1h');
    expect(series.rows.reduce((n, r) => n + r.orders, 0)).toBe(s.so);
    expect(series.rows.reduce((n, r) => n + r.refunds, 0)).toBe(1);
  });

  it('still counts a late refund once after a restart, and the rebuilt board still nets it', async () => {
    const before = await stored('2015');
    await app.close();
    ({ app } = await startApp(dir.path));
    expect(await post(lateRefunds)).toEqual({ accepted: 0, duplicates: 4, rejected: [] });
    expect(await post([lateRefund(sales[11]!)])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const s = await stored('2015');
    expect(s.ro).toBe(before.ro + 1);
    const live = await get<TotalsResponse>('/api/v1/totals');
    expect(live.net).toEqual({ gmv: minus(s.sg, s.rg), orders: s.so - s.ro });
  });
});

describe('the claims of late refunds', () => {
  it("checks a late refund in the store without loading its finished show's keys", async () => {
    const logged: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
    const claims = new MemoryClaims(app.store, log, { cold: lateRefundTest(loadConfig({}).shows) });
    // Resolved as the route resolves them: the 2014 sale's show, at the 2014 rate.
    const stored = { ...parsedOrder(sales2014[0]!), type: 'refund' as const, ts: Date.parse(LATER) };
    const fresh = { ...parsedOrder(sales2014[1]!), type: 'refund' as const, ts: Date.parse(LATER) };
    expect(await claims.claim([stored, fresh])).toEqual(['duplicate', 'new']);
    await claims.release([fresh], false);
    expect(logged.filter((l) => l.includes('loaded stored order keys'))).toEqual([]);
    // An order of a window of the same show loads them, as before.
    expect(await claims.claim([parsedOrder(sales2014[0]!)])).toEqual(['duplicate']);
    expect(logged.filter((l) => l.includes('loaded stored order keys'))).toHaveLength(1);
  });
});

describe('the sale lookup of late refunds', () => {
  /** Rows the engine selected while `run` ran (its own counter: SelectedRows). */
  async function rowsRead(run: () => Promise<unknown>): Promise<number> {
    const counter = async () => {
      const rs = await app.store.query({
        query: `SELECT toString(sum(value)) AS v FROM system.events WHERE event = 'SelectedRows'`,
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ v: string }>())[0]!.v);
    };
    const before = await counter();
    await run();
    return (await counter()) - before;
  }

  it('reads a few granules per show asked, not the day: order_id is in the primary key', async () => {
    const N = 2_000_000;
    await app.store.client.command({
      query: `INSERT INTO ${app.store.db}.orders (show, order_id, type, ts, amount, currency, gmv, country, channel, category, merchant_id)
              SELECT '2014', concat('bulk-', toString(number)), 'sale',
                     toDateTime64('2014-11-10 16:00:00', 3, 'UTC') + toIntervalMillisecond(number * 43),
                     1.00, 'CNY', 1.00, 'CN', 'mobile', 'other', ''
              FROM numbers(${N}) SETTINGS async_insert = 0`,
    });
    const ids = Array.from({ length: 50 }, (_, i) => `bulk-${(i * 39_999) % N}`);
    const lines = ids.map((id) => ({ ...order2014(1), order_id: id, amount: '1.00', type: 'refund', ts: LATER }));
    let answer: IngestResponse | undefined;
    const rows = await rowsRead(async () => (answer = await post(lines)));
    expect(answer).toEqual({ accepted: ids.length, duplicates: 0, rejected: [] });
    // Two reads by primary key: the lookup of the sales (in both ended shows: 2015 holds a granule)
    // and the claims' store check of the refunds. At most a granule (8,192 rows) per id and read,
    // where a scan would read the 2 M rows of the show twice. (+1,000: the counter's own rows.)
    const rs = await app.store.query({
      query: `SELECT toUInt32(count()) AS n FROM system.parts
              WHERE database = {db:String} AND table = 'orders' AND partition = '2014' AND active`,
      query_params: { db: app.store.db },
      format: 'JSONEachRow',
    });
    const parts = Number((await rs.json<{ n: number }>())[0]!.n);
    console.log(`late refunds: ${ids.length} ids among ${N} sales in ${parts} parts read ${rows} rows`);
    expect(rows).toBeLessThanOrEqual(2 * (ids.length + 1) * parts * 8192 + 1000);
    expect(rows).toBeLessThan(N / 2);

    // A finished show's parts merge in the background; merged to one, a read is a granule per id.
    await app.store.client.command({ query: `OPTIMIZE TABLE ${app.store.db}.orders PARTITION '2014' FINAL` });
    const more = ids.map((_, i) => ({ ...lines[0]!, order_id: `bulk-${(i * 39_999 + 7) % N}` }));
    const merged = await rowsRead(async () => (answer = await post(more)));
    expect(answer).toEqual({ accepted: ids.length, duplicates: 0, rejected: [] });
    console.log(`late refunds: ${ids.length} ids among ${N} sales in 1 part read ${merged} rows`);
    expect(merged).toBeLessThanOrEqual(2 * (ids.length + 1) * 8192 + 1000);
  });
});
