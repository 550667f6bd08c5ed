import type { Order, OrderType } from '../../shared/order.js';
import { formatFen } from '../../shared/money.js';
import { toClickHouseTime } from '../../shared/time.js';
import type { StoreHandle } from './client.js';
import { INSERT_SETTINGS } from './settings.js';

/** Writes one batch of orders as a single synchronous INSERT (one part, all or nothing). */
export async function insertOrders(store: StoreHandle, orders: readonly Order[]): Promise<void> {
  if (orders.length === 0) return;
  await store.client.insert({
    table: `${store.db}.orders`,
    format: 'JSONCompactEachRow',
    columns: [
      'show',
      'order_id',
      'type',
      'ts',
      'amount',
      'currency',
      'gmv',
      'country',
      'channel',
      'category',
      'merchant_id',
    ],
    values: orders.map((o) => [
      o.show,
      o.order_id,
      o.type,
      toClickHouseTime(o.ts),
      formatFen(o.amount_fen),
      o.currency,
      formatFen(o.gmv_fen),
      o.country,
      o.channel,
      o.category,
      o.merchant_id,
    ]),
    clickhouse_settings: INSERT_SETTINGS,
  });
}

export interface OrderKey {
  order_id: string;
  type: OrderType;
}

/** Which of these keys are already stored for the show (exact, from the primary key). */
export async function storedKeys(store: StoreHandle, show: string, ids: readonly string[]): Promise<OrderKey[]> {
  if (ids.length === 0) return [];
  const rs = await store.client.query({
    query: `SELECT DISTINCT order_id, type FROM ${store.db}.orders
            WHERE show = {show:String} AND order_id IN {ids:Array(String)}`,
    query_params: { show, ids },
    format: 'JSONEachRow',
  });
  return rs.json<OrderKey>();
}

/**
 * Streams every stored key of a show in pages along the primary key, so a large
 * day never has to fit in one result.
 */
export async function forEachStoredKey(
  store: StoreHandle,
  show: string,
  visit: (orderId: string, type: OrderType) => void,
  pageSize = 500_000,
): Promise<number> {
  let afterId = '';
  let afterType = 0;
  let total = 0;
  for (;;) {
    const rs = await store.client.query({
      // order_id >= lets the primary key skip ahead; the tuple makes the page edge exact.
      query: `SELECT order_id, toInt8(type) AS t FROM ${store.db}.orders
              WHERE show = {show:String} AND order_id >= {afterId:String}
                AND (order_id, toInt8(type)) > ({afterId:String}, {afterType:Int8})
              ORDER BY order_id, t LIMIT {limit:UInt32}`,
      query_params: { show, afterId, afterType, limit: pageSize },
      format: 'JSONCompactEachRow',
    });
    const rows = await rs.json<[string, number]>();
    for (const [id, t] of rows) visit(id, t === 2 ? 'refund' : 'sale');
    total += rows.length;
    if (rows.length < pageSize) return total;
    [afterId, afterType] = rows[rows.length - 1]!;
  }
}
