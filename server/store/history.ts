import type { Fen } from '../../shared/money.js';
import type { SeriesStep, ShowSummary } from '../../shared/history.js';
import type { Show } from '../../shared/show.js';
import type { StoreHandle } from './client.js';
import { wholeSeconds, type BoundQuery, type Range } from './ranges.js';
import { fenSum, storedTotals, type ExactTotals, type TotalsRow } from './board.js';

const SECOND = 1000;

/** Length of a series step, ms. */
export const STEP_MS: Record<SeriesStep, number> = { '1s': 1000, '1m': 60_000, '1h': 3_600_000 };

/**
 * The bucket of a step, as SQL over `second` (a DateTime of gmv_by_second). Minutes
 * and hours start where they start in the show's time zone ({tz}), so an hour of
 * a show in a half-hour zone is a local hour; for 11.11 (China, a whole-hour
 * offset) they are the UTC minutes and hours.
 */
const BUCKET: Record<SeriesStep, string> = {
  '1s': 'second',
  '1m': 'toStartOfInterval(second, INTERVAL 1 MINUTE, {tz:String})',
  '1h': 'toStartOfInterval(second, INTERVAL 1 HOUR, {tz:String})',
};

/**
 * Totals of the orders of a show with event time up to and including `atMs`, exact
 * to the millisecond: the whole seconds before at's second from gmv_by_second, and
 * the orders of at's own second (ts ≤ at) from `orders`, read through its `by_ts`
 * projection (one granule, not the show).
 */
export async function totalsAt(store: StoreHandle, show: string, atMs: number): Promise<ExactTotals> {
  const q = totalsAtQuery(store, show, atMs);
  const rs = await store.query({ ...q, format: 'JSONEachRow' });
  const [r] = await rs.json<TotalsRow>();
  return storedTotals(r);
}

/** The partial second of totalsAt alone: exported so a test can EXPLAIN exactly this read. */
export function partialSecondQuery(store: StoreHandle): string {
  return `SELECT type, toUInt64(count()) AS o, toDecimal128(sum(gmv), 2) AS g
          FROM ${store.db}.orders
          WHERE show = {show:String}
            AND ts >= fromUnixTimestamp64Milli({second:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
          GROUP BY type`;
}

/** The SQL of totalsAt: columns so, sf (sales: orders, GMV) and ro, rf (refunds), as strings. */
function totalsAtQuery(store: StoreHandle, show: string, atMs: number): BoundQuery {
  const second = Math.floor(atMs / SECOND) * SECOND;
  return {
    query: `SELECT toString(sumIf(o, type = 'sale')) AS so, toString(sumIf(g, type = 'sale')) AS sf,
                   toString(sumIf(o, type = 'refund')) AS ro, toString(sumIf(g, type = 'refund')) AS rf
            FROM (
              SELECT type, toUInt64(sum(orders)) AS o, toDecimal128(sum(gmv), 2) AS g
              FROM ${store.db}.gmv_by_second
              WHERE show = {show:String} AND second < toDateTime({secondS:Int64}, 'UTC')
              GROUP BY type
              UNION ALL
              ${partialSecondQuery(store)}
            )`,
    query_params: { show, second, secondS: second / SECOND, at: atMs },
  };
}

/**
 * The SQL of a series: one row per non-empty step in [from, to) (whole seconds),
 * ascending, with columns b (start of the step, epoch seconds), so and sg (sales:
 * orders, GMV), ro and rg (refunds), ng (net GMV). Steps at the edges of an
 * unaligned range hold only the part of them inside it. (Aliases differ from the
 * columns they sum: ClickHouse would resolve `gmv` in a later sum to the alias.)
 */
export function seriesQuery(store: StoreHandle, show: Show, range: Range, step: SeriesStep): BoundQuery {
  const r = wholeSeconds(range);
  return {
    query: `SELECT toInt64(toUnixTimestamp(${BUCKET[step]})) AS b,
                   sumIf(orders, type = 'sale') AS so, sumIf(gmv, type = 'sale') AS sg,
                   sumIf(orders, type = 'refund') AS ro, sumIf(gmv, type = 'refund') AS rg, sg - rg AS ng
            FROM ${store.db}.gmv_by_second
            WHERE show = {show:String}
              AND second >= toDateTime({from:Int64}, 'UTC') AND second < toDateTime({to:Int64}, 'UTC')
            GROUP BY b ORDER BY b`,
    query_params: { show: show.id, from: r.fromMs / SECOND, to: r.toMs / SECOND, tz: show.timeZone },
  };
}

/** One step of a series, money in fen, exactly (a bigint past 2^53). */
export interface SeriesBucket {
  startMs: number;
  orders: number;
  fen: Fen;
  refunds: number;
  refundFen: Fen;
}

/** A sum as read, exactly. */
export function exact(gmv: string): Fen {
  const s = fenSum(gmv);
  return s.bigFen ?? s.fen;
}

