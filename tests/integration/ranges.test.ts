import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { loadDay } from '../../server/tools/day.js';
import { dimensionRows, secondRows } from '../../server/store/ranges.js';
import { decimalToFen } from '../../shared/money.js';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('ranges');
let app: AllNode;
const config = loadConfig({});
const show = config.shows.find((s) => s.id === '2014')!;

beforeAll(async () => {
  ({ app } = await startApp(dir.path));
  const ctx = { shows: config.shows, categories: new Set(config.categories) };
  await loadDay(app.store, ctx, { year: 2014, scale: 0.0002, seed: 11 });
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** The truth, straight from the raw orders. */
async function raw(
  column: string,
  fromMs: number,
  toMs: number,
  type = 'sale',
): Promise<Map<string, [number, number]>> {
  const rs = await app.store.query({
    query: `SELECT toString(${column}) AS k, toString(count()) AS o, toString(sum(gmv)) AS g FROM ${app.store.db}.orders
            WHERE show = '2014' AND type = {type:String}
              AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
            GROUP BY k`,
    query_params: { from: fromMs, to: toMs, type },
    format: 'JSONCompactEachRow',
  });
  return new Map((await rs.json<[string, string, string]>()).map(([k, o, g]) => [k, [Number(o), decimalToFen(g)]]));
}

function byKey(rows: { dimension: string; key: string; orders: number; fen: number }[], dimension: string) {
  return new Map(rows.filter((r) => r.dimension === dimension).map((r) => [r.key, [r.orders, r.fen]]));
}

describe('dimensionRows(store, show, range, dims)', () => {
  // Ranges with ragged edges, inside one minute, across hours, and the whole day.
  const s = show.startMs;
  const cases: [string, number, number][] = [
    ['ragged edges', s + 37_000, s + 38 * 60_000 + 28_000],
    ['inside one minute', s + 3_600_000 + 5_000, s + 3_600_000 + 41_000],
    ['across hours', s + 2 * 3_600_000 - 90_000, s + 5 * 3_600_000 + 1_000],
    ['the whole day', s, show.endMs],
  ];

  it.each(cases)('sums channel, country and category exactly to the second: %s', async (_name, from, to) => {
    const rows = await dimensionRows(app.store, '2014', { fromMs: from, toMs: to }, ['channel', 'country', 'category']);
    for (const d of ['channel', 'country', 'category']) {
      expect(byKey(rows, d)).toEqual(await raw(d, from, to));
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it.each(cases)('sums merchants over the whole minutes of the range: %s', async (_name, from, to) => {
    const rows = await dimensionRows(app.store, '2014', { fromMs: from, toMs: to }, ['merchant']);
    const floorMin = (ms: number) => Math.floor(ms / 60_000) * 60_000;
    const want = await raw('merchant_id', floorMin(from), floorMin(to));
    expect(byKey(rows, 'merchant')).toEqual(want);
  });

  it('keeps only the largest keys of each dimension when asked for a top, ties by key', async () => {
    const from = show.startMs + 61_000;
    const to = show.startMs + 3 * 3_600_000 + 7_000;
    const rows = await dimensionRows(app.store, '2014', { fromMs: from, toMs: to }, ['country', 'merchant'], 'sale', 5);
    const floorMin = (ms: number) => Math.floor(ms / 60_000) * 60_000;
    for (const [d, column, a, b] of [
      ['country', 'country', from, to],
      ['merchant', 'merchant_id', floorMin(from), floorMin(to)],
    ] as const) {
      const want = [...(await raw(column, a, b))]
        .sort(([ka, [, fa]], [kb, [, fb]]) => fb - fa || (ka < kb ? -1 : 1))
        .slice(0, 5);
      expect(want).toHaveLength(5);
      expect(new Map(rows.filter((r) => r.dimension === d).map((r) => [r.key, [r.orders, r.fen]]))).toEqual(
        new Map(want),
      );
    }
  });

  it('sums refunds when asked', async () => {
    const rows = await dimensionRows(app.store, '2014', { fromMs: s, toMs: show.endMs }, ['country'], 'refund');
    const want = await raw('country', s, show.endMs, 'refund');
    expect(want.size).toBeGreaterThan(0);
    expect(byKey(rows, 'country')).toEqual(want);
  });
});

describe('secondRows(store, show, range)', () => {
  it('gives the per-second sales and refunds of the range, counted from the show start', async () => {
    const from = show.startMs + 3 * 60_000;
    const to = from + 90_000;
    const rows = await secondRows(app.store, show, { fromMs: from, toMs: to });
    const rs = await app.store.query({
      query: `SELECT toString(intDiv(toUnixTimestamp64Milli(ts) - {start:Int64}, 1000)) AS s, toString(type) AS t,
                     toString(count()) AS o, toString(sum(gmv)) AS g
              FROM ${app.store.db}.orders
              WHERE show = '2014' AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
              GROUP BY s, t ORDER BY toInt64(s), t`,
      query_params: { start: show.startMs, from, to },
      format: 'JSONCompactEachRow',
    });
    const want = (await rs.json<[string, string, string, string]>()).map(([sec, type, o, g]) => ({
      second: Number(sec),
      type,
      orders: Number(o),
      fen: decimalToFen(g),
    }));
    expect(want.length).toBeGreaterThan(10);
    const sort = (a: { second: number; type: string }, b: { second: number; type: string }) =>
      a.second - b.second || a.type.localeCompare(b.type);
    expect([...rows].sort(sort)).toEqual(want.sort(sort));
  });
});
