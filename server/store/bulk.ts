import { validateOrder, type Order, type ValidationContext } from '../../shared/order.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { insertOrders } from './orders.js';
import { ROLLUPS } from './schema.js';

export interface DayLoad {
  year: number;
  scale: number;
  seed: number;
  /** Called after each INSERT with the orders loaded so far and the show-second reached. */
  onProgress?: (loaded: number, second: number) => void;
}

export interface DayLoadResult {
  show: string;
  orders: number;
  ms: number;
}

const CHUNK = 200_000;

/**
 * Loads a whole simulated day straight into ClickHouse in large INSERTs (the
 * rollups fill through the materialized views as usual). Every order passes the
 * same validation as ingest, so a loaded day is indistinguishable from a streamed one.
 */
export async function loadDay(store: StoreHandle, ctx: ValidationContext, load: DayLoad): Promise<DayLoadResult> {
  const started = performance.now();
  const gen = new DayGenerator({ year: load.year, scale: load.scale, seed: load.seed });
  let chunk: Order[] = [];
  let loaded = 0;
  let show = '';
  // The engine inserts one chunk on its own threads while JS generates the next.
  let inFlight: Promise<void> = Promise.resolve();
  for (let s = 0; s < DAY_SECONDS; s++) {
    for (const { fields } of gen.second(s)) {
      const check = validateOrder(fields, ctx);
      if (!check.ok) throw new Error(`generated order ${fields.order_id} is invalid: ${check.code} ${check.message}`);
      show = check.order.show;
      chunk.push(check.order);
    }
    if (chunk.length >= CHUNK || (s === DAY_SECONDS - 1 && chunk.length > 0)) {
      await inFlight;
      const rows = chunk;
      const second = s + 1;
      chunk = [];
      inFlight = insertOrders(store, rows).then(() => {
        loaded += rows.length;
        load.onProgress?.(loaded, second);
      });
    }
  }
  await inFlight;
  return { show, orders: loaded, ms: performance.now() - started };
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