/** Sales and refunds per step over a range of event time, from gmv_by_second. */
export async function seriesRows(
  store: StoreHandle,
  show: Show,
  range: Range,
  step: SeriesStep,
): Promise<SeriesBucket[]> {
  const q = seriesQuery(store, show, range, step);
  const rs = await store.query({
    query: `SELECT toString(b), toString(so), toString(sg), toString(ro), toString(rg)
            FROM (${q.query}) ORDER BY b`,
    query_params: q.query_params,
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string, string, string]>()).map(([b, o, g, ro, rg]) => ({
    startMs: Number(b) * SECOND,
    orders: Number(o),
    fen: exact(g),
    refunds: Number(ro),
    refundFen: exact(rg),
  }));
}

/**
 * The configured shows and what the store holds of each: stored orders (sales and
 * refunds) and the first and newest event time, in one query.
 */
export async function listShows(store: StoreHandle, shows: readonly Show[], liveShow: string): Promise<ShowSummary[]> {
  // Counts and the first and last second from the per-second rollup (a few rows per second, not
  // every order), then the exact first and last event within those two seconds from `orders`,
  // through its by_ts projection: a granule each, whatever the show holds.
  const rs = await store.query({
    query: `SELECT show, toString(sum(orders)) AS n,
                   toString(toUnixTimestamp(min(second))) AS first, toString(toUnixTimestamp(max(second))) AS last
            FROM ${store.db}.gmv_by_second WHERE show IN {ids:Array(String)} GROUP BY show HAVING sum(orders) > 0`,
    query_params: { ids: shows.map((s) => s.id) },
    format: 'JSONCompactEachRow',
  });
  const stored = new Map<string, { n: string; first: number; last: number }>();
  const rows = await rs.json<[string, string, string, string]>();
  await Promise.all(
    rows.map(async ([show, n, first, last]) => {
      // Both seconds in one read: the first event is the least ts of the first, the last the greatest of the last.
      const f = Number(first) * 1000;
      const l = Number(last) * 1000;
      const r = await store.query({
        query: `SELECT toString(toUnixTimestamp64Milli(min(ts))), toString(toUnixTimestamp64Milli(max(ts)))
                FROM ${store.db}.orders
                WHERE show = {show:String}
                  AND ((ts >= fromUnixTimestamp64Milli({f:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({f1:Int64}, 'UTC'))
                    OR (ts >= fromUnixTimestamp64Milli({l:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({l1:Int64}, 'UTC')))`,
        query_params: { show, f, f1: f + 1000, l, l1: l + 1000 },
        format: 'JSONCompactEachRow',
      });
      const [edges] = await r.json<[string, string]>();
      stored.set(show, { n, first: Number(edges![0]), last: Number(edges![1]) });
    }),
  );
  return shows.map((s) => {
    const row = stored.get(s.id);
    return {
      id: s.id,
      name: s.name,
      start: iso(s.startMs),
      end: iso(s.endMs),
      timeZone: s.timeZone,
      live: s.id === liveShow,
      orders: Number(row?.n ?? 0),
      firstEvent: row ? iso(row.first) : null,
      lastEvent: row ? iso(row.last) : null,
    };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One message the live show broadcast, as recorded in `on_air`. */
export interface OnAirRow {
  seq: number;
  kind: 'tick' | 'snapshot';
  sentAtMs: number;
  asOfMs: number;
  grossOrders: number;
  grossFen: Fen;
  netOrders: number;
  netFen: Fen;
  /** Server time of the newest commit on air (the watermark); null: none yet, or recorded before it was kept. */
  committedAtMs: number | null;
  newestEventMs: number | null;
  healthy: boolean;
  /** When the live state on air was built (a rebuild from the store dates a new one). */
  builtAtMs: number;
}

const msOrNull = (s: string | null) => (s === null ? null : Number(s));

/** The last message broadcast for a show at or before `atMs` (wall time), or null. */
export async function onAirAt(store: StoreHandle, show: string, atMs: number): Promise<OnAirRow | null> {
  const rs = await store.query({
    query: `SELECT toString(seq), toString(kind), toString(toUnixTimestamp64Milli(sent_at)),
                   toString(toUnixTimestamp64Milli(as_of)), toString(gross_orders), toString(gross_gmv),
                   toString(net_orders), toString(net_gmv),
                   if(isNull(committed_at), NULL, toString(toUnixTimestamp64Milli(assumeNotNull(committed_at)))),
                   if(isNull(newest_event), NULL, toString(toUnixTimestamp64Milli(assumeNotNull(newest_event)))),
                   toString(healthy), toString(toUnixTimestamp64Milli(built_at))
            FROM ${store.db}.on_air
            WHERE show = {show:String} AND sent_at <= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
            ORDER BY sent_at DESC, seq DESC LIMIT 1`,
    query_params: { show, at: atMs },
    format: 'JSONCompactEachRow',
  });
  type Row = [string, 'tick' | 'snapshot', string, string, string, string, string, string];
  const [r] = await rs.json<[...Row, string | null, string | null, string, string]>();
  if (!r) return null;
  return {
    seq: Number(r[0]),
    kind: r[1],
    sentAtMs: Number(r[2]),
    asOfMs: Number(r[3]),
    grossOrders: Number(r[4]),
    grossFen: exact(r[5]),
    netOrders: Number(r[6]),
    netFen: exact(r[7]),
    committedAtMs: msOrNull(r[8]),
    newestEventMs: msOrNull(r[9]),
    healthy: r[10] !== '0',
    builtAtMs: Number(r[11]),
  };
}
