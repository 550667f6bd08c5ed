import type { Show } from '../../shared/show.js';
import { readSecondSums } from './board.js';
import type { StoreHandle } from './client.js';

/**
 * Last year's sales orders by second since its start, as running sums: `soFar[s]` is the orders
 * of seconds 0..s. One Float64 a second (691 KB for a day), read once (the feed watch's rate band).
 */
export async function readOrdersSoFar(store: StoreHandle, show: Show): Promise<Float64Array> {
  const { orders: out } = await readSecondSums(store, show);
  for (let i = 1; i < out.length; i++) out[i]! += out[i - 1]!;
  return out;
}

/** One row of last year's orders of a channel or country in one second. */
export interface DimensionSecond {
  /** Seconds since the show's start. */
  second: number;
  /** `channel:<c>` or `country:<cc>`. */
  key: string;
  orders: number;
}

/**
 * Sales orders of every channel and country in each second of [from, to) (seconds since the
 * show's start), from dims_by_second: a few hundred keys a second at most.
 */
export async function readDimensionSeconds(
  store: StoreHandle,
  show: Show,
  from: number,
  to: number,
): Promise<DimensionSecond[]> {
  const start = Math.floor(show.startMs / 1000);
  const rs = await store.query({
    query: `SELECT toInt64(toUnixTimestamp(second)) - {start:Int64} AS s, concat(toString(dim), ':', toString(key)) AS k,
                   toString(sum(orders))
            FROM ${store.db}.dims_by_second
            WHERE show = {show:String} AND type = 'sale' AND dim IN ('channel', 'country')
              AND second >= toDateTime({from:Int64}, 'UTC') AND second < toDateTime({to:Int64}, 'UTC')
            GROUP BY s, k`,
    query_params: { show: show.id, start, from: start + from, to: start + to },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string]>()).map(([s, key, orders]) => ({
    second: Number(s),
    key,
    orders: Number(orders),
  }));
}
