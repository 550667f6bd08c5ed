import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { ROLLUPS } from './schema.js';

/** The tables an INSERT of orders writes a part to (the projection's part lives in the orders part). */
export const INSERTED_TABLES = ['orders', ...ROLLUPS] as const;

/**
 * STORE_FSYNC: whether ClickHouse fsyncs each part an INSERT writes (its files and its
 * directory) before the INSERT returns, so that "accepted" means on disk even if the host
 * loses power, not only if the process dies. Set on each table every start, either way, so
 * turning it off works as well as turning it on. Costs about 10 ms per table per INSERT on
 * this machine's disk (docs/reliability.md).
 */
export async function applyDurability(store: StoreHandle, fsync: boolean): Promise<void> {
  const t = new Layout(store.db, store.cluster);
  const v = fsync ? 1 : 0;
  for (const table of INSERTED_TABLES) {
    await store.client.command({
      query: `ALTER TABLE ${t.mutable(table)} MODIFY SETTING fsync_after_insert = ${v}, fsync_part_directory = ${v}`,
    });
  }
}
