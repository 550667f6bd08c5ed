import type { Order } from '../../shared/order.js';
import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { insertOrders } from './orders.js';
import { ROLLUPS } from './schema.js';

/** Orders ready to store, in time order, and the show-second they reach. */
export interface RowChunk {
  rows: Order[];
  second: number;
}

export interface BulkResult {
  orders: number;
  ms: number;
}

/**
 * Stores the caller's orders in large INSERTs (the rollups fill through the
 * materialized views as usual). The rows come validated from the caller; the engine
 * inserts one chunk on its own threads while the caller makes the next (`chunks` is
 * pulled lazily). `onProgress` is called after each INSERT with the orders stored so far
 * and the chunk's second.
 */
export async function insertChunks(
  store: StoreHandle,
  chunks: Iterable<RowChunk>,
  onProgress?: (loaded: number, second: number) => void,
): Promise<BulkResult> {
  const started = performance.now();
  let loaded = 0;
  let inFlight: Promise<void> = Promise.resolve();
  for (const { rows, second } of chunks) {
    await inFlight;
    inFlight = insertOrders(store, rows).then(() => {
      loaded += rows.length;
      onProgress?.(loaded, second);
    });
  }
  await inFlight;
  return { orders: loaded, ms: performance.now() - started };
}

/** Number of stored orders of a show (0 when it was never loaded). */
export async function storedOrders(store: StoreHandle, show: string): Promise<number> {
  const rs = await store.query({
    query: `SELECT toString(count()) AS n FROM ${store.db}.orders WHERE show = {show:String}`,
    query_params: { show },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ n: string }>();
  return Number(r?.n ?? 0);
}

/** Removes a show's orders and rollups, so it can be loaded again (on every shard of a cluster). */
export async function dropShow(store: StoreHandle, show: string): Promise<void> {
  const { client } = store;
  const layout = new Layout(store.db, store.cluster);
  await client.command({
    query: `ALTER TABLE ${layout.mutable('orders')} DROP PARTITION {show:String}`,
    query_params: { show },
  });
  for (const table of [...ROLLUPS, 'on_air']) {
    await client.command({
      query: `ALTER TABLE ${layout.mutable(table)} DELETE WHERE show = {show:String}`,
      query_params: { show },
      clickhouse_settings: { mutations_sync: '2' },
    });
  }
}
