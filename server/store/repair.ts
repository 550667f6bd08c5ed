import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { ROLLUPS } from './schema.js';
import { insertSettings } from './settings.js';

/**
 * The persisted "repair needed" marks (table rollup_repairs): a show whose rollups a failed
 * INSERT may have left short of its orders. Written when the write fails (or, with the store
 * down then, before anything else once it is back), read at start, cleared only after the
 * show's rollups were derived again (repairRollups). Between the two the mark stays, so a
 * crash anywhere (before the repair, between its build and its swap) repeats the repair at
 * the next start: the build starts from an empty staging partition, the swap replaces, so a
 * repeat never doubles a row.
 */

/**
 * Derives a show's rollups again from its orders, and swaps them in: built whole in the
 * staging tables first, then each rollup's partition of the show replaced at once, so a
 * reader sees either the rows before the repair or all of the new ones, never a show
 * emptied or half refilled. (Materialized views are not transactional with the INSERT into
 * orders: after a failed write the orders may hold rows whose rollups never landed.)
 */
export async function repairRollups(store: StoreHandle, show: string): Promise<void> {
  await buildRollupRepair(store, show);
  await swapRollupRepair(store, show);
}

/**
 * The repair's first step: the show's rows of every rollup, derived by the rollup's own
 * view SELECT from the stored orders, into `<rollup>_repair` (its partition of the show
 * emptied first). Readers see nothing of it. On a cluster the SELECT reads every shard's
 * orders and the rows spread over the shards' staging tables.
 */
export async function buildRollupRepair(store: StoreHandle, show: string): Promise<void> {
  const { client, db } = store;
  const layout = new Layout(db, store.cluster);
  for (const table of ROLLUPS) {
    await client.command({
      query: `ALTER TABLE ${layout.mutable(`${table}_repair`)} DROP PARTITION {show:String}`,
      query_params: { show },
      clickhouse_settings: PARTITION_SYNC,
    });
    const rs = await store.query({
      query: `SELECT as_select FROM system.tables WHERE database = {db:String} AND name = {view:String}`,
      query_params: { db, view: `${table}_mv` },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ as_select: string }>();
    if (!row) throw new Error(`view ${table}_mv not found`);
    await client.command({
      query: `INSERT INTO ${db}.${table}_repair SELECT * FROM (${layout.acrossShards(row.as_select)}) WHERE show = {show:String}`,
      query_params: { show },
      clickhouse_settings: insertSettings(store.cluster, { async_insert: 0 }),
    });
  }
}

/**
 * The repair's second step: each rollup's partition of the show replaced by the staging
 * table's (REPLACE PARTITION: one atomic change of the table's parts), then the staging
 * partition dropped. Run again it replaces with the same rows. A show with no orders left
 * (an empty staging partition) ends with no rows. On a cluster each shard swaps in its own
 * staging rows, once every replica holds them.
 */
export async function swapRollupRepair(store: StoreHandle, show: string): Promise<void> {
  const { client, db } = store;
  const layout = new Layout(db, store.cluster);
  // Newer engines refuse an empty source partition unless told (older ones always took it).
  const rs = await store.query({
    query: `SELECT count() AS n FROM system.settings WHERE name = 'allow_replace_partition_from_empty_source'`,
    format: 'JSONEachRow',
  });
  const emptyAllowed = Number((await rs.json<{ n: string }>())[0]?.n ?? 0) > 0;
  const settings = { ...PARTITION_SYNC, ...(emptyAllowed && { allow_replace_partition_from_empty_source: 1 }) };
  for (const table of ROLLUPS) {
    if (store.cluster) {
      await client.command({ query: `SYSTEM SYNC REPLICA${layout.on} ${layout.local(`${table}_repair`)}` });
    }
    await client.command({
      query: `ALTER TABLE ${layout.mutable(table)} REPLACE PARTITION {show:String} FROM ${layout.local(`${table}_repair`)}`,
      query_params: { show },
      clickhouse_settings: settings,
    });
  }
  for (const table of ROLLUPS) {
    await client.command({
      query: `ALTER TABLE ${layout.mutable(`${table}_repair`)} DROP PARTITION {show:String}`,
      query_params: { show },
      clickhouse_settings: PARTITION_SYNC,
    });
  }
}

/** A partition change returns once done on this replica and, on a cluster, on every replica. */
const PARTITION_SYNC = { alter_sync: '2' } as const;

/** A stored mark: the show, and its newest mark (epoch ms). */
export interface RepairMark {
  show: string;
  atMs: number;
}

/** Stores a mark for each show, made at `atMs`. */
export async function markRepairs(store: StoreHandle, marks: readonly RepairMark[]): Promise<void> {
  if (marks.length === 0) return;
  await store.client.command({
    query: `INSERT INTO ${store.db}.rollup_repairs (show, marked_at)
            SELECT m.1, fromUnixTimestamp64Milli(m.2, 'UTC')
            FROM (SELECT arrayJoin(arrayZip({shows:Array(String)}, {ats:Array(Int64)})) AS m)`,
    query_params: { shows: marks.map((m) => m.show), ats: marks.map((m) => m.atMs) },
    clickhouse_settings: insertSettings(store.cluster, { async_insert: 0 }),
  });
}

/** Every show with a stored mark, with its newest mark. */
export async function readRepairMarks(store: StoreHandle): Promise<RepairMark[]> {
  const rs = await store.query({
    query: `SELECT show, toString(toUnixTimestamp64Milli(max(marked_at))) AS at
            FROM ${store.db}.rollup_repairs GROUP BY show ORDER BY show`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ show: string; at: string }>()).map((r) => ({ show: r.show, atMs: Number(r.at) }));
}

/**
 * Clears the marks of a show made at or before `uptoMs`, once its repair is done: a mark
 * made later (a write that failed while the repair ran) stays for the next repair.
 */
export async function clearRepairMarks(store: StoreHandle, show: string, uptoMs: number): Promise<void> {
  const layout = new Layout(store.db, store.cluster);
  await store.client.command({
    query: `ALTER TABLE ${layout.mutable('rollup_repairs')}
            DELETE WHERE show = {show:String} AND marked_at <= fromUnixTimestamp64Milli({upto:Int64}, 'UTC')`,
    query_params: { show, upto: uptoMs },
    clickhouse_settings: { mutations_sync: '2' },
  });
}
