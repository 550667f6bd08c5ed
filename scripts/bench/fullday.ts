/**
 * A whole simulated 11.11 day generated inside the engine: the per-second order
 * counts come from the same day curve as the JS simulator (shared/sim/day.ts),
 * and one `INSERT INTO orders SELECT ... FROM counts ARRAY JOIN range(n)` per
 * chunk of seconds draws every field from cityHash64 of (seed, second, index),
 * so the rollups fill through the materialized views as for any insert. Orders
 * that the JS generator would take an hour to make and send arrive in minutes.
 *
 * Close to shared/sim/generate.ts, not identical: categories, channels and the
 * top countries use the same weights exactly (lookup tables), the country tail is
 * uniform as there, merchants follow the same Zipf(1.07) law through its
 * continuous inverse, amounts are lognormal with the same per-category means and
 * sigma; every order is in CNY (no USD orders), and 1 % of sales get a refund
 * 60-1860 s later, within the day.
 */
import type { StoreHandle } from '../../server/tools/engine.js';
import { CATEGORY_MIX, COUNTRIES_AND_REGIONS, MERCHANTS, TOP_COUNTRIES, YEARS } from '../../shared/sim/calibration.js';
import { DAY_SECONDS, countsPerSecond, dayCurve } from '../../shared/sim/day.js';
import { COUNTRY_CODES } from '../../shared/countries.js';

export interface EngineDay {
  year: number;
  /** Fraction of the day's orders (1 = the real day). */
  scale: number;
  seed: number;
  /** Start of the show, epoch ms. */
  startMs: number;
  show: string;
  /** Rows per INSERT, about (whole seconds are never split). */
  chunkRows?: number;
  onProgress?: (p: { sales: number; totalSales: number; second: number; ms: number }) => void;
}

export interface EngineDayResult {
  /** Sales per second, as inserted. */
  counts: Uint32Array;
  sales: number;
  ms: number;
}

const SIGMA = 0.8;
const COUNTRY_SLOTS = 20_000;
const TAIL = 255;

/** Everything the SELECT needs beyond the row: lookup tables and per-category lognormal means. */
function tables(year: number): {
  catSlots: number[];
  mu: number[];
  countrySlots: number[];
  codes: string[];
  tail: string[];
} {
  const cal = YEARS[year];
  if (!cal) throw new Error(`no calibration for ${year}`);
  // Category shares are whole percents: a 100-slot table is exact.
  const catSlots: number[] = [];
  CATEGORY_MIX.forEach((c, i) => {
    for (let k = 0; k < Math.round(c.share * 100); k++) catSlots.push(i);
  });
  if (catSlots.length !== 100) throw new Error('category shares must be whole percents summing to 1');
  const mixMean = CATEGORY_MIX.reduce((s, c) => s + c.share * c.meanCny, 0);
  const k = cal.gmvCny / cal.orders / mixMean;
  const mu = CATEGORY_MIX.map((c) => Math.log(c.meanCny * k) - (SIGMA * SIGMA) / 2);
  // Top-country weights are multiples of 1/20000; the rest of the slots mean "the tail".
  const countrySlots: number[] = [];
  TOP_COUNTRIES.forEach(([, w], i) => {
    for (let s = 0; s < Math.round(w * COUNTRY_SLOTS); s++) countrySlots.push(i);
  });
  while (countrySlots.length < COUNTRY_SLOTS) countrySlots.push(TAIL);
  const top = new Set(TOP_COUNTRIES.map(([c]) => c));
  const tail = [...COUNTRY_CODES].filter((c) => !top.has(c)).slice(0, COUNTRIES_AND_REGIONS - top.size);
  return { catSlots, mu, countrySlots, codes: TOP_COUNTRIES.map(([c]) => c), tail };
}

/** Sales per second of the generated day (what generateDay inserts). */
export function engineDayCounts(year: number, scale: number): Uint32Array {
  const cal = YEARS[year];
  if (!cal) throw new Error(`no calibration for ${year}`);
  return countsPerSecond(dayCurve(cal.orders, cal.peakToAverage, cal.rush), scale);
}

/**
 * The SELECT of one chunk of seconds: sales, or the refunds of those sales.
 * Uniforms come from three 64-bit hashes per order, split into independent digits.
 */
