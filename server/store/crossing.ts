import { formatFen } from '../../shared/money.js';
import type { Show } from '../../shared/show.js';
import type { StoreHandle } from './client.js';

/**
 * The event time of the sale that took gross GMV to `threshold`, given the gross
 * before `second` (seconds since the show start). The engine sums that second's
 * sales in event-time order (ties by id) and answers one row: the first sale whose
 * running total reaches what was still missing. Nothing per order reaches JS.
 */
export async function exactCrossing(
  store: StoreHandle,
  show: Show,
  second: number,
  before: number,
  threshold: number,
): Promise<number | null> {
  const from = show.startMs + second * 1000;
  const rs = await store.query({
    query: `SELECT toString(toUnixTimestamp64Milli(ts)) AS ms
            FROM (
              SELECT ts, order_id,
                     sum(gmv) OVER (ORDER BY ts, order_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
              FROM ${store.db}.orders
              WHERE show = {show:String} AND type = 'sale'
                AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
            )
            WHERE running >= {missing:Decimal(38, 2)}
            ORDER BY ts, order_id
            LIMIT 1`,
    query_params: { show: show.id, from, to: from + 1000, missing: formatFen(threshold - before) },
    format: 'JSONCompactEachRow',
  });
  const [row] = await rs.json<[string]>();
  return row ? Number(row[0]) : null;
}
