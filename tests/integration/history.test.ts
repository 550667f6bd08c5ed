import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { loadDay } from '../../server/tools/day.js';
import { partialSecondQuery } from '../../server/store/history.js';
import {
  MAX_SERIES_ROWS,
  type BreakdownsResponse,
  type SeriesResponse,
  type ShowSummary,
} from '../../shared/history.js';
import { decimalToFen } from '../../shared/money.js';
import type { TotalsResponse } from '../../shared/protocol.js';
import { DEFAULT_SHOWS, type ShowConfig } from '../../shared/show.js';
import { mulberry32 } from '../../shared/sim/random.js';
import { injectOrders, startApp } from '../fixtures/app.js';
import { fenOf, ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('history');
/** A show in a half-hour zone, two days long: local hours start at :30 UTC, and 1 s steps over it pass the limit. */
const IST: ShowConfig = {
  id: 'ist',
  name: 'A show in India',
  start: '2016-11-11T00:00:00+05:30',
  durationHours: 48,
  timeZone: 'Asia/Kolkata',
  currency: 'CNY',
  rates: { CNY: '1' },
  milestones: ['1000'],
  graceSeconds: 0,
};
let app: AllNode;
const S = Date.parse('2014-11-11T00:00:00+08:00');
const H = 3_600_000;

beforeAll(async () => {
  const showsFile = join(dir.path, 'shows.json');
  writeFileSync(showsFile, JSON.stringify([...DEFAULT_SHOWS, IST]));
  // Loading the day keeps the event loop busy; ingest later in the file must not shed load for it.
  ({ app } = await startApp(join(dir.path, 'data'), { SHOWS_FILE: showsFile }));
  const config = loadConfig({ SHOWS_FILE: showsFile });
  // About 280,000 orders of 2014 (sales and refunds), with millisecond event times.
  await loadDay(
    app.store,
    { shows: config.shows, categories: new Set(config.categories) },
    {
      year: 2014,
      scale: 0.001,
      seed: 11,
    },
  );
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** An instant as RFC 3339 in China time (the offset the analyst would type). */
function china(ms: number): string {
  const local = new Date(ms + 8 * H).toISOString().replace('Z', '+08:00');
  return encodeURIComponent(local);
}

async function get<T>(url: string): Promise<T> {
  const res = await app.inject({ url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
}

/** Sales and refunds with event time ≤ at, straight from the raw orders (projections off: the table itself). */
async function rawTotals(show: string, atMs: number) {
  const rs = await app.store.query({
    query: `SELECT toString(countIf(type = 'sale')) AS so, toString(sumIf(gmv, type = 'sale')) AS sf,
                   toString(countIf(type = 'refund')) AS ro, toString(sumIf(gmv, type = 'refund')) AS rf
            FROM ${app.store.db}.orders WHERE show = {show:String} AND ts <= fromUnixTimestamp64Milli({at:Int64})`,
    query_params: { show, at: atMs },
    format: 'JSONEachRow',
    clickhouse_settings: { optimize_use_projections: 0 },
  });
  const [r] = await rs.json<{ so: string; sf: string; ro: string; rf: string }>();
  return {
    grossOrders: Number(r!.so),
    grossFen: decimalToFen(r!.sf),
    netOrders: Number(r!.so) - Number(r!.ro),
    netFen: decimalToFen(r!.sf) - decimalToFen(r!.rf),
  };
}

function fen(t: TotalsResponse | { gross: { gmv: string; orders: number }; net: { gmv: string; orders: number } }) {
  return {
    grossOrders: t.gross.orders,
    grossFen: decimalToFen(t.gross.gmv),
    netOrders: t.net.orders,
    netFen: decimalToFen(t.net.gmv),
  };
}

async function rawColumn<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await app.store.query({
    query: sql,
    query_params: params,
    format: 'JSONCompactEachRow',
    clickhouse_settings: { optimize_use_projections: 0 },
  });
  return rs.json<T>();
}

describe('time travel: GET /api/v1/totals?at=', () => {
  it('reads the partial second through the by_ts projection, a granule or two instead of the show', async () => {
    const rs = await app.store.query({
      query: `EXPLAIN projections = 1, indexes = 1 ${partialSecondQuery(app.store)}`,
      query_params: { show: '2014', second: S + H, at: S + H + 500 },
      format: 'TabSeparatedRaw',
    });
    const plan = await rs.text();
    expect(plan).toContain('ReadFromMergeTree (by_ts)');
    const [, read, total] = /Granules: (\d+)\/(\d+)/.exec(plan.slice(plan.indexOf('PrimaryKey')))!.map(Number) as [
      number,
      number,
      number,
    ];
    expect(total).toBeGreaterThan(20);
    expect(read).toBeLessThanOrEqual(2);
  });

  it('equals the raw orders at random instants, to the millisecond', async () => {
    const rand = mulberry32(1111);
    for (let i = 0; i < 40; i++) {
      // Anywhere in the day, with a random millisecond: mostly partial seconds.
      const at = S - H + Math.floor(rand() * 26 * H);
      const got = await get<TotalsResponse>(`/api/v1/totals?show=2014&at=${china(at)}`);
      expect(got.asOf).toBe(new Date(at).toISOString());
      expect(fen(got), new Date(at).toISOString()).toEqual(await rawTotals('2014', at));
    }
  });

  it('includes an order whose event time is exactly `at`, and not a millisecond before', async () => {
    const rand = mulberry32(7);
    const [n] = (await rawColumn<[string]>(`SELECT toString(count()) FROM ${app.store.db}.orders`, {}))[0]!;
    let checked = 0;
    for (let i = 0; i < 12; i++) {
      const [ms, gmv, type] = (
        await rawColumn<[string, string, string]>(
          `SELECT toString(toUnixTimestamp64Milli(ts)), toString(gmv), toString(type) FROM ${app.store.db}.orders
         WHERE show = '2014' ORDER BY order_id, type LIMIT 1 OFFSET {k:UInt64}`,
          { k: Math.floor(rand() * Number(n)) },
        )
      )[0]!;
      const at = Number(ms);
      const on = fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=${china(at)}`));
      const before = fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=${china(at - 1)}`));
      expect(on).toEqual(await rawTotals('2014', at));
      expect(before).toEqual(await rawTotals('2014', at - 1));
      // The order itself makes part of the difference (others may share its millisecond).
      if (type === 'sale') expect(on.grossFen - before.grossFen).toBeGreaterThanOrEqual(decimalToFen(gmv!));
      else expect(before.netFen - on.netFen).toBeGreaterThanOrEqual(0);
      checked++;
    }
    expect(checked).toBe(12);
  });

  it('is zero before the first order and everything after the last', async () => {
    const [first, last] = (
      await rawColumn<[string, string]>(
        `SELECT toString(toUnixTimestamp64Milli(min(ts))), toString(toUnixTimestamp64Milli(max(ts)))
       FROM ${app.store.db}.orders WHERE show = '2014'`,
        {},
      )
    )[0]!;
    const zero = { grossOrders: 0, grossFen: 0, netOrders: 0, netFen: 0 };
    expect(fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=${china(Number(first) - 1)}`))).toEqual(zero);
    expect(fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=2001-01-01T00:00:00Z`))).toEqual(zero);
    const all = await rawTotals('2014', Number.MAX_SAFE_INTEGER);
    expect(all.grossOrders).toBeGreaterThan(200_000);
    expect(fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=${china(Number(last))}`))).toEqual(all);
    expect(fen(await get<TotalsResponse>(`/api/v1/totals?show=2014&at=2030-01-01T00:00:00Z`))).toEqual(all);
    // Without `at`, the totals of a stored show are those of all its orders too.
    expect(fen(await get<TotalsResponse>(`/api/v1/totals?show=2014`))).toEqual(all);
  });
});

/** The raw orders of [from, to) (whole seconds) grouped by step, in fen; `offset` shifts to local buckets. */
async function rawSeries(show: string, fromMs: number, toMs: number, stepMs: number, offsetMs = 0) {
  const rows = await rawColumn<[string, string, string]>(
    `SELECT toString(toUnixTimestamp64Milli(ts)), toString(type), toString(gmv) FROM ${app.store.db}.orders
     WHERE show = {show:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})`,
    { show, from: Math.floor(fromMs / 1000) * 1000, to: Math.floor(toMs / 1000) * 1000 },
  );
  const steps = new Map<number, { orders: number; fen: number; refunds: number; refundFen: number }>();
  for (const [ms, type, gmv] of rows) {
    const b = Math.floor((Number(ms) + offsetMs) / stepMs) * stepMs - offsetMs;
    const s = steps.get(b) ?? { orders: 0, fen: 0, refunds: 0, refundFen: 0 };
    if (type === 'sale') {
      s.orders++;
      s.fen += decimalToFen(gmv);
    } else {
      s.refunds++;
      s.refundFen += decimalToFen(gmv);
    }
    steps.set(b, s);
  }
  return [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([b, s]) => ({ t: new Date(b).toISOString(), ...s, netFen: s.fen - s.refundFen }));
}

function seriesFen(r: SeriesResponse) {
  return r.rows.map((x) => ({
    t: x.t,
    orders: x.orders,
    fen: decimalToFen(x.gmv),
    refunds: x.refunds,
    refundFen: decimalToFen(x.refundGmv),
    netFen: decimalToFen(x.netGmv),
  }));
}

describe('GET /api/v1/series', () => {
  const cases: [string, number, number, number][] = [
    ['1s', S + 3 * H + 12_345, S + 3 * H + 200_789, 1000],
    ['1m', S + 20 * 60_000 + 7_500, S + 2 * H + 31 * 60_000 + 999, 60_000],
    ['1h', S - H, S + 25 * H, H],
  ];
  it.each(cases)('equals the raw orders grouped by %s', async (step, from, to, stepMs) => {
    const got = await get<SeriesResponse>(`/api/v1/series?show=2014&step=${step}&from=${china(from)}&to=${china(to)}`);
    const want = await rawSeries('2014', from, to, stepMs);
    expect(want.length).toBeGreaterThan(10);
    expect(seriesFen(got)).toEqual(want);
    expect([got.show, got.step, got.from, got.to]).toEqual([
      '2014',
      step,
      new Date(Math.floor(from / 1000) * 1000).toISOString(),
      new Date(Math.floor(to / 1000) * 1000).toISOString(),
    ]);
  });

  it('covers the whole window by default', async () => {
    const got = await get<SeriesResponse>(`/api/v1/series?show=2014&step=1h`);
    expect(seriesFen(got)).toEqual(await rawSeries('2014', S - H, S + 25 * H, H));
  });

  it("starts minutes and hours where they start in the show's time zone", async () => {
    const start = Date.parse(IST.start);
    // 90 orders over three hours, some of them refunds, at odd milliseconds.
    const orders = Array.from({ length: 90 }, (_, i) => ({
      order_id: `ist-${i}`,
      ...(i % 9 === 4 ? { type: 'refund' } : {}),
      ts: start + i * 2 * 60_000 + ((i * 7919) % 60_000),
      amount: `${(i % 50) + 1}.${String(i % 100).padStart(2, '0')}`,
      currency: 'CNY',
      country: 'IN',
      channel: 'mobile',
    }));
    expect((await injectOrders(app, ndjson(orders))).json()).toMatchObject({ accepted: 90 });
    const got = await get<SeriesResponse>(`/api/v1/series?show=ist&step=1h&from=2016-11-11T00:00:00%2B05:30`);
    const want = await rawSeries('ist', start, start + 48 * H, H, 5.5 * H);
    expect(got.rows.map((r) => r.t)).toEqual([
      '2016-11-10T18:30:00.000Z',
      '2016-11-10T19:30:00.000Z',
      '2016-11-10T20:30:00.000Z',
    ]);
    expect(seriesFen(got)).toEqual(want);
    // Independently of ClickHouse: the sales of the first local hour, from the orders sent.
    const firstHour = orders.filter((o) => o.ts < start + H && !o.type);
    expect(decimalToFen(got.rows[0]!.gmv)).toBe(firstHour.reduce((s, o) => s + fenOf(o), 0));
  });
});

/** Sales of [from, to) by a column of the raw orders, largest GMV first, ties by key. */
async function rawBreakdown(column: string, fromMs: number, toMs: number) {
  const rows = await rawColumn<[string, string, string]>(
    `SELECT toString(${column}) AS k, toString(count()), toString(sum(gmv)) FROM ${app.store.db}.orders
     WHERE show = '2014' AND type = 'sale' AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
     GROUP BY k`,
    { from: fromMs, to: toMs },
  );
  return rows
    .map(([key, o, g]) => ({ key, orders: Number(o), fen: decimalToFen(g) }))
    .sort((a, b) => b.fen - a.fen || (a.key < b.key ? -1 : 1));
}

const byFen = (r: BreakdownsResponse) =>
  r.rows.map((x) => ({ key: x.key, orders: x.orders, fen: decimalToFen(x.gmv) }));

describe('GET /api/v1/breakdowns', () => {
  const from = S + 37_250;
  const to = S + 5 * H + 38 * 60_000 + 28_900;
  const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
  const min = (ms: number) => Math.floor(ms / 60_000) * 60_000;

  it.each(['channel', 'country', 'category'])('sums %s exactly to the second', async (d) => {
    const got = await get<BreakdownsResponse>(
      `/api/v1/breakdowns?show=2014&dimension=${d}&limit=1000&from=${china(from)}&to=${china(to)}`,
    );
    const want = await rawBreakdown(d, sec(from), sec(to));
    expect(want.length).toBeGreaterThanOrEqual(2);
    expect(byFen(got)).toEqual(want);
    expect([got.from, got.to]).toEqual([new Date(sec(from)).toISOString(), new Date(sec(to)).toISOString()]);
  });

  it('sums merchants over whole minutes and keeps the top `limit`', async () => {
    const all = await get<BreakdownsResponse>(
      `/api/v1/breakdowns?show=2014&dimension=merchant&limit=1000&from=${china(from)}&to=${china(to)}`,
    );
    const want = await rawBreakdown('merchant_id', min(from), min(to));
    expect(byFen(all)).toEqual(want.slice(0, 1000));
    expect([all.from, all.to]).toEqual([new Date(min(from)).toISOString(), new Date(min(to)).toISOString()]);
    const top = await get<BreakdownsResponse>(
      `/api/v1/breakdowns?show=2014&dimension=merchant&from=${china(from)}&to=${china(to)}`,
    );
    expect(byFen(top)).toEqual(want.slice(0, 10));
  });
});

/** A CSV of plain fields (no commas or quotes inside, as ours are) into rows of strings. */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(',').map((f) => f.replace(/^"(.*)"$/, '$1')));
}

describe('exports', () => {
  const from = S + 2 * H + 59 * 60_000;
  const to = S + 4 * H + 17 * 60_000 + 500;

  it('GET /api/v1/export.csv gives the series as a spreadsheet file', async () => {
    const json = await get<SeriesResponse>(`/api/v1/series?show=2014&step=1m&from=${china(from)}&to=${china(to)}`);
    const res = await app.inject({ url: `/api/v1/export.csv?show=2014&step=1m&from=${china(from)}&to=${china(to)}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="gmv-2014-series-1m-20141110T185900Z-20141110T201700Z.csv"',
    );
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['t', 'orders', 'gmv', 'refunds', 'refundGmv', 'netGmv']);
    expect(rows.length).toBe(json.rows.length);
    expect(rows.length).toBeGreaterThan(60);
    for (const r of rows) {
      expect(r[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      for (const money of [r[2], r[4], r[5]]) expect(money).toMatch(/^-?\d+\.\d{2}$/);
    }
    expect(
      rows.map(([t, o, g, ro, rg, ng]) => ({
        t: new Date(t!).toISOString(),
        orders: Number(o),
        gmv: g,
        refunds: Number(ro),
        refundGmv: rg,
        netGmv: ng,
      })),
    ).toEqual(json.rows);
  });

  it('GET /api/v1/export.csv?kind=breakdown gives the breakdown', async () => {
    const q = `show=2014&dimension=country&from=${china(from)}&to=${china(to)}`;
    const json = await get<BreakdownsResponse>(`/api/v1/breakdowns?${q}&limit=1000`);
    const res = await app.inject({ url: `/api/v1/export.csv?kind=breakdown&${q}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="gmv-2014-country-.*\.csv"$/);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['dimension', 'key', 'orders', 'gmv']);
    expect(rows.map(([d, key, o, gmv]) => ({ d, key, orders: Number(o), gmv }))).toEqual(
      json.rows.map((r) => ({ d: 'country', ...r })),
    );
  });

  it('GET /api/v1/export.csv?kind=breakdown&dimension=merchant within one minute is as empty as /breakdowns', async () => {
    // Merchants are summed over whole minutes: 10 s inside one minute hold none.
    const q = `show=2014&dimension=merchant&from=${china(S + 3 * H + 10_000)}&to=${china(S + 3 * H + 20_000)}`;
    expect((await get<BreakdownsResponse>(`/api/v1/breakdowns?${q}`)).rows).toEqual([]);
    const res = await app.inject({ url: `/api/v1/export.csv?kind=breakdown&${q}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(parseCsv(res.body)).toEqual([['dimension', 'key', 'orders', 'gmv']]);
  });

  it('GET /api/v1/export.parquet is a real Parquet file with the same values', async () => {
    const json = await get<SeriesResponse>(`/api/v1/series?show=2014&step=1m&from=${china(from)}&to=${china(to)}`);
    const res = await app.inject({
      url: `/api/v1/export.parquet?show=2014&step=1m&from=${china(from)}&to=${china(to)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/filename="gmv-2014-series-1m-.*\.parquet"$/);
    const bytes = res.rawPayload;
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(bytes.subarray(-4).toString('latin1')).toBe('PAR1');
    const file = join(dir.path, 'series.parquet');
    writeFileSync(file, bytes);
    const rows = await rawColumn<[string, string, string, string, string, string, string]>(
      `SELECT toString(toUnixTimestamp64Milli(t)), toString(orders), toString(gmv), toString(refunds),
              toString(refundGmv), toString(netGmv), toTypeName(gmv)
       FROM file({file:String}, Parquet) ORDER BY t`,
      { file },
    );
    expect(rows[0]![6]).toMatch(/^(Nullable\()?Decimal/);
    expect(
      rows.map(([t, o, g, ro, rg, ng]) => ({
        t: new Date(Number(t)).toISOString(),
        orders: Number(o),
        fen: decimalToFen(g!),
        refunds: Number(ro),
        refundFen: decimalToFen(rg!),
        netFen: decimalToFen(ng!),
      })),
    ).toEqual(seriesFen(json));
  });
});

describe('GET /api/v1/shows', () => {
  it('lists every configured show with its stored orders and first and last event', async () => {
    const shows = await get<ShowSummary[]>('/api/v1/shows');
    expect(shows.map((s) => [s.id, s.live])).toEqual([
      ['2015', true],
      ['2014', false],
      ['ist', false],
    ]);
    for (const s of shows) {
      const [n, first, last] = (
        await rawColumn<[string, string, string]>(
          `SELECT toString(count()), toString(toUnixTimestamp64Milli(min(ts))), toString(toUnixTimestamp64Milli(max(ts)))
         FROM ${app.store.db}.orders WHERE show = {show:String}`,
          { show: s.id },
        )
      )[0]!;
      expect(s.orders).toBe(Number(n));
      if (Number(n) === 0) expect([s.firstEvent, s.lastEvent]).toEqual([null, null]);
      else
        expect([s.firstEvent, s.lastEvent]).toEqual([
          new Date(Number(first)).toISOString(),
          new Date(Number(last)).toISOString(),
        ]);
    }
    expect(shows[1]).toMatchObject({
      start: '2014-11-10T16:00:00.000Z',
      end: '2014-11-11T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
    });
  });
});

describe('limits and errors', () => {
  async function refused(url: string, status: number, code: string, names?: string) {
    const res = await app.inject({ url });
    expect([res.statusCode, res.json().code], `${url}: ${res.body}`).toEqual([status, code]);
    if (names) expect(res.json().message).toMatch(new RegExp(`\\b${names}\\b`));
  }

  it('refuses a bad `at`, naming it', async () => {
    for (const at of ['yesterday', '2015-11-11T00:00:00', '2015-02-30T00:00:00Z', '1969-12-31T23:59:59Z']) {
      await refused(`/api/v1/totals?at=${encodeURIComponent(at)}`, 400, 'GMV_ERR_REQUEST_INVALID', 'at');
      await refused(`/api/v1/on-air?at=${encodeURIComponent(at)}`, 400, 'GMV_ERR_REQUEST_INVALID', 'at');
    }
    await refused('/api/v1/on-air', 400, 'GMV_ERR_REQUEST_INVALID', 'at');
  });

  it('refuses reversed, empty and out-of-window ranges, naming the bound', async () => {
    const a = china(S + H);
    const b = china(S + 2 * H);
    for (const path of ['series', 'breakdowns', 'export.csv', 'export.parquet']) {
      const d = path === 'breakdowns' ? '&dimension=country' : '';
      await refused(`/api/v1/${path}?show=2014${d}&from=${b}&to=${a}`, 400, 'GMV_ERR_REQUEST_INVALID', 'from');
      await refused(`/api/v1/${path}?show=2014${d}&from=${a}&to=${a}`, 400, 'GMV_ERR_REQUEST_INVALID', 'from');
      await refused(`/api/v1/${path}?show=2014${d}&from=${china(S - 2 * H)}`, 400, 'GMV_ERR_REQUEST_INVALID', 'from');
      await refused(`/api/v1/${path}?show=2014${d}&to=${china(S + 26 * H)}`, 400, 'GMV_ERR_REQUEST_INVALID', 'to');
      await refused(`/api/v1/${path}?show=2014${d}&from=later`, 400, 'GMV_ERR_REQUEST_INVALID', 'from');
    }
  });

  it(`refuses a series of more than ${MAX_SERIES_ROWS} rows, naming step`, async () => {
    await refused('/api/v1/series?show=ist&step=1s', 400, 'GMV_ERR_REQUEST_INVALID', 'step');
    await refused('/api/v1/export.csv?show=ist&step=1s', 400, 'GMV_ERR_REQUEST_INVALID', 'step');
    await refused('/api/v1/export.parquet?show=ist&step=1s', 400, 'GMV_ERR_REQUEST_INVALID', 'step');
    // The same range at a larger step, or a shorter range at 1 s, is fine.
    expect((await app.inject({ url: '/api/v1/series?show=ist&step=1m' })).statusCode).toBe(200);
    const short = `from=2016-11-11T00:00:00%2B05:30&to=2016-11-12T00:00:00%2B05:30`;
    expect((await app.inject({ url: `/api/v1/series?show=ist&step=1s&${short}` })).statusCode).toBe(200);
  });

  it('refuses unknown shows, steps, dimensions, limits and parameters', async () => {
    for (const path of [
      'series',
      'breakdowns?dimension=country&',
      'on-air?at=2015-11-11T00:00:00Z&',
      'export.csv',
      'totals',
    ]) {
      const sep = path.endsWith('&') ? '' : '?';
      await refused(`/api/v1/${path}${sep}show=1999`, 404, 'GMV_ERR_SHOW_UNKNOWN');
    }
    await refused('/api/v1/totals?show=2014&at=2014-11-11T00:00:00Z&sql=1', 400, 'GMV_ERR_REQUEST_INVALID');
    await refused('/api/v1/series?step=5s', 400, 'GMV_ERR_REQUEST_INVALID', 'step');
    await refused('/api/v1/breakdowns', 400, 'GMV_ERR_REQUEST_INVALID', 'dimension');
    await refused('/api/v1/breakdowns?dimension=region', 400, 'GMV_ERR_REQUEST_INVALID', 'dimension');
    await refused('/api/v1/breakdowns?dimension=country&limit=0', 400, 'GMV_ERR_REQUEST_INVALID', 'limit');
    await refused('/api/v1/breakdowns?dimension=country&limit=1001', 400, 'GMV_ERR_REQUEST_INVALID', 'limit');
    await refused('/api/v1/export.csv?kind=breakdown', 400, 'GMV_ERR_REQUEST_INVALID', 'dimension');
    await refused(
      `/api/v1/series?show=2014&from=${encodeURIComponent("2014-11-11T00:00:00Z' OR 1=1")}`,
      400,
      'GMV_ERR_REQUEST_INVALID',
      'from',
    );
  });

  it('describes every history route in /openapi.json', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, { get: { parameters: { name: string }[] } }>;
    }>();
    for (const p of [
      '/api/v1/shows',
      '/api/v1/series',
      '/api/v1/breakdowns',
      '/api/v1/on-air',
      '/api/v1/export.csv',
      '/api/v1/export.parquet',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths['/api/v1/totals']!.get.parameters.map((x) => x.name)).toContain('at');
  });
});

describe('reads of stored shows a viewer can ask for', () => {
  /** Rows the engine selected while `run` ran (its own counter: SelectedRows). */
  async function rowsRead(run: () => Promise<unknown>): Promise<number> {
    const counter = async () =>
      Number(
        (
          await rawColumn<[string]>(`SELECT toString(sum(value)) FROM system.events WHERE event = 'SelectedRows'`, {})
        )[0]![0],
      );
    const before = await counter();
    await run();
    return (await counter()) - before;
  }

  it('answers /api/v1/shows and totals of a past show from the rollups, not by reading every order', async () => {
    const stored = Number(
      (
        await rawColumn<[string]>(`SELECT toString(count()) FROM ${app.store.db}.orders WHERE show = '2014'`, {})
      )[0]![0],
    );
    expect(stored).toBeGreaterThan(200_000);
    const shows = await rowsRead(() => get<ShowSummary[]>('/api/v1/shows'));
    const totals = await rowsRead(() => get('/api/v1/totals?show=2014'));
    // The per-second rollup (a few rows per second: at this small scale about half as many rows as
    // orders, at full scale a thousandth) and, for the first and last event, a granule of orders each.
    const rollup = Number(
      (await rawColumn<[string]>(`SELECT toString(count()) FROM ${app.store.db}.gmv_by_second`, {}))[0]![0],
    );
    expect(rollup).toBeLessThan(stored * 0.6);
    // (+1,000: the rows of system.events that the counter itself reads.)
    expect(shows).toBeLessThanOrEqual(rollup + 3 * 2 * 8192 + 1000);
    expect(totals).toBeLessThanOrEqual(rollup + 1000);
  });
});
