import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { ROLLUPS } from './schema.js';

/** The tables an INSERT of orders writes a part to (the projection's part lives in the orders part). */
export const INSERTED_TABLES = ['orders', ...ROLLUPS] as const;

const FSYNC_SETTINGS = ['fsync_after_insert', 'fsync_part_directory'] as const;

/**
 * STORE_FSYNC: whether ClickHouse fsyncs each part an INSERT writes (its files and its
 * directory) before the INSERT returns, so that "accepted" means on disk even if the host
 * loses power, not only if the process dies. Checked at every start: turned on where it is off,
 * and off again (the settings reset to the engine's defaults, the table as it was created)
 * where a previous start turned it on. Costs about half the engine's capacity on this machine
 * (docs/reliability.md).
 */
export async function applyDurability(store: StoreHandle, fsync: boolean): Promise<void> {
  const t = new Layout(store.db, store.cluster);
  const rs = await store.query({
    query: `SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    query_params: { db: store.db, names: [...INSERTED_TABLES] },
    format: 'JSONEachRow',
  });
  const engines = new Map((await rs.json<{ name: string; engine_full: string }>()).map((r) => [r.name, r.engine_full]));
  for (const table of INSERTED_TABLES) {
    const set = FSYNC_SETTINGS.every((s) => engines.get(table)?.includes(`${s} = 1`));
    const mentioned = FSYNC_SETTINGS.some((s) => engines.get(table)?.includes(s));
    if (fsync && !set) {
      await store.client.command({
        query: `ALTER TABLE ${t.mutable(table)} MODIFY SETTING ${FSYNC_SETTINGS.map((s) => `${s} = 1`).join(', ')}`,
      });
    } else if (!fsync && mentioned) {
      await store.client.command({
        query: `ALTER TABLE ${t.mutable(table)} RESET SETTING ${FSYNC_SETTINGS.join(', ')}`,
      });
    }
  }
}
