import type { Fen } from '../../shared/money.js';
import type { StoreHandle } from './client.js';
import { exact } from './history.js';

/** The last frame recorded for a show at or before `atMs`: its message's seq and time, and its JSON. */
export async function onAirFrameAt(
  store: StoreHandle,
  show: string,
  atMs: number,
): Promise<{ seq: number; sentAtMs: number; json: string } | null> {
  const rs = await store.query({
    query: `SELECT toString(seq), toString(toUnixTimestamp64Milli(sent_at)), frame
            FROM ${store.db}.on_air_frames
            WHERE show = {show:String} AND sent_at <= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
            ORDER BY sent_at DESC, seq DESC LIMIT 1`,
    query_params: { show, at: atMs },
    format: 'JSONCompactEachRow',
  });
  const [r] = await rs.json<[string, string, string]>();
  return r ? { seq: Number(r[0]), sentAtMs: Number(r[1]), json: r[2] } : null;
}

/** Orders and fen of sales and refunds. */
export interface SplitLedger {
  sales: { orders: number; fen: Fen };
  refunds: { orders: number; fen: Fen };
}

/**
 * The orders on either side of a broadcast's watermark that its instant's truth counts
 * differently: `late` (event time ≤ at, committed after the watermark: ingested_at > w) and
 * `early` (event time > at, committed by it). `w` null: nothing was committed then, every order
 * up to `at` is late. Reads the show's orders through the minmax indexes on ts and ingested_at.
 */
export async function watermarkSplit(
  store: StoreHandle,
  show: string,
  atMs: number,
  w: number | null,
): Promise<{ late: SplitLedger; early: SplitLedger }> {
  const rs = await store.query({
    query: `WITH fromUnixTimestamp64Milli({at:Int64}, 'UTC') AS cut, fromUnixTimestamp64Milli({w:Int64}, 'UTC') AS mark
            SELECT toString(type) AS t,
                   toString(countIf(ts <= cut)) AS lo, toString(sumIf(gmv, ts <= cut)) AS lg,
                   toString(countIf(ts > cut)) AS eo, toString(sumIf(gmv, ts > cut)) AS eg
            FROM ${store.db}.orders
            WHERE show = {show:String} AND ((ts <= cut AND ingested_at > mark) OR (ts > cut AND ingested_at <= mark))
            GROUP BY type`,
    query_params: { show, at: atMs, w: w ?? 0 },
    format: 'JSONCompactEachRow',
  });
  const empty = (): SplitLedger => ({ sales: { orders: 0, fen: 0 }, refunds: { orders: 0, fen: 0 } });
  const out = { late: empty(), early: empty() };
  for (const [t, lo, lg, eo, eg] of await rs.json<[string, string, string, string, string]>()) {
    const side = t === 'refund' ? 'refunds' : 'sales';
    out.late[side] = { orders: Number(lo), fen: exact(lg) };
    out.early[side] = { orders: Number(eo), fen: exact(eg) };
  }
  return out;
}

/** Builds of the live state recorded after the broadcast at `sentAtMs` (each after a rebuild from the store or a restart). */
export async function rebuildsSince(
  store: StoreHandle,
  show: string,
  sentAtMs: number,
  builtAtMs: number,
): Promise<number> {
  const rs = await store.query({
    query: `SELECT toString(uniqExact(built_at)) FROM ${store.db}.on_air
            WHERE show = {show:String} AND sent_at > fromUnixTimestamp64Milli({sent:Int64}, 'UTC')
              AND built_at > fromUnixTimestamp64Milli({built:Int64}, 'UTC')`,
    query_params: { show, sent: sentAtMs, built: builtAtMs },
    format: 'JSONCompactEachRow',
  });
  const [r] = await rs.json<[string]>();
  return Number(r?.[0] ?? 0);
}
