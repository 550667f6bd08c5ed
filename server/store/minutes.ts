import { decimalToFen } from '../../shared/money.js';
import type { DimensionRow } from '../domain/board.js';
import type { StoreHandle } from './client.js';
import type { Range } from './ranges.js';

/** One minute of one breakdown key. */
export interface MinuteDimensionRow extends DimensionRow {
  /** Start of the minute, epoch ms. */
  minuteMs: number;
}

/**
 * Sales by channel, country and category per minute over the whole minutes of a
 * range, from dims_by_minute: what a replay of a finished day keeps to seek
 * without summing the minutes again each time.
 */
export async function dimensionMinutes(store: StoreHandle, show: string, range: Range): Promise<MinuteDimensionRow[]> {
  const rs = await store.query({
    query: `SELECT toString(toUnixTimestamp(minute)) AS m, toString(dim) AS d, toString(key) AS k,
                   toString(sum(orders)), toString(sum(gmv))
            FROM ${store.db}.dims_by_minute
            WHERE show = {show:String} AND type = 'sale'
              AND minute >= toDateTime({from:Int64}, 'UTC') AND minute < toDateTime({to:Int64}, 'UTC')
            GROUP BY m, d, k`,
    query_params: {
      show,
      from: Math.ceil(range.fromMs / 60_000) * 60,
      to: Math.floor(range.toMs / 60_000) * 60,
    },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, DimensionRow['dimension'], string, string, string]>()).map(
    ([m, dimension, key, orders, gmv]) => ({
      minuteMs: Number(m) * 1000,
      dimension,
      key,
      orders: Number(orders),
      fen: decimalToFen(gmv),
    }),
  );
}
