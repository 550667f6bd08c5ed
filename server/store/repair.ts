import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { insertSettings } from './settings.js';

/**
 * The persisted "repair needed" marks (table rollup_repairs): a show whose rollups a failed
 * INSERT may have left short of its orders. Written when the write fails (or, with the store
 * down then, before anything else once it is back), read at start, cleared only after the
 * show's rollups were derived again (repairRollups). Between the two the mark stays, so a
 * crash anywhere (before the repair, between its delete and its refill) repeats the repair
 * at the next start.
 */

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
