import type { DimensionRow } from '../domain/board.js';
import { fenSum } from './board.js';
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
            WHERE show = {show:String} AND type = 'sale' AND dim IN ('channel', 'country', 'category')
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
      ...fenSum(gmv),
    }),
  );
}

/** Sales by merchant per hour over the whole hours of a range, from merchant_by_hour (rows keyed by hour start). */
export async function merchantHours(store: StoreHandle, show: string, range: Range): Promise<MinuteDimensionRow[]> {
  const rs = await store.query({
    query: `SELECT toString(toUnixTimestamp(hour)) AS h, merchant_id, toString(sum(orders)), toString(sum(gmv))
            FROM ${store.db}.merchant_by_hour
            WHERE show = {show:String} AND type = 'sale'
              AND hour >= toDateTime({from:Int64}, 'UTC') AND hour < toDateTime({to:Int64}, 'UTC')
            GROUP BY h, merchant_id`,
    query_params: {
      show,
      from: Math.ceil(range.fromMs / 3_600_000) * 3600,
      to: Math.floor(range.toMs / 3_600_000) * 3600,
    },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string, string]>()).map(([h, key, orders, gmv]) => ({
    minuteMs: Number(h) * 1000,
    dimension: 'merchant',
    key,
    orders: Number(orders),
    ...fenSum(gmv),
  }));
}

/** Sales by merchant per `bucketMs` (a multiple of a minute) over the whole buckets of a range, from merchant_by_minute. */
export async function merchantBuckets(
  store: StoreHandle,
  show: string,
  range: Range,
  bucketMs: number,
  ids: readonly string[] | null = null,
): Promise<MinuteDimensionRow[]> {
  const rs = await store.query({
    query: `SELECT toString(intDiv(toUnixTimestamp(minute), {bucket:UInt32}) * {bucket:UInt32}) AS b, merchant_id,
                   toString(sum(orders)), toString(sum(gmv))
            FROM ${store.db}.merchant_by_minute
            WHERE show = {show:String} AND type = 'sale'
              AND minute >= toDateTime({from:Int64}, 'UTC') AND minute < toDateTime({to:Int64}, 'UTC')
              ${ids ? 'AND merchant_id IN {ids:Array(String)}' : ''}
            GROUP BY b, merchant_id`,
    query_params: {
      show,
      bucket: bucketMs / 1000,
      from: Math.ceil(range.fromMs / bucketMs) * (bucketMs / 1000),
      to: Math.floor(range.toMs / bucketMs) * (bucketMs / 1000),
      ids: ids ?? [],
    },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string, string]>()).map(([b, key, orders, gmv]) => ({
    minuteMs: Number(b) * 1000,
    dimension: 'merchant',
    key,
    orders: Number(orders),
    ...fenSum(gmv),
  }));
}
