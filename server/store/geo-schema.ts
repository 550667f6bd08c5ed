import type { Layout } from './layout.js';

/** The dimensions of dims_by_second and dims_by_minute from the geo migration on. */
const DIM_ENUM = "Enum8('channel' = 1, 'country' = 2, 'category' = 3, 'province' = 4, 'city' = 5)";

/**
 * The migration for the buyer's province and city and the merchants' reference data (issue #15):
 * - orders get `province` (GB/T 2260 code) and `city`, '' when not sent (all orders stored before);
 * - dims_by_second and dims_by_minute (and their repair tables) get the dimensions `province` and
 *   `city`, fed by their views only for orders that carry one (no '' key), so every range query,
 *   the live rebuild and a repair read them as they read a country;
 * - `merchants`: id, display name, province, city and location, one row per id (the latest load
 *   wins: ReplacingMergeTree by loaded_at; reads take argMax, so they are exact before merges).
 * The views are dropped and created again: run at start, before ingest (as every migration).
 */
export function geoStep(t: Layout): string[] {
  const both = (name: string): string[] => (t.cluster ? [t.local(name), `${t.db}.${name}`] : [`${t.db}.${name}`]);
  return [
    ...both('orders').map(
      (table) =>
        `ALTER TABLE ${table}${t.on} ADD COLUMN IF NOT EXISTS province LowCardinality(String) DEFAULT '', ` +
        `ADD COLUMN IF NOT EXISTS city String DEFAULT ''`,
    ),
    ...(['dims_by_second', 'dims_by_minute'] as const).flatMap((r) => [
      ...[...both(r), ...both(`${r}_repair`)].map(
        (table) => `ALTER TABLE ${table}${t.on} MODIFY COLUMN dim ${DIM_ENUM}`,
      ),
      `DROP VIEW IF EXISTS ${t.db}.${r}_mv${t.on} SYNC`,
      t.view(r, (from) => `\n      ${geoRollupSelect(from, r)}`),
    ]),
    ...t.table({
      name: 'merchants',
      columns: `(
        id String,
        name String,
        province LowCardinality(String),
        city String,
        lon Nullable(Float64),
        lat Nullable(Float64),
        loaded_at DateTime64(3, 'UTC')
      )`,
      engine: 'ReplacingMergeTree(loaded_at)',
      keys: `
      ORDER BY id`,
      shardBy: 'cityHash64(id)',
    }),
  ];
}

/** The SELECT of dims_by_second's or dims_by_minute's view from the geo migration on. */
export function geoRollupSelect(from: string, table: 'dims_by_second' | 'dims_by_minute'): string {
  const [column, bucket] =
    table === 'dims_by_second'
      ? ['second', "toDateTime(toStartOfSecond(ts), 'UTC')"]
      : ['minute', 'toStartOfMinute(ts)'];
  return `SELECT show, ${bucket} AS ${column}, type, dk.1 AS dim, dk.2 AS key, count() AS orders, sum(gmv) AS gmv
      FROM ${from}
      ARRAY JOIN arrayConcat(
        [('channel', toString(channel)), ('country', toString(country)), ('category', toString(category))],
        if(province = '', [], [('province', toString(province))]),
        if(city = '', [], [('city', city)])) AS dk
      GROUP BY show, ${column}, type, dim, key`;
}
