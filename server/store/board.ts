import { decimalToFenExact, formatFen } from '../../shared/money.js';
import type { TotalsPart } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import type { DimensionRow, RollupRow } from '../domain/board.js';
import type { StoreHandle } from './client.js';
import { Layout } from './layout.js';
import { ROLLUPS } from './schema.js';
import { insertSettings } from './settings.js';

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

/** A sum of gmv as read, never refused for its size: `fen`, and `bigFen` past 2^53 (see RollupRow). */
function fenSum(gmv: string): { fen: number; bigFen?: bigint } {
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

/** Gross and net of stored totals as the API shows them, exact whatever their size. */
export function totalsParts(t: ExactTotals): { gross: TotalsPart; net: TotalsPart } {
  const sale = t.saleBigFen ?? t.saleFen;
  const refund = t.refundBigFen ?? t.refundFen;
  // Two safe sums of sales and refunds: their difference is safe too.
  const net = typeof sale === 'number' && typeof refund === 'number' ? sale - refund : BigInt(sale) - BigInt(refund);
  return {
    gross: { gmv: formatFen(sale), orders: t.saleOrders },
    net: { gmv: formatFen(net), orders: t.saleOrders - t.refundOrders },
  };
}

/**
 * Gross fen per second since the show start, for a whole show (last year's curve). Doubles,
 * like the live series: exact while a second holds less than 2^53 fen, the nearest double beyond.
 */
export async function readSecondsFen(store: StoreHandle, show: Show): Promise<Float64Array> {
  const seconds = Math.ceil((show.endMs - show.startMs) / 1000);
  const rs = await store.query({
    query: `SELECT toInt64(toUnixTimestamp(second)) - {start:Int64} AS s, toString(sum(gmv)) AS gmv
            FROM ${store.db}.gmv_by_second
            WHERE show = {show:String} AND type = 'sale'
            GROUP BY s HAVING s >= 0 AND s < {seconds:Int64} ORDER BY s`,
    query_params: { show: show.id, start: Math.floor(show.startMs / 1000), seconds },
    format: 'JSONCompactEachRow',
  });
  const out = new Float64Array(seconds);
  for (const [s, gmv] of await rs.json<[string, string]>()) out[Number(s)] = Number(decimalToFenExact(gmv));
  return out;
}

/**
 * Derives a show's rollups again from its orders. Materialized views are not
 * transactional with the INSERT into orders: after a failed write the orders may
 * hold rows whose rollups never landed. On a cluster the rollups are emptied on
 * every shard and refilled through the Distributed tables from every shard's orders.
 */
export async function repairRollups(store: StoreHandle, show: string): Promise<void> {
  const { client, db } = store;
  const layout = new Layout(db, store.cluster);
  const sync = { mutations_sync: '2' };
  for (const table of ROLLUPS) {
    const view = `${table}_mv`;
    await client.command({
      query: `ALTER TABLE ${layout.mutable(table)} DELETE WHERE show = {show:String}`,
      query_params: { show },
      clickhouse_settings: sync,
    });
    // The view's own SELECT, run over the stored orders of this show.
    const rs = await store.query({
      query: `SELECT as_select FROM system.tables WHERE database = {db:String} AND name = {view:String}`,
      query_params: { db, view },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ as_select: string }>();
    if (!row) throw new Error(`view ${view} not found`);
    await client.command({
      query: `INSERT INTO ${db}.${table} SELECT * FROM (${layout.acrossShards(row.as_select)}) WHERE show = {show:String}`,
      query_params: { show },
      clickhouse_settings: insertSettings(store.cluster, { async_insert: 0 }),
    });
  }
}

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
