import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import { repairRollups } from '../../server/store/repair.js';
import { loadConfig } from '../../server/config.js';
import { dropShow } from '../../server/store/bulk.js';
import { Layout } from '../../server/store/layout.js';
import { insertOrders } from '../../server/store/orders.js';
import { ROLLUPS, bootstrap, migrations } from '../../server/store/schema.js';
import { validateOrder } from '../../shared/order.js';
import { order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// No ClickHouse cluster can run here: the cluster DDL is checked with the real
// ClickHouse parser (chDB's formatQuerySingleLine), and its local tables and
// views are created on one node with the replication taken out.
const CLUSTER = 'gmv_cluster';
const DB = 'gmv';
const dir = tempDir('cluster-schema');
let store: StoreHandle;

beforeAll(() => {
  store = openStore({ dataDir: dir.path, clickhouse: { ...baseClickhouse() } });
});
afterAll(async () => {
  await store?.close();
  dir.remove();
});

function baseClickhouse() {
  return { url: null, username: 'default', password: '', database: DB, cluster: null, tls: null };
}

/** The statement as ClickHouse's parser reads it, on one line. Throws if it does not parse. */
async function parsed(query: string, params: Record<string, unknown> = {}): Promise<string> {
  const rs = await store.query({
    query: 'SELECT formatQuerySingleLine({q:String}) AS f',
    query_params: { q: query, ...params },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ f: string }>();
  return row!.f;
}

// Migrations 1 to 4 (5, which partitions the rollups by show, is checked on its own below).
const clusterDdl = [...bootstrap(DB, CLUSTER), ...migrations(DB, CLUSTER).slice(0, 4).flat()];
const plainDdl = [...bootstrap(DB), ...migrations(DB).slice(0, 4).flat()];

/** The one-node table names of the plain schema, from its CREATE TABLE statements. */
function plainTables(): string[] {
  return plainDdl.flatMap((s) => /^CREATE TABLE IF NOT EXISTS gmv\.(\w+) /.exec(s)?.[1] ?? []);
}

describe('migrations(db, cluster)', () => {
  let formatted: string[];
  beforeAll(async () => {
    formatted = [];
    for (const s of clusterDdl) formatted.push(await parsed(s));
  });

  it('parses statement by statement with the ClickHouse parser', () => {
    expect(formatted).toHaveLength(clusterDdl.length);
    expect(formatted.every((f) => f.length > 0)).toBe(true);
  });

  it('runs every CREATE, ALTER, TRUNCATE and DROP ON CLUSTER', () => {
    const ddl = formatted.filter((f) => !f.startsWith('INSERT'));
    const onCluster = new RegExp(
      `^(CREATE (DATABASE|TABLE|MATERIALIZED VIEW) IF NOT EXISTS|ALTER TABLE|TRUNCATE TABLE IF EXISTS|DROP (VIEW|TABLE) IF EXISTS) ${DB}(\\.\\w+)? ON CLUSTER ${CLUSTER}( |$)`,
    );
    for (const f of ddl) expect(f).toMatch(onCluster);
    expect(ddl.length + 3).toBe(formatted.length);
  });

  it('creates each table as a replicated local table and a Distributed table over it, under the same name', () => {
    const creates = formatted.filter((f) => f.startsWith('CREATE TABLE'));
    const locals = new Map<string, string>();
    const distributed = new Map<string, string>();
    for (const f of creates) {
      const [, name] = /^CREATE TABLE IF NOT EXISTS gmv\.(\w+) ON CLUSTER/.exec(f)!;
      if (name!.endsWith('_local')) {
        const base = name!.slice(0, -'_local'.length);
        expect(f).toMatch(
          new RegExp(
            `ENGINE = Replicated(Summing)?MergeTree\\('/clickhouse/tables/\\{shard\\}/gmv/${base}', '\\{replica\\}'`,
          ),
        );
        locals.set(base, f);
      } else {
        // Created after its local table, with the same columns (AS) and pointing at it.
        expect(locals.has(name!)).toBe(true);
        const m = new RegExp(
          `^CREATE TABLE IF NOT EXISTS gmv\\.${name} ON CLUSTER ${CLUSTER} AS gmv\\.${name}_local ENGINE = Distributed\\(${CLUSTER}, gmv, ${name}_local, (.+)\\)$`,
        ).exec(f);
        expect(m, f).not.toBeNull();
        distributed.set(name!, m![1]!);
      }
    }
    // Every table of the one-node schema, under its own name, and nothing else.
    expect([...distributed.keys()].sort()).toEqual(plainTables().sort());
    expect([...locals.keys()].sort()).toEqual(plainTables().sort());
    // An order and its retries go to one shard.
    expect(distributed.get('orders')).toBe('cityHash64(order_id)');
  });

  it('keeps the columns, engine parameters and keys of each table as on one node', async () => {
    const byName = new Map<string, string>();
    for (const s of plainDdl) {
      const name = /^CREATE TABLE IF NOT EXISTS gmv\.(\w+) /.exec(s)?.[1];
      if (name) byName.set(name, await parsed(s));
    }
    for (const f of formatted.filter((x) => /^CREATE TABLE IF NOT EXISTS gmv\.\w+_local /.test(x))) {
      const oneNode = f
        .replace(` ON CLUSTER ${CLUSTER}`, '')
        .replace(/^(CREATE TABLE IF NOT EXISTS gmv\.\w+)_local/, '$1')
        .replace(/Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?/, '$1(')
        .replace(/MergeTree\(\)/, 'MergeTree');
      const name = /^CREATE TABLE IF NOT EXISTS gmv\.(\w+)/.exec(oneNode)![1]!;
      expect(oneNode).toBe(byName.get(name));
    }
  });

  it('has every view read orders_local and write its local rollup', () => {
    const views = formatted.filter((f) => f.startsWith('CREATE MATERIALIZED VIEW'));
    // The views created and not dropped again are the rollups'.
    const created = views.map((f) => /^CREATE MATERIALIZED VIEW IF NOT EXISTS gmv\.(\w+)_mv /.exec(f)![1]);
    const dropped = formatted.flatMap((f) => /^DROP VIEW IF EXISTS gmv\.(\w+)_mv /.exec(f)?.[1] ?? []);
    expect(created.filter((v) => !dropped.includes(v!)).sort()).toEqual([...ROLLUPS].sort());
    for (const table of ROLLUPS) {
      const v = views.find((f) => f.startsWith(`CREATE MATERIALIZED VIEW IF NOT EXISTS gmv.${table}_mv `));
      expect(v, table).toBeDefined();
      expect(v).toContain(` ON CLUSTER ${CLUSTER} TO gmv.${table}_local `);
      expect(v).toMatch(/ FROM gmv\.orders_local /);
      expect(v).not.toMatch(/ FROM gmv\.orders /);
    }
  });

  it('drops a retired rollup on every node: its view, then the Distributed table, then the local tables', () => {
    const drops = formatted.filter((f) => f.startsWith('DROP'));
    expect(drops).toEqual([
      `DROP VIEW IF EXISTS gmv.gmv_by_minute_mv ON CLUSTER ${CLUSTER} SYNC`,
      `DROP TABLE IF EXISTS gmv.gmv_by_minute ON CLUSTER ${CLUSTER} SYNC`,
      `DROP TABLE IF EXISTS gmv.gmv_by_minute_local ON CLUSTER ${CLUSTER} SYNC`,
    ]);
    expect(ROLLUPS).not.toContain('gmv_by_minute');
  });

  it('changes only local tables, and backfills through Distributed tables synchronously', () => {
    for (const f of formatted.filter((x) => /^(ALTER|TRUNCATE)/.test(x))) {
      expect(f).toMatch(/ gmv\.\w+_local ON CLUSTER /);
    }
    expect(formatted.filter((f) => f.startsWith('ALTER TABLE gmv.orders_local '))).toHaveLength(2);
    const inserts = formatted.filter((f) => f.startsWith('INSERT'));
    expect(inserts).toHaveLength(3);
    for (const f of inserts) {
      expect(f).toMatch(
        /^INSERT INTO gmv\.(dims_by_second|dims_by_minute|merchant_by_hour) .*SELECT \* FROM \(SELECT /,
      );
      expect(f).toContain(' FROM gmv.orders ');
      expect(f).toContain('distributed_foreground_insert = 1');
      expect(f).toContain("insert_quorum = 'auto'");
    }
  });

  it('names only settings the engine knows', async () => {
    const rs = await store.query({
      query: `SELECT count() AS n FROM system.settings WHERE name IN {names:Array(String)}`,
      query_params: {
        names: [
          'distributed_foreground_insert',
          'insert_quorum',
          'insert_quorum_parallel',
          'insert_quorum_timeout',
          'deduplicate_blocks_in_dependent_materialized_views',
        ],
      },
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(5);
  });
});

describe('migration 5 on a cluster', () => {
  it('partitions each local rollup by show: a copy under a new replication path, exchanged ON CLUSTER, and a staging table', async () => {
    const formatted: string[] = [];
    for (const s of migrations(DB, CLUSTER)[4]!) formatted.push(await parsed(s));
    const on = `ON CLUSTER ${CLUSTER}`;
    const engine = (path: string) =>
      `ENGINE = ReplicatedSummingMergeTree('${path}', '{replica}', (orders, gmv)) PARTITION BY show ORDER BY (show, `;
    const distributed = (t: string) =>
      `CREATE TABLE IF NOT EXISTS gmv.${t} ${on} AS gmv.${t}_local ENGINE = Distributed(${CLUSTER}, gmv, ${t}_local, rand())`;
    const drops = (r: string) => [
      `DROP TABLE IF EXISTS gmv.${r}_swap ${on} SYNC`,
      `DROP TABLE IF EXISTS gmv.${r}_swap_local ${on} SYNC`,
    ];
    const want = ROLLUPS.flatMap((r) => [
      ...drops(r),
      `CREATE TABLE IF NOT EXISTS gmv.${r}_swap_local ${on} AS gmv.${r}_local ${engine('/clickhouse/tables/{uuid}/{shard}')}`,
      distributed(`${r}_swap`),
      `INSERT INTO gmv.${r}_swap SETTINGS async_insert = 0, distributed_foreground_insert = 1, insert_quorum = 'auto'`,
      `EXCHANGE TABLES gmv.${r}_swap_local AND gmv.${r}_local ${on}`,
      ...drops(r),
      `CREATE TABLE IF NOT EXISTS gmv.${r}_repair_local ${on} AS gmv.${r}_local ${engine(`/clickhouse/tables/{shard}/gmv/${r}_repair`)}`,
      distributed(`${r}_repair`),
    ]);
    expect(formatted).toHaveLength(want.length);
    for (const [i, f] of formatted.entries()) expect(f.startsWith(want[i]!), `${f}\n${want[i]}`).toBe(true);
  });
});

describe('migration 7 on a cluster', () => {
  it("adds the armed cues' columns to the director's audit, local and Distributed, ON CLUSTER", async () => {
    const formatted: string[] = [];
    for (const s of migrations(DB, CLUSTER)[6]!) formatted.push(await parsed(s));
    const add =
      "(ADD COLUMN IF NOT EXISTS `mode` LowCardinality(String) DEFAULT ''), " +
      "(ADD COLUMN IF NOT EXISTS `crossed_at` Nullable(DateTime64(3, 'UTC')))";
    expect(formatted).toEqual([
      `ALTER TABLE gmv.director_actions_local ON CLUSTER ${CLUSTER} ${add}`,
      `ALTER TABLE gmv.director_actions ON CLUSTER ${CLUSTER} ${add}`,
    ]);
  });
});

describe('the local tables and views on one node', () => {
  /** A cluster statement made runnable on one node: no ON CLUSTER, no replication. */
  const oneNode = (s: string) =>
    s.replace(` ON CLUSTER ${CLUSTER}`, '').replace(/Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?/, '$1(');

  beforeAll(async () => {
    await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${DB}` });
    // The local tables, their views and the projection, as each shard holds them (retired ones dropped again).
    for (const s of migrations(DB, CLUSTER).flat()) {
      if (
        /^CREATE TABLE IF NOT EXISTS gmv\.\w+_local |^CREATE MATERIALIZED VIEW|^ALTER TABLE gmv\.\w+_local |^DROP /.test(
          s,
        )
      ) {
        await store.client.command({ query: oneNode(s) });
      }
    }
    // Distributed tables need a cluster: a view stands in for the Distributed orders.
    await store.client.command({ query: `CREATE VIEW ${DB}.orders AS SELECT * FROM ${DB}.orders_local` });
    await store.client.command({
      query: `INSERT INTO ${DB}.orders_local (show, order_id, type, ts, amount, currency, gmv, country, channel, category, merchant_id)
              SELECT '2015', concat('o', toString(number)), if(number % 5 = 0, 'refund', 'sale'),
                     toDateTime64('2015-11-11 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 250),
                     toDecimal64(number % 97 + 1, 2), 'CNY', toDecimal64(number % 97 + 1, 2),
                     if(number % 3 = 0, 'US', 'CN'), ['mobile', 'pc', 'offline'][number % 3 + 1], 'apparel',
                     concat('m', toString(number % 7))
              FROM numbers(1000) SETTINGS async_insert = 0`,
    });
  });

  it('fills each local rollup from orders_local through its view', async () => {
    for (const table of ROLLUPS) {
      const rs = await store.query({
        query: `SELECT toString(sum(orders)) AS n FROM ${DB}.${table}_local WHERE type = 'sale'`,
        format: 'JSONEachRow',
      });
      const n = Number((await rs.json<{ n: string }>())[0]!.n);
      // Per-dimension rollups hold each order once per dimension (channel, country, category).
      expect(n, table).toBe(table.startsWith('dims_') ? 800 * 3 : 800);
    }
  });

  it('makes each stored view SELECT read every shard (the Distributed orders) and give the same rows', async () => {
    const layout = new Layout(DB, CLUSTER);
    for (const table of ROLLUPS) {
      const rs = await store.query({
        query: `SELECT as_select FROM system.tables WHERE database = {db:String} AND name = {view:String}`,
        query_params: { db: DB, view: `${table}_mv` },
        format: 'JSONEachRow',
      });
      const [{ as_select }] = (await rs.json<{ as_select: string }>()) as [{ as_select: string }];
      const across = layout.acrossShards(as_select);
      expect(across).not.toContain('orders_local');
      expect(across).toContain(`${DB}.orders`);
      const sums = async (select: string) => {
        const r = await store.query({
          query: `SELECT toString(sum(orders)) AS n, toString(sum(gmv)) AS g FROM (${select})`,
          format: 'JSONEachRow',
        });
        return r.json();
      };
      expect(await sums(across)).toEqual(await sums(as_select));
    }
    expect(() => layout.acrossShards('SELECT 1 FROM gmv.orders')).toThrow(/does not read gmv\.orders_local/);
    expect(new Layout(DB).acrossShards('SELECT 1 FROM gmv.orders')).toBe('SELECT 1 FROM gmv.orders');
  });

  it('repairs and drops a show through the local tables ON CLUSTER', async () => {
    const sent: { query: string; query_params?: Record<string, unknown>; clickhouse_settings?: object }[] = [];
    // The real engine answers the reads (the views' SELECTs); the cluster commands are recorded.
    const clustered: StoreHandle = {
      ...store,
      cluster: CLUSTER,
      client: {
        command: async (p: (typeof sent)[number]) => {
          sent.push(p);
          return { query_id: '', summary: undefined };
        },
      } as unknown as StoreHandle['client'],
    };
    await repairRollups(clustered, '2015');
    await dropShow(clustered, '2015');

    const formatted: string[] = [];
    for (const c of sent) formatted.push(await parsed(c.query));
    const on = `ON CLUSTER ${CLUSTER}`;
    // Repair: each rollup built in its staging table (through the Distributed table, from every
    // shard's orders), then each local rollup's partition replaced on every node, once every
    // replica holds the staging rows; the staging partitions dropped. Drop: the orders
    // partition, then every rollup and on_air.
    const dropStaging = ROLLUPS.map((r) => `ALTER TABLE gmv.${r}_repair_local ${on} (DROP PARTITION {show:String})`);
    const repair = [
      ...ROLLUPS.flatMap((r) => [
        `ALTER TABLE gmv.${r}_repair_local ${on} (DROP PARTITION {show:String})`,
        `INSERT INTO gmv.${r}_repair SELECT`,
      ]),
      ...ROLLUPS.flatMap((r) => [
        `SYSTEM SYNC REPLICA ${on} gmv.${r}_repair_local`,
        `ALTER TABLE gmv.${r}_local ${on} (REPLACE PARTITION {show:String} FROM gmv.${r}_repair_local)`,
      ]),
      ...dropStaging,
    ];
    for (const [i, w] of repair.entries()) expect(formatted[i]!.startsWith(w), `${formatted[i]}\n${w}`).toBe(true);
    const drop = formatted.slice(repair.length);
    expect(drop).toHaveLength(ROLLUPS.length + 2);
    for (const f of drop) expect(f).toMatch(new RegExp(`^ALTER TABLE gmv\\.\\w+_local ${on} \\(`));
    expect(drop).toContain(`ALTER TABLE gmv.orders_local ${on} (DROP PARTITION {show:String})`);
    const inserts = sent.filter((c) => c.query.startsWith('INSERT'));
    expect(inserts).toHaveLength(ROLLUPS.length);
    for (const c of inserts) {
      expect(c.query).toContain(' FROM gmv.orders ');
      expect(c.query).not.toContain('orders_local');
      expect(c.clickhouse_settings).toMatchObject({ distributed_foreground_insert: 1, insert_quorum: 'auto' });
    }
    for (const c of sent.slice(0, repair.length).filter((x) => / PARTITION /.test(x.query))) {
      expect(c.clickhouse_settings).toMatchObject({ alter_sync: '2' });
    }
    const syncs = sent.filter((c) => c.query.startsWith('SYSTEM'));
    for (const c of sent.filter((x) => !syncs.includes(x))) expect(c.query_params).toEqual({ show: '2015' });
  });

  it('inserts orders into the Distributed table and waits for every shard', async () => {
    const config = loadConfig({});
    const check = validateOrder(order(1), { shows: config.shows, categories: new Set(config.categories) });
    if (!check.ok) throw new Error(check.message);
    const execs: string[] = [];
    const clustered: StoreHandle = {
      ...store,
      cluster: CLUSTER,
      // A cluster is reached over HTTP: no chDB raw insert.
      rawInsert: null,
      client: {
        exec: async (p: { query: string }) => {
          execs.push(p.query);
          return { stream: (async function* () {})(), query_id: '' };
        },
      } as unknown as StoreHandle['client'],
    };
    await insertOrders(clustered, [check.order]);
    expect(execs).toHaveLength(1);
    const f = await parsed(execs[0]!);
    expect(f).toMatch(/^INSERT INTO gmv\.orders \(show, order_id, /);
    expect(f).toContain('distributed_foreground_insert = 1');
    expect(f).toContain("insert_quorum = 'auto'");
    expect(f).toContain('async_insert = 0');
  });
});
