import type { Dimension } from '../../shared/history.js';
import type { Show } from '../../shared/show.js';
import type { DimensionRow, RollupRow } from '../domain/board.js';
import { fenSum } from './board.js';
import type { StoreHandle } from './client.js';

/** A range of event time, epoch ms, [fromMs, toMs). Bounds are whole seconds. */
export interface Range {
  fromMs: number;
  toMs: number;
}

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Splits [from, to) into whole `big` buckets in the middle and `small` buckets at
 * the edges, so a range sums the coarse rollup and at most one coarse bucket's
 * worth of the fine one at each end.
 */
export function splitRange(r: Range, big: number): { head: Range | null; middle: Range | null; tail: Range | null } {
  const from = r.fromMs;
  const to = Math.max(r.fromMs, r.toMs);
  const a = Math.ceil(from / big) * big;
  const b = Math.floor(to / big) * big;
  if (a >= b) return { head: from < to ? { fromMs: from, toMs: to } : null, middle: null, tail: null };
  return {
    head: from < a ? { fromMs: from, toMs: a } : null,
    middle: { fromMs: a, toMs: b },
    tail: b < to ? { fromMs: b, toMs: to } : null,
  };
}

/** Rounds a range to whole seconds: the start down, the end down (the end is exclusive). */
export function wholeSeconds(r: Range): Range {
  return { fromMs: Math.floor(r.fromMs / SECOND) * SECOND, toMs: Math.floor(r.toMs / SECOND) * SECOND };
}

/** The range merchant rankings cover: whole minutes (there is no per-second merchant rollup). */
export function merchantRange(r: Range): Range {
  return { fromMs: Math.floor(r.fromMs / MINUTE) * MINUTE, toMs: Math.floor(r.toMs / MINUTE) * MINUTE };
}

interface Part {
  sql: string;
  params: Record<string, number>;
}

function part(table: string, column: string, r: Range | null, name: string, select: string, where = ''): Part[] {
  if (!r) return [];
  return [
    {
      sql: `SELECT ${select} FROM {db}.${table}
            WHERE show = {show:String} AND type = {type:String} ${where}
              AND ${column} >= toDateTime({${name}_from:Int64}, 'UTC') AND ${column} < toDateTime({${name}_to:Int64}, 'UTC')`,
      params: { [`${name}_from`]: r.fromMs / SECOND, [`${name}_to`]: r.toMs / SECOND },
    },
  ];
}

/** A query and its bound parameters. */
export interface BoundQuery {
  query: string;
  query_params: Record<string, unknown>;
}

/**
 * The SQL of dimensionRows: columns d (dimension), k (key), orders (UInt64) and
 * gmv (Decimal), one row per key, unsorted; null when nothing is asked. Exports
 * wrap it to let ClickHouse format the rows itself.
 */
export function dimensionQuery(
  store: StoreHandle,
  show: string,
  range: Range,
  dims: readonly Dimension[],
  type: 'sale' | 'refund' = 'sale',
): BoundQuery | null {
  const r = wholeSeconds(range);
  const parts: Part[] = [];
  const plain = dims.filter((d) => d !== 'merchant');
  if (plain.length > 0) {
    const s = splitRange(r, MINUTE);
    const select = 'toString(dim) AS d, toString(key) AS k, orders, gmv';
    const where = 'AND dim IN {dims:Array(String)}';
    parts.push(
      ...part('dims_by_second', 'second', s.head, 'dh', select, where),
      ...part('dims_by_minute', 'minute', s.middle, 'dm', select, where),
      ...part('dims_by_second', 'second', s.tail, 'dt', select, where),
    );
  }
  if (dims.includes('merchant')) {
    const s = splitRange(merchantRange(r), HOUR);
    const select = "'merchant' AS d, merchant_id AS k, orders, gmv";
    parts.push(
      ...part('merchant_by_minute', 'minute', s.head, 'mh', select),
      ...part('merchant_by_hour', 'hour', s.middle, 'mm', select),
      ...part('merchant_by_minute', 'minute', s.tail, 'mt', select),
    );
  }
  if (parts.length === 0) return null;
  return {
    query: `SELECT d, k, sum(orders) AS orders, sum(gmv) AS gmv
            FROM (${parts.map((p) => p.sql.replaceAll('{db}', store.db)).join('\nUNION ALL\n')})
            GROUP BY d, k`,
    query_params: Object.assign({ show, type, dims: plain }, ...parts.map((p) => p.params)),
  };
}

/**
 * Sales or refunds by dimension key over a range of event time: channel, country
 * and category exact to the second (whole minutes from dims_by_minute, the edges
 * from dims_by_second); merchants over whole minutes (merchantRange), from
 * merchant_by_hour and merchant_by_minute at the edges. One row per key: all of them,
 * unsorted, or the `top` largest of each dimension by GMV.
 */
export async function dimensionRows(
  store: StoreHandle,
  show: string,
  range: Range,
  dims: readonly Dimension[],
  type: 'sale' | 'refund' = 'sale',
  top?: number,
): Promise<DimensionRow[]> {
  const q = dimensionQuery(store, show, range, dims, type);
  if (!q) return [];
  // With `top`, the engine keeps the largest keys of each dimension (ties by key): a range
  // with millions of merchants never reaches this process.
  const limit = top === undefined ? '' : 'ORDER BY d, gmv DESC, k LIMIT {top:UInt32} BY d';
  const rs = await store.query({
    query: `SELECT d, k, toString(orders) AS o, toString(gmv) AS g FROM (${q.query}) ${limit}`,
    query_params: { ...q.query_params, top },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[Dimension, string, string, string]>()).map(([dimension, key, orders, gmv]) => ({
    dimension,
    key,
    orders: Number(orders),
    ...fenSum(gmv),
  }));
}

/**
 * Sales and refunds per second over a range of event time, from gmv_by_second,
 * with seconds counted from the show start (as the live board keeps them).
 */
export async function secondRows(store: StoreHandle, show: Show, range: Range): Promise<RollupRow[]> {
  const r = wholeSeconds(range);
  if (r.fromMs >= r.toMs) return [];
  const start = Math.floor(show.startMs / SECOND);
  const rs = await store.query({
    query: `SELECT toInt64(toUnixTimestamp(second)) - {start:Int64} AS s, toString(type) AS type,
                   toString(sum(orders)) AS orders, toString(sum(gmv)) AS gmv
            FROM ${store.db}.gmv_by_second
            WHERE show = {show:String}
              AND second >= toDateTime({from:Int64}, 'UTC') AND second < toDateTime({to:Int64}, 'UTC')
            GROUP BY s, type ORDER BY s`,
    query_params: { show: show.id, start, from: r.fromMs / SECOND, to: r.toMs / SECOND },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, 'sale' | 'refund', string, string]>()).map(([s, type, orders, gmv]) => ({
    second: Number(s),
    type,
    orders: Number(orders),
    ...fenSum(gmv),
  }));
}
