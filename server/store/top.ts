import { decimalToFen } from '../../shared/money.js';
import type { DimensionRow } from '../domain/board.js';
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

/**
 * The `n` merchants with the most sales GMV over the whole minutes of a range
 * (merchantRange), ties by id, as the board ranks them: whole hours from
 * merchant_by_hour, the edges from merchant_by_minute (see edge). The engine
 * ranks, so only n rows come back however many merchants sold (27,000 on a day).
 */
export async function topMerchants(store: StoreHandle, show: string, range: Range, n: number): Promise<DimensionRow[]> {
  const r = merchantRange(wholeSeconds(range));
  if (r.toMs - r.fromMs < MINUTE) return [];
  const s = splitRange(r, HOUR);
  const parts: Part[] = [
    ...edge(s.head),
    ...(s.middle ? [{ table: 'merchant_by_hour', range: s.middle, sign: 1 } as Part] : []),
    ...edge(s.tail),
  ];
  const params: Record<string, unknown> = { show, n };
  const sql = parts.map((p, i) => {
    params[`f${i}`] = p.range.fromMs / 1000;
    params[`t${i}`] = p.range.toMs / 1000;
    const column = p.table === 'merchant_by_hour' ? 'hour' : 'minute';
    const sign = p.sign === 1 ? '' : '-';
    return `SELECT merchant_id, ${sign}toInt64(orders) AS o, ${sign}gmv AS g FROM ${store.db}.${p.table}
      WHERE show = {show:String} AND type = 'sale'
        AND ${column} >= toDateTime({f${i}:Int64}, 'UTC') AND ${column} < toDateTime({t${i}:Int64}, 'UTC')`;
  });
  const rs = await store.query({
    query: `SELECT merchant_id, toString(sum(o)), toString(sum(g))
            FROM (${sql.join('\nUNION ALL\n')})
            GROUP BY merchant_id HAVING sum(o) > 0 ORDER BY sum(g) DESC, merchant_id LIMIT {n:UInt32}`,
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
