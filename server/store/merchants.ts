import type { MerchantRecord } from '../../shared/merchants.js';
import type { StoreHandle } from './client.js';
import { insertSettings } from './settings.js';

/** Merchants per INSERT: a few MB of JSON at most. */
const ROWS_PER_INSERT = 20_000;

/**
 * Stores merchants' reference data in `merchants` (ReplacingMergeTree by loaded_at): a merchant
 * loaded again replaces its former row, every other merchant stays. Synchronous INSERTs.
 */
export async function insertMerchants(
  store: StoreHandle,
  merchants: readonly MerchantRecord[],
  loadedAtMs: number,
): Promise<void> {
  // DateTime64(3, 'UTC') as text: 2026-11-11 00:00:00.123
  const loaded_at = new Date(loadedAtMs).toISOString().replace('T', ' ').replace('Z', '');
  for (let i = 0; i < merchants.length; i += ROWS_PER_INSERT) {
    await store.client.insert({
      table: `${store.db}.merchants`,
      values: merchants.slice(i, i + ROWS_PER_INSERT).map((m) => ({ ...m, loaded_at })),
      format: 'JSONEachRow',
      clickhouse_settings: insertSettings(store.cluster, { async_insert: 0 }),
    });
  }
}

/** The latest row of each merchant (exact before merges: argMax by loaded_at). */
const LATEST = (db: string, where = '') => `
  SELECT id, argMax(name, loaded_at) AS name, toString(argMax(province, loaded_at)) AS province,
         argMax(city, loaded_at) AS city, argMax(lon, loaded_at) AS lon, argMax(lat, loaded_at) AS lat
  FROM ${db}.merchants ${where} GROUP BY id`;

/** What changes when merchants are loaded: how many rows, and the latest load (a cheap read, for polling). */
export async function merchantsVersion(store: StoreHandle): Promise<string> {
  const rs = await store.query({
    query: `SELECT concat(toString(count()), '@', toString(max(loaded_at))) AS v FROM ${store.db}.merchants`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ v: string }>();
  return row?.v ?? '';
}

/** Every merchant's latest reference data (for the live board's directory: ~100 bytes each in memory). */
export async function readMerchants(store: StoreHandle): Promise<MerchantRecord[]> {
  const rs = await store.query({ query: LATEST(store.db), format: 'JSONCompactEachRow' });
  return (await rs.json<[string, string, string, string, number | null, number | null]>()).map(
    ([id, name, province, city, lon, lat]) => ({ id, name, province, city, lon, lat }),
  );
}

/** The display names of the given merchants that the reference data knows, by id (joined in the engine). */
export async function merchantNames(store: StoreHandle, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rs = await store.query({
    query: `SELECT k, m.name FROM (SELECT arrayJoin({ids:Array(String)}) AS k) AS r
            INNER JOIN (${LATEST(store.db, 'WHERE id IN {ids:Array(String)}')}) AS m ON m.id = r.k`,
    query_params: { ids },
    format: 'JSONCompactEachRow',
  });
  return new Map(await rs.json<[string, string]>());
}
