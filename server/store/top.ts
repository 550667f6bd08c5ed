import { decimalToFen } from '../../shared/money.js';
import type { DimensionRow } from '../domain/board.js';
import type { StoreHandle } from './client.js';
import { merchantRange, splitRange, wholeSeconds, type Range } from './ranges.js';

const HOUR = 3_600_000;

/**
 * The `n` merchants with the most sales GMV over the whole minutes of a range
 * (merchantRange), ties by id, as the board ranks them: whole hours from
 * merchant_by_hour, the edge minutes from merchant_by_minute. The engine ranks,
 * so only n rows come back however many merchants sold (27,000 on a full day).
 */
export async function topMerchants(store: StoreHandle, show: string, range: Range, n: number): Promise<DimensionRow[]> {
  const s = splitRange(merchantRange(wholeSeconds(range)), HOUR);
  const parts: string[] = [];
  const params: Record<string, unknown> = { show, n };
  for (const [name, table, column, r] of [
    ['h', 'merchant_by_minute', 'minute', s.head],
    ['m', 'merchant_by_hour', 'hour', s.middle],
    ['t', 'merchant_by_minute', 'minute', s.tail],
  ] as const) {
    if (!r) continue;
    parts.push(`SELECT merchant_id, orders, gmv FROM ${store.db}.${table}
      WHERE show = {show:String} AND type = 'sale'
        AND ${column} >= toDateTime({${name}_from:Int64}, 'UTC') AND ${column} < toDateTime({${name}_to:Int64}, 'UTC')`);
    params[`${name}_from`] = r.fromMs / 1000;
    params[`${name}_to`] = r.toMs / 1000;
  }
  if (parts.length === 0) return [];
  const rs = await store.query({
    query: `SELECT merchant_id, toString(sum(orders)), toString(sum(gmv)) AS g
            FROM (${parts.join('\nUNION ALL\n')})
            GROUP BY merchant_id ORDER BY sum(gmv) DESC, merchant_id LIMIT {n:UInt32}`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string]>()).map(([key, orders, gmv]) => ({
    dimension: 'merchant',
    key,
    orders: Number(orders),
    fen: decimalToFen(gmv),
  }));
}
