/**
 * Rows read by the store's reads on a large table: `node --import tsx scripts/bench/engine-reads.ts`.
 * Generates a 2014 day in the engine (scripts/bench/fullday.ts) with the server's
 * schema, copies its orders once more with random order ids (as real ids are: the
 * generator's ids follow the clock), merges that copy into one part (the end of a
 * day, the worst case for a skip index) and reports rows read (the engine's
 * SelectedRows) and the best of three times for the store's reads, written out
 * here as SQL: one second of orders (time travel, milestone crossings) with the
 * by_ts projection and with the minmax index alone, and whole-show rollup reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { flag, readFlags } from '../../shared/cli/args.js';
import { loadConfig, openStore, bootstrap, migrate, migrations } from '../../server/tools/engine.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { generateDay } from './fullday.js';

interface Read {
  name: string;
  sql: string;
  params: Record<string, unknown>;
  settings?: string;
}

async function main(scale: number, seed: number, schema: number | null): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gmv-bench-reads-'));
  const show = resolveShow(DEFAULT_SHOWS.find((s) => s.id === '2014')!);
  const store = openStore(loadConfig({ DATA_DIR: dir }));
  // A second connection to the same engine: the reads run here, between readings of its counters.
  const session = new Session(dir);
  try {
    if (schema === null) await migrate(store);
    else
      for (const q of [...bootstrap(store.db), ...migrations(store.db).slice(0, schema).flat()])
        await session.queryAsync(q);
    const t0 = performance.now();
    const day = await generateDay(store, { year: 2014, scale, seed, startMs: show.startMs, show: show.id });
    console.log(`generated ${day.sales} sales (+ refunds) in ${Math.round((performance.now() - t0) / 1000)} s`);
    await session.queryAsync('CREATE TABLE gmv.orders_random AS gmv.orders');
    // An hour per INSERT, as a day of batches merges into: every part holds random ids.
    for (let h = 0; h < 24; h++) {
      await session.queryAsync(
        `INSERT INTO gmv.orders_random SELECT show, hex(cityHash64(order_id, ${seed})), type, ts, amount, currency, gmv,
                country, channel, category, merchant_id, ingested_at
         FROM gmv.orders WHERE toHour(ts) = ${(h + 16) % 24} SETTINGS async_insert = 0, max_execution_time = 0`,
      );
    }
    await session.queryAsync('OPTIMIZE TABLE gmv.orders_random FINAL SETTINGS mutations_sync = 2');
    const parts = async (table: string) =>
      (
        await session.queryAsync(
          `SELECT count(), sum(rows) FROM system.parts WHERE database = 'gmv' AND table = '${table}' AND active`,
          { format: 'TSV' },
        )
      ).text();
    const existing = (
      await session.queryAsync("SELECT name FROM system.tables WHERE database = 'gmv'", { format: 'TSV' })
    )
      .text()
      .split('\n');
    for (const t of existing.filter((n) => n !== '' && !n.endsWith('_mv') && n !== 'schema_migrations'))
      console.log(`${t}: parts, rows ${(await parts(t)).trim().replace('\t', ', ')}`);

    const busy = show.startMs + 30_000;
    const late = show.startMs + 20 * 3600_000 + 30_000;
    const oneSecond = (table: string) =>
      `SELECT type, count(), sum(gmv) FROM gmv.${table}
       WHERE show = {show:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
       GROUP BY type`;
    const crossing = (table: string) =>
      `SELECT toUnixTimestamp64Milli(ts), gmv FROM gmv.${table}
       WHERE show = {show:String} AND type = 'sale'
         AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       ORDER BY ts, order_id`;
    const reads: Read[] = [];
    for (const table of ['orders', 'orders_random']) {
      for (const [label, from] of [
        ['00:00:30', busy],
        ['20:00:30', late],
      ] as const) {
        const params = { show: show.id, from, at: from + 999, to: from + 1000 };
        reads.push({ name: `one second ${label} of ${table}, by_ts`, sql: oneSecond(table), params });
        reads.push({
          name: `one second ${label} of ${table}, minmax only`,
          sql: oneSecond(table),
          params,
          settings: 'optimize_use_projections = 0',
        });
        reads.push({ name: `crossing ${label} of ${table}, by_ts`, sql: crossing(table), params });
        reads.push({
          name: `crossing ${label} of ${table}, minmax only`,
          sql: crossing(table),
          params,
          settings: 'optimize_use_projections = 0',
        });
      }
    }
    const all = { show: show.id };
    reads.push(
      {
        name: 'per-second totals of the show, gmv_by_second',
        sql: `SELECT second, type, sum(orders), sum(gmv) FROM gmv.gmv_by_second WHERE show = {show:String} GROUP BY second, type`,
        params: all,
      },
      {
        name: "per-second totals of the show, dims_by_second dim = 'channel'",
        sql: `SELECT second, type, sum(orders), sum(gmv) FROM gmv.dims_by_second WHERE show = {show:String} AND dim = 'channel' GROUP BY second, type`,
        params: all,
      },
      {
        name: 'totals of the show, gmv_by_second',
        sql: `SELECT type, sum(orders), sum(gmv) FROM gmv.gmv_by_second WHERE show = {show:String} GROUP BY type`,
        params: all,
      },
      {
        name: "totals of the show, dims_by_minute dim = 'channel'",
        sql: `SELECT type, sum(orders), sum(gmv) FROM gmv.dims_by_minute WHERE show = {show:String} AND dim = 'channel' GROUP BY type`,
        params: all,
      },
      {
        name: 'sales by channel, country, category of the show, gmv_by_minute (cross product)',
        sql: `SELECT channel, country, category, sum(orders), sum(gmv) FROM gmv.gmv_by_minute WHERE show = {show:String} AND type = 'sale' GROUP BY channel, country, category`,
        params: all,
      },
      {
        name: 'sales by merchant of the show, merchant_by_minute',
        sql: `SELECT merchant_id, sum(orders), sum(gmv) FROM gmv.merchant_by_minute WHERE show = {show:String} AND type = 'sale' GROUP BY merchant_id`,
        params: all,
      },
      {
        name: 'sales by merchant of the show, merchant_by_hour',
        sql: `SELECT merchant_id, sum(orders), sum(gmv) FROM gmv.merchant_by_hour WHERE show = {show:String} AND type = 'sale' GROUP BY merchant_id`,
        params: all,
      },
      {
        name: 'sales by channel, country, category of the show, dims_by_minute',
        sql: `SELECT dim, key, sum(orders), sum(gmv) FROM gmv.dims_by_minute WHERE show = {show:String} AND type = 'sale' GROUP BY dim, key`,
        params: all,
      },
    );
    // Rows and marks the reads select, from the engine's counters (a result's rowsRead is rows returned).
    const selected = async () => {
      const res = await session.queryAsync(
        "SELECT sumIf(value, event = 'SelectedRows'), sumIf(value, event = 'SelectedMarks') FROM system.events",
        { format: 'JSONCompactEachRow' },
      );
      return res.json<[string, string]>().map(Number);
    };
    // Reading the counters selects rows of system.events too: measured once, taken off.
    const [r0, m0] = await selected();
    const [r1, m1] = await selected();
    const overhead = [r1! - r0!, m1! - m0!];
    for (const r of reads) {
      const missing = /FROM gmv\.(\w+)/.exec(r.sql)![1]!;
      if (!existing.includes(missing)) {
        console.log(`${r.name}: no ${missing} in this schema`);
        continue;
      }
      let best = { ms: Infinity, rows: 0, marks: 0 };
      for (let i = 0; i < 3; i++) {
        const sql = r.settings ? `${r.sql} SETTINGS ${r.settings}` : r.sql;
        const [rows0, marks0] = await selected();
        const t = performance.now();
        await session.queryBindAsync(sql, r.params, { format: 'TSV' });
        const ms = performance.now() - t;
        const [rows1, marks1] = await selected();
        if (ms < best.ms) best = { ms, rows: rows1! - rows0! - overhead[0]!, marks: marks1! - marks0! - overhead[1]! };
      }
      console.log(`${r.name}: ${best.rows} rows read (${best.marks} marks), ${best.ms.toFixed(1)} ms`);
    }
  } finally {
    session.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const steps = migrations('gmv').length;
const { scale, seed, schema } = readFlags({
  name: 'engine-reads',
  usage: 'node --import tsx scripts/bench/engine-reads.ts [flags]',
  flags: {
    scale: flag.number({
      description: "share of the 2014 day's 278 M orders (0.04: ~11 M)",
      default: 0.04,
      min: 0,
      above: true,
      max: 1,
    }),
    seed: flag.int({ description: 'generator seed', default: 7, min: 0, max: 2 ** 32 - 1 }),
    schema: flag.int({
      description: 'build the first N migrations only (all): reads of rollups N lacks are left out',
      min: 2,
      max: steps,
    }),
  },
});
main(scale, seed, schema ?? null).catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
