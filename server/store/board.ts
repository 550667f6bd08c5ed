import { decimalToFenExact } from '../../shared/money.js';
import type { Show } from '../../shared/show.js';
import type { DimensionRow, RollupRow } from '../domain/board.js';
import type { FenTotals } from '../domain/figures.js';
import type { StoreHandle } from './client.js';

/** Whole-show sums: one past 2^53 fen carries its exact value in `bigFen` (see RollupRow). */
export interface StoredBoard {
  seconds: RollupRow[];
  dimensions: DimensionRow[];
  newestEventMs: number | null;
  /** When the newest stored order was committed, epoch ms. */
  committedAtMs: number | null;
}

/**
 * Reads what the board needs from the rollups: the source of truth for the live state.
 * Whole-show sums take the coarsest rollup that holds them: channel, country and
 * category from dims_by_minute, merchants from merchant_by_hour (24 rows a merchant
 * a day, not 1,440).
 */
export async function readBoard(store: StoreHandle, show: Show): Promise<StoredBoard> {
  const { db } = store;
  const params = { show: show.id, start: Math.floor(show.startMs / 1000) };
  const secondsRs = await store.query({
    query: `SELECT toInt64(toUnixTimestamp(second)) - {start:Int64} AS s, toString(type) AS type,
                   toString(sum(orders)) AS orders, toString(sum(gmv)) AS gmv
            FROM ${db}.gmv_by_second WHERE show = {show:String}
            GROUP BY s, type ORDER BY s`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  const seconds = (await secondsRs.json<[string, 'sale' | 'refund', string, string]>()).map(
    ([s, type, orders, gmv]): RollupRow => ({ second: Number(s), type, orders: Number(orders), ...fenSum(gmv) }),
  );

  const dimRs = await store.query({
    query: `SELECT toString(dim) AS d, toString(key) AS k, toString(sum(orders)), toString(sum(gmv))
              FROM ${db}.dims_by_minute WHERE show = {show:String} AND type = 'sale' GROUP BY d, k
            UNION ALL
            SELECT 'merchant', merchant_id AS k, toString(sum(orders)), toString(sum(gmv))
              FROM ${db}.merchant_by_hour WHERE show = {show:String} AND type = 'sale' GROUP BY k`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  const dimensions = (await dimRs.json<[DimensionRow['dimension'], string, string, string]>()).map(
    ([dimension, key, orders, gmv]): DimensionRow => ({ dimension, key, orders: Number(orders), ...fenSum(gmv) }),
  );

  const newestRs = await store.query({
    query: `SELECT toString(toUnixTimestamp64Milli(max(ts))) AS ms,
                   toString(toUnixTimestamp64Milli(max(ingested_at))) AS committed, count() > 0 AS any
            FROM ${db}.orders WHERE show = {show:String}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const [newest] = await newestRs.json<{ ms: string; committed: string; any: number | boolean }>();
  const any = newest !== undefined && Boolean(Number(newest.any));
  return {
    seconds,
    dimensions,
    newestEventMs: any ? Number(newest.ms) : null,
    committedAtMs: any ? Number(newest.committed) : null,
  };
}

/**
 * A sum of gmv as ClickHouse prints it, never refused for its size: `fen`, and `bigFen` past
 * 2^53 (see RollupRow). Every reader of the store reads its sums through it.
 */
export function fenSum(gmv: string): { fen: number; bigFen?: bigint } {
  const fen = decimalToFenExact(gmv);
  return typeof fen === 'number' ? { fen } : { fen: Number(fen), bigFen: fen };
}

export interface StoredTotals {
  saleOrders: number;
  /** Sales GMV in fen: exact below 2^53, the nearest double beyond (see ExactTotals). */
  saleFen: number;
  refundOrders: number;
  refundFen: number;
}

/** StoredTotals as read from the store: sums past 2^53 fen also exactly. */
export interface ExactTotals extends StoredTotals {
  /** The exact sums, set only when they passed 2^53 fen. */
  saleBigFen?: bigint;
  refundBigFen?: bigint;
}

/** Totals of a stored show (one not on air here), from the per-second rollup. */
export async function readTotals(store: StoreHandle, showId: string): Promise<ExactTotals> {
  const rs = await store.query({
    // From the per-second rollup: a few rows per second of the show, not every order.
    query: `SELECT toString(sumIf(orders, type = 'sale')) AS so, toString(sumIf(gmv, type = 'sale')) AS sf,
                   toString(sumIf(orders, type = 'refund')) AS ro, toString(sumIf(gmv, type = 'refund')) AS rf
            FROM ${store.db}.gmv_by_second WHERE show = {show:String}`,
    query_params: { show: showId },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<TotalsRow>();
  return storedTotals(r);
}

/** A totals row as read: sale and refund counts and sums (decimal strings), aliased so, sf, ro, rf. */
export interface TotalsRow {
  so: string;
  sf: string;
  ro: string;
  rf: string;
}

/** A totals row as StoredTotals; no row (nothing matched) is all zeros. */
export function storedTotals(r: TotalsRow | undefined): ExactTotals {
  const sale = fenSum(r?.sf ?? '0');
  const refund = fenSum(r?.rf ?? '0');
  const t: ExactTotals = {
    saleOrders: Number(r?.so ?? 0),
    saleFen: sale.fen,
    refundOrders: Number(r?.ro ?? 0),
    refundFen: refund.fen,
  };
  if (sale.bigFen !== undefined) t.saleBigFen = sale.bigFen;
  if (refund.bigFen !== undefined) t.refundBigFen = refund.bigFen;
  return t;
}

/** Sales and refunds of stored totals, exact whatever their size. */
export function salesAndRefunds(t: ExactTotals): { sales: FenTotals; refunds: FenTotals } {
  return {
    sales: { orders: t.saleOrders, fen: t.saleBigFen ?? t.saleFen },
    refunds: { orders: t.refundOrders, fen: t.refundBigFen ?? t.refundFen },
  };
}

/**
 * Gross fen per second since the show start, for a whole show (last year's curve). Doubles,
 * like the live series: exact while a second holds less than 2^53 fen, the nearest double beyond.
 */
export async function readSecondsFen(store: StoreHandle, show: Show): Promise<Float64Array> {
  return (await readSecondSums(store, show)).fen;
}

/**
 * Gross fen and sales orders per second since the show start, for a whole show: one read of
 * gmv_by_second (the board's last-year curve, the feed watch's band). Two doubles a second.
 */
export async function readSecondSums(
  store: StoreHandle,
  show: Show,
): Promise<{ fen: Float64Array; orders: Float64Array }> {
  const seconds = Math.ceil((show.endMs - show.startMs) / 1000);
  const rs = await store.query({
    query: `SELECT toInt64(toUnixTimestamp(second)) - {start:Int64} AS s, toString(sum(gmv)) AS gmv,
                   toString(sum(orders)) AS orders
            FROM ${store.db}.gmv_by_second
            WHERE show = {show:String} AND type = 'sale'
            GROUP BY s HAVING s >= 0 AND s < {seconds:Int64} ORDER BY s`,
    query_params: { show: show.id, start: Math.floor(show.startMs / 1000), seconds },
    format: 'JSONCompactEachRow',
  });
  const fen = new Float64Array(seconds);
  const orders = new Float64Array(seconds);
  for (const [s, gmv, n] of await rs.json<[string, string, string]>()) {
    fen[Number(s)] = Number(decimalToFenExact(gmv));
    orders[Number(s)] = Number(n);
  }
  return { fen, orders };
}

/** Moved to repair.ts (built, then swapped in); here for its older importers. */
export { repairRollups } from './repair.js';

/** Sales of one key of a breakdown, as stored. */
export interface StoredTally {
  orders: number;
  fen: number;
}

/** What reconciliation compares with the live state, read from the rollups at one moment. */
export interface StoredFigures {
  totals: StoredTotals;
  /** Sales by key of channel, country and category: every key of the show. */
  breakdowns: Record<'channel' | 'country' | 'category', Map<string, StoredTally>>;
  /** Sales of the `top` first merchants by sales GMV (ties by id) and of every merchant in `merchants`. */
  merchants: Map<string, StoredTally>;
}

/**
 * The figures reconciliation checks, in one read of the rollups the live state is rebuilt
 * from (never the raw orders): totals by type from gmv_by_second; channel, country and
 * category from dims_by_minute; merchants from merchant_by_hour, ranked by the engine, so only
 * the first `top` and the ones asked for come back, however many merchants sold. One query,
 * so one round trip while the caller holds the writer at a quiet point (between two INSERTs).
 */
export async function readReconcileFigures(
  store: StoreHandle,
  showId: string,
  top: number,
  merchants: readonly string[],
): Promise<StoredFigures> {
  const { db } = store;
  const rs = await store.query({
    query: `SELECT 'total' AS d, toString(type) AS k, toString(sum(orders)) AS o, toString(sum(gmv)) AS g
              FROM ${db}.gmv_by_second WHERE show = {show:String} GROUP BY type
            UNION ALL
            SELECT toString(dim), toString(key), toString(sum(orders)), toString(sum(gmv))
              FROM ${db}.dims_by_minute WHERE show = {show:String} AND type = 'sale' GROUP BY dim, key
            UNION ALL
            SELECT 'merchant', k, toString(o), toString(g) FROM (
              SELECT merchant_id AS k, sum(orders) AS o, sum(gmv) AS g,
                     row_number() OVER (ORDER BY sum(gmv) DESC, merchant_id) AS r
                FROM ${db}.merchant_by_hour WHERE show = {show:String} AND type = 'sale' GROUP BY merchant_id
            ) WHERE r <= {top:UInt32} OR has({keys:Array(String)}, k)`,
    query_params: { show: showId, top, keys: merchants },
    format: 'JSONCompactEachRow',
  });
  const out: StoredFigures = {
    totals: { saleOrders: 0, saleFen: 0, refundOrders: 0, refundFen: 0 },
    breakdowns: { channel: new Map(), country: new Map(), category: new Map() },
    merchants: new Map(),
  };
  for (const [d, k, o, g] of await rs.json<[string, string, string, string]>()) {
    const orders = Number(o);
    // Past 2^53 fen the nearest double, as the live side gives it (LiveBoard.grossFen): never refused.
    const fen = Number(decimalToFenExact(g));
    if (d === 'total') {
      if (k === 'refund') {
        out.totals.refundOrders = orders;
        out.totals.refundFen = fen;
      } else {
        out.totals.saleOrders = orders;
        out.totals.saleFen = fen;
      }
    } else if (d === 'merchant') out.merchants.set(k, { orders, fen });
    else if (d === 'channel' || d === 'country' || d === 'category') out.breakdowns[d].set(k, { orders, fen });
  }
  return out;
}
