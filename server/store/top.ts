import type { DimensionRow } from '../domain/board.js';
import { fenSum } from './board.js';
import type { StoreHandle } from './client.js';
import { merchantRange, splitRange, wholeSeconds, type Range } from './ranges.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Part {
  table: 'merchant_by_minute' | 'merchant_by_hour';
  range: Range;
  sign: 1 | -1;
}

/**
 * An edge of less than an hour, in parts: its minutes, or, when it is more than
 * half an hour, its whole hour minus the minutes outside the edge. Either way at
 * most 30 minutes of the per-minute rollup (~20,000 merchants each at the peak).
 */
function edge(r: Range | null): Part[] {
  if (!r) return [];
  const hourFrom = Math.floor(r.fromMs / HOUR) * HOUR;
  const hour = { fromMs: hourFrom, toMs: hourFrom + HOUR };
  const len = r.toMs - r.fromMs;
  if (len <= HOUR / 2) return [{ table: 'merchant_by_minute', range: r, sign: 1 }];
  const out: Part[] = [{ table: 'merchant_by_hour', range: hour, sign: 1 }];
  if (hour.fromMs < r.fromMs)
    out.push({ table: 'merchant_by_minute', range: { fromMs: hour.fromMs, toMs: r.fromMs }, sign: -1 });
  if (r.toMs < hour.toMs)
    out.push({ table: 'merchant_by_minute', range: { fromMs: r.toMs, toMs: hour.toMs }, sign: -1 });
  return out;
}

/** The SELECT of the merchant top `n` over the whole minutes of a range (null when it has none). */
function topSql(store: StoreHandle, range: Range, params: Record<string, unknown>): string | null {
  const r = merchantRange(wholeSeconds(range));
  if (r.toMs - r.fromMs < MINUTE) return null;
  const s = splitRange(r, HOUR);
  const parts: Part[] = [
    ...edge(s.head),
    ...(s.middle ? [{ table: 'merchant_by_hour', range: s.middle, sign: 1 } as Part] : []),
    ...edge(s.tail),
  ];
  const sql = parts.map((p, i) => {
    params[`f${i}`] = p.range.fromMs / 1000;
    params[`t${i}`] = p.range.toMs / 1000;
    const column = p.table === 'merchant_by_hour' ? 'hour' : 'minute';
    const sign = p.sign === 1 ? '' : '-';
    return `SELECT merchant_id, ${sign}toInt64(orders) AS o, ${sign}gmv AS g FROM ${store.db}.${p.table}
      WHERE show = {show:String} AND type = 'sale'
        AND ${column} >= toDateTime({f${i}:Int64}, 'UTC') AND ${column} < toDateTime({t${i}:Int64}, 'UTC')`;
  });
  return `SELECT 'merchant' AS d, merchant_id AS k, toString(sum(o)) AS so, toString(sum(g)) AS sg
          FROM (${sql.join('\nUNION ALL\n')})
          GROUP BY merchant_id HAVING sum(o) > 0 ORDER BY sum(g) DESC, merchant_id LIMIT {n:UInt32}`;
}

function rows(list: [DimensionRow['dimension'], string, string, string][]): DimensionRow[] {
  return list.map(([dimension, key, orders, gmv]) => ({
    dimension,
    key,
    orders: Number(orders),
    ...fenSum(gmv),
  }));
}

/**
 * The `n` merchants with the most sales GMV over the whole minutes of a range
 * (merchantRange), ties by id, as the board ranks them: whole hours from
 * merchant_by_hour, the edges from merchant_by_minute (see edge). The engine
 * ranks, so only n rows come back however many merchants sold (27,000 on a day).
 */
export async function topMerchants(store: StoreHandle, show: string, range: Range, n: number): Promise<DimensionRow[]> {
  const params: Record<string, unknown> = { show, n };
  const sql = topSql(store, range, params);
  if (!sql) return [];
  const rs = await store.query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
  return rows(await rs.json());
}

/**
 * In one query (one round trip): channel, country and category over `seconds` (less
 * than a minute, from dims_by_second) and the merchant top `n` over `merchants`.
 */
export async function edgeAndTopMerchants(
  store: StoreHandle,
  show: string,
  seconds: Range | null,
  merchants: Range,
  n: number,
): Promise<DimensionRow[]> {
  const params: Record<string, unknown> = { show, n };
  const parts: string[] = [];
  const r = seconds ? wholeSeconds(seconds) : null;
  if (r && r.fromMs < r.toMs) {
    if (r.toMs - r.fromMs > MINUTE) throw new Error('the seconds edge is at most a minute');
    params.ef = r.fromMs / 1000;
    params.et = r.toMs / 1000;
    parts.push(`SELECT toString(dim) AS d, toString(key) AS k, toString(sum(orders)) AS so, toString(sum(gmv)) AS sg
      FROM ${store.db}.dims_by_second
      WHERE show = {show:String} AND type = 'sale' AND dim IN ('channel', 'country', 'category')
        AND second >= toDateTime({ef:Int64}, 'UTC') AND second < toDateTime({et:Int64}, 'UTC')
      GROUP BY d, k`);
  }
  const top = topSql(store, merchants, params);
  if (top) parts.push(`SELECT * FROM (${top})`);
  if (parts.length === 0) return [];
  const rs = await store.query({
    query: parts.join('\nUNION ALL\n'),
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  return rows(await rs.json());
}