function selectSql(db: string, kind: 'sale' | 'refund'): string {
  const sale = `
    SELECT s, i, h1, cityHash64(h1, 1) AS h2, cityHash64(h1, 2) AS h3,
      {cats:Array(UInt8)}[1 + (h1 % 100)] + 1 AS cat,
      (h1 % 1000) AS ms,
      (intDiv(h1, 1000) % 1000) < {mobile:UInt32} AS isMobile,
      {countrySlots:Array(UInt8)}[1 + intDiv(h1, 1000000) % ${COUNTRY_SLOTS}] AS cslot,
      intDiv(h1, 100000000000) % {tailN:UInt32} AS tailIdx,
      (bitAnd(h2, 4294967295) + 1) / 4294967297 AS u1,
      bitShiftRight(h2, 32) / 4294967296 AS u2,
      bitAnd(h3, 4294967295) / 4294967296 AS um,
      greatest(0.01, least(10000000, exp({mu:Array(Float64)}[cat] + ${SIGMA} * sqrt(-2 * log(u1)) * cos(2 * pi() * u2)))) AS cny
    FROM (SELECT s, i, cityHash64({seed:UInt64}, s, i) AS h1
          FROM ${db}.bench_counts ARRAY JOIN range(n) AS i
          WHERE s >= {from:UInt32} AND s < {to:UInt32})`;
  // Merchant rank from the continuous inverse of Zipf(a) on [1, N + 1).
  const merchant = `concat('m', toString(least({merchants:UInt32}, toUInt32(floor(pow(1 - um * (1 - pow({merchants:UInt32} + 1, 1 - {zipf:Float64})), 1 / (1 - {zipf:Float64})))))))`;
  const amount = 'toDecimal64(toInt64(round(cny * 100)), 2) / 100';
  const country = `if(cslot = ${TAIL}, {tail:Array(String)}[tailIdx + 1], {codes:Array(String)}[cslot + 1])`;
  const category = '{catKeys:Array(String)}[cat]';
  if (kind === 'sale') {
    return `SELECT {show:String}, concat({prefix:String}, toString(s), '-', toString(i)), 'sale',
        fromUnixTimestamp64Milli(toInt64({start:Int64} + s * 1000 + ms)), ${amount}, 'CNY', ${amount},
        ${country}, if(isMobile, 'mobile', 'pc'), ${category}, ${merchant}
      FROM (${sale})`;
  }
  return `SELECT {show:String}, concat({prefix:String}, toString(s), '-', toString(i)), 'refund',
        fromUnixTimestamp64Milli(toInt64({start:Int64} + at * 1000 + intDiv(h3, 1000000000000) % 1000)), ${amount}, 'CNY', ${amount},
        ${country}, if(isMobile, 'mobile', 'pc'), ${category}, ${merchant}
      FROM (SELECT *, s + 60 + intDiv(h3, 4294967296) % 1800 AS at FROM (${sale}))
      WHERE intDiv(h3, 4294967296 * 1800) % 100 = 0 AND at < ${DAY_SECONDS}`;
}

/** Inserts the day in chunks of whole seconds; returns the per-second sales it inserted. */
export async function generateDay(store: StoreHandle, day: EngineDay): Promise<EngineDayResult> {
  const started = performance.now();
  const { db, client } = store;
  const counts = engineDayCounts(day.year, day.scale);
  const t = tables(day.year);
  const cal = YEARS[day.year]!;
  await client.command({ query: `DROP TABLE IF EXISTS ${db}.bench_counts` });
  await client.command({ query: `CREATE TABLE ${db}.bench_counts (s UInt32, n UInt32) ENGINE = Memory` });
  await client.insert({
    table: `${db}.bench_counts`,
    values: Array.from(counts, (n, s) => ({ s, n })),
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  });
  const params = {
    show: day.show,
    prefix: `${day.year}-`,
    seed: day.seed,
    start: day.startMs,
    cats: t.catSlots,
    catKeys: CATEGORY_MIX.map((c) => c.key),
    mu: t.mu,
    mobile: Math.round(cal.mobile * 1000),
    countrySlots: t.countrySlots,
    codes: t.codes,
    tail: t.tail,
    tailN: t.tail.length,
    merchants: MERCHANTS,
    zipf: 1.07,
  };
  const columns = 'show, order_id, type, ts, amount, currency, gmv, country, channel, category, merchant_id';
  const settings = {
    async_insert: 0,
    wait_for_async_insert: 1,
    min_insert_block_size_rows: '1048576',
    min_insert_block_size_bytes: '268435456',
    parallel_view_processing: 0,
    // A chunk at the midnight peak runs past the engine's default 60 s limit on a busy machine.
    max_execution_time: 0,
  } as const;
  const totalSales = counts.reduce((a, b) => a + b, 0);
  const chunkRows = day.chunkRows ?? 5_000_000;
  let sales = 0;
  for (let from = 0; from < DAY_SECONDS;) {
    let to = from;
    let rows = 0;
    while (to < DAY_SECONDS && (rows === 0 || rows + counts[to]! <= chunkRows)) rows += counts[to++]!;
    for (const kind of ['sale', 'refund'] as const) {
      await client.command({
        query: `INSERT INTO ${db}.orders (${columns}) ${selectSql(db, kind)}`,
        query_params: { ...params, from, to },
        clickhouse_settings: settings,
      });
    }
    sales += rows;
    from = to;
    day.onProgress?.({ sales, totalSales, second: to, ms: performance.now() - started });
  }
  await client.command({ query: `DROP TABLE IF EXISTS ${db}.bench_counts` });
  return { counts, sales, ms: performance.now() - started };
}
