import type { StoreHandle } from './client.js';
import { fenSum } from './board.js';
import { storedKeyGroups } from './orders.js';

/** A stored sale a late refund may take off: its show and its GMV in fen (exact below 2^53). */
export interface StoredSale {
  show: string;
  order_id: string;
  gmv_fen: number;
}

/**
 * The stored sales with these ids among these shows, one query per group of ids (a request's
 * late refunds make one). `show IN` and `order_id IN` both bind the primary key (show, order_id,
 * type), and the table is partitioned by show: the read is a few granules per show asked, never a
 * scan of a day (docs/live-path.md, "Refunds after the day").
 */
export async function storedSales(
  store: StoreHandle,
  shows: readonly string[],
  ids: readonly string[],
): Promise<StoredSale[]> {
  const found: StoredSale[] = [];
  if (shows.length === 0 || ids.length === 0) return found;
  for (const group of storedKeyGroups([...new Set(ids)])) {
    const rs = await store.query({
      query: `SELECT toString(show) AS show, order_id, toString(any(gmv)) AS gmv
              FROM ${store.db}.orders
              WHERE show IN {shows:Array(String)} AND order_id IN {ids:Array(String)} AND type = 'sale'
              GROUP BY show, order_id`,
      query_params: { shows, ids: group },
      ...(store.kind === 'server' ? { use_multipart_params: true } : {}),
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ show: string; order_id: string; gmv: string }>()) {
      found.push({ show: r.show, order_id: r.order_id, gmv_fen: fenSum(r.gmv).fen });
    }
  }
  return found;
}
