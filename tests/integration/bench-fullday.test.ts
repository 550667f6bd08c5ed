import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import { migrate } from '../../server/store/schema.js';
import { decimalToFen } from '../../shared/money.js';
import { COUNTRY_CODES } from '../../shared/countries.js';
import { CATEGORY_MIX, MERCHANTS } from '../../shared/sim/calibration.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { engineDayCounts, generateDay } from '../../scripts/bench/fullday.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('bench-fullday');
const show = resolveShow(DEFAULT_SHOWS.find((s) => s.id === '2014')!);
const SCALE = 0.0002;
let store: StoreHandle;
let result: Awaited<ReturnType<typeof generateDay>>;

async function rows(sql: string): Promise<string[][]> {
  const rs = await store.query({ query: sql, format: 'JSONCompactEachRow' });
  return rs.json<string[]>();
}

beforeAll(async () => {
  store = openStore(loadConfig({ DATA_DIR: dir.path }));
  await migrate(store);
  result = await generateDay(store, {
    year: 2014,
    scale: SCALE,
    seed: 3,
    startMs: show.startMs,
    show: '2014',
    chunkRows: 20_000,
  });
}, 120_000);
afterAll(async () => {
  await store?.close();
  dir.remove();
});

describe('the in-engine day generator (bench:seek)', () => {
  it('inserts exactly the per-second sales of the day curve', async () => {
    const want = engineDayCounts(2014, SCALE);
    expect(result.counts).toEqual(want);
    const got = new Uint32Array(want.length);
    for (const [s, n] of await rows(
      `SELECT toString(intDiv(toUnixTimestamp64Milli(ts) - ${show.startMs}, 1000)), toString(count())
       FROM gmv.orders WHERE show = '2014' AND type = 'sale' GROUP BY 1`,
    ))
      got[Number(s)] = Number(n);
    expect(got).toEqual(want);
    expect(result.sales).toBe(want.reduce((a, b) => a + b, 0));
  });

  it('fills the rollups through the materialized views', async () => {
    const [[o1, g1]] = (await rows(
      `SELECT toString(count()), toString(sum(gmv)) FROM gmv.orders WHERE type = 'sale'`,
    )) as [[string, string]];
    const [[o2, g2]] = (await rows(
      `SELECT toString(sum(orders)), toString(sum(gmv)) FROM gmv.gmv_by_second WHERE type = 'sale'`,
    )) as [[string, string]];
    const [[o3, g3]] = (await rows(
      `SELECT toString(sum(orders)), toString(sum(gmv)) FROM gmv.merchant_by_hour WHERE type = 'sale'`,
    )) as [[string, string]];
    expect([o2, decimalToFen(g2)]).toEqual([o1, decimalToFen(g1)]);
    expect([o3, decimalToFen(g3)]).toEqual([o1, decimalToFen(g1)]);
  });

  it('draws fields from the simulator’s vocabularies and refunds only sales it made, later', async () => {
    const cats = new Set(CATEGORY_MIX.map((c) => c.key));
    for (const [c] of await rows(`SELECT DISTINCT toString(category) FROM gmv.orders`)) expect(cats.has(c!)).toBe(true);
    for (const [c] of await rows(`SELECT DISTINCT toString(country) FROM gmv.orders`))
      expect(COUNTRY_CODES.has(c!)).toBe(true);
    const [[lo, hi, amountMin]] = (await rows(
      `SELECT toString(min(toUInt32(substring(merchant_id, 2)))), toString(max(toUInt32(substring(merchant_id, 2)))), toString(min(gmv))
       FROM gmv.orders`,
    )) as [[string, string, string]];
    expect(Number(lo)).toBeGreaterThanOrEqual(1);
    expect(Number(hi)).toBeLessThanOrEqual(MERCHANTS);
    expect(decimalToFen(amountMin)).toBeGreaterThanOrEqual(1);
    // Every refund matches a sale of the same id and amount, at least 60 s before it.
    const [[refunds, matched]] = (await rows(
      `SELECT toString(count()), toString(countIf(s.order_id != '' AND s.gmv = r.gmv AND r.ts >= s.ts + INTERVAL 59 SECOND))
       FROM (SELECT * FROM gmv.orders WHERE type = 'refund') AS r
       LEFT JOIN (SELECT order_id, gmv, ts FROM gmv.orders WHERE type = 'sale') AS s ON r.order_id = s.order_id`,
    )) as [[string, string]];
    expect(Number(refunds)).toBeGreaterThan(0);
    expect(matched).toBe(refunds);
  });
});
