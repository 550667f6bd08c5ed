import type { StoreHandle } from './client.js';

/**
 * Schema migrations, applied in order at start and recorded in schema_migrations.
 * Append new steps; never edit an applied one.
 */
export function migrations(db: string): string[][] {
  const CHANNEL = "Enum8('mobile' = 1, 'pc' = 2, 'offline' = 3)";
  const TYPE = "Enum8('sale' = 1, 'refund' = 2)";
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${db}.orders (
        show LowCardinality(String),
        order_id String,
        type ${TYPE},
        ts DateTime64(3, 'UTC'),
        amount Decimal(18, 2),
        currency LowCardinality(String),
        gmv Decimal(18, 2),
        country LowCardinality(String),
        channel ${CHANNEL},
        category LowCardinality(String),
        merchant_id String,
        ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
        INDEX ts_minmax ts TYPE minmax GRANULARITY 1
      ) ENGINE = MergeTree
      PARTITION BY show
      ORDER BY (show, order_id, type)`,
      // Per-second rollup: the board's series and totals, and the replay later.
      `CREATE TABLE IF NOT EXISTS ${db}.gmv_by_second (
        show LowCardinality(String),
        second DateTime('UTC'),
        type ${TYPE},
        channel ${CHANNEL},
        orders UInt64,
        gmv Decimal(38, 2)
      ) ENGINE = SummingMergeTree((orders, gmv))
      ORDER BY (show, second, type, channel)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.gmv_by_second_mv TO ${db}.gmv_by_second AS
        SELECT show, toDateTime(toStartOfSecond(ts), 'UTC') AS second, type, channel,
               count() AS orders, sum(gmv) AS gmv
        FROM ${db}.orders GROUP BY show, second, type, channel`,
      // Per-minute rollup by dimension: breakdowns for any range.
      `CREATE TABLE IF NOT EXISTS ${db}.gmv_by_minute (
        show LowCardinality(String),
        minute DateTime('UTC'),
        type ${TYPE},
        channel ${CHANNEL},
        country LowCardinality(String),
        category LowCardinality(String),
        orders UInt64,
        gmv Decimal(38, 2)
      ) ENGINE = SummingMergeTree((orders, gmv))
      ORDER BY (show, minute, type, channel, country, category)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.gmv_by_minute_mv TO ${db}.gmv_by_minute AS
        SELECT show, toStartOfMinute(ts) AS minute, type, channel, country, category,
               count() AS orders, sum(gmv) AS gmv
        FROM ${db}.orders GROUP BY show, minute, type, channel, country, category`,
      `CREATE TABLE IF NOT EXISTS ${db}.merchant_by_minute (
        show LowCardinality(String),
        minute DateTime('UTC'),
        type ${TYPE},
        merchant_id String,
        orders UInt64,
        gmv Decimal(38, 2)
      ) ENGINE = SummingMergeTree((orders, gmv))
      ORDER BY (show, minute, type, merchant_id)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.merchant_by_minute_mv TO ${db}.merchant_by_minute AS
        SELECT show, toStartOfMinute(ts) AS minute, type, merchant_id,
               count() AS orders, sum(gmv) AS gmv
        FROM ${db}.orders WHERE merchant_id != '' GROUP BY show, minute, type, merchant_id`,
    ],
    [
      // Per-dimension rollups (not the cross product): a board state or a breakdown at any
      // second sums whole minutes plus at most 59 seconds of a few hundred rows each.
      ...dimensionRollup(db, 'dims_by_second', 'second'),
      ...dimensionRollup(db, 'dims_by_minute', 'minute'),
      `CREATE TABLE IF NOT EXISTS ${db}.merchant_by_hour (
        show LowCardinality(String),
        hour DateTime('UTC'),
        type ${TYPE},
        merchant_id String,
        orders UInt64,
        gmv Decimal(38, 2)
      ) ENGINE = SummingMergeTree((orders, gmv))
      ORDER BY (show, hour, type, merchant_id)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.merchant_by_hour_mv TO ${db}.merchant_by_hour AS
        ${rollupSelect(db, 'merchant_by_hour')}`,
      // Orders by event time: exact time travel to the millisecond and milestone crossings
      // read one second of orders instead of scanning the show.
      `ALTER TABLE ${db}.orders ADD PROJECTION IF NOT EXISTS by_ts (SELECT show, ts, order_id, type, gmv ORDER BY show, ts)`,
      `ALTER TABLE ${db}.orders MATERIALIZE PROJECTION by_ts SETTINGS mutations_sync = 2`,
      // Every message the live show broadcast: what the wall showed, at any moment.
      `CREATE TABLE IF NOT EXISTS ${db}.on_air (
        show LowCardinality(String),
        seq UInt64,
        kind Enum8('tick' = 1, 'snapshot' = 2),
        sent_at DateTime64(3, 'UTC'),
        as_of DateTime64(3, 'UTC'),
        gross_orders UInt64,
        gross_gmv Decimal(38, 2),
        net_orders Int64,
        net_gmv Decimal(38, 2)
      ) ENGINE = MergeTree
      PARTITION BY show
      ORDER BY (show, sent_at, seq)`,
      // Rollups added after orders were stored start from them (truncated first, so a rerun is safe).
      ...(['dims_by_second', 'dims_by_minute', 'merchant_by_hour'] as const).flatMap((t) => [
        `TRUNCATE TABLE IF EXISTS ${db}.${t}`,
        `INSERT INTO ${db}.${t} SELECT * FROM (${rollupSelect(db, t)}) SETTINGS async_insert = 0`,
      ]),
    ],
  ];
}

/** Rollup tables fed from orders by a materialized view named `<table>_mv`. */
export const ROLLUPS = [
  'gmv_by_second',
  'gmv_by_minute',
  'merchant_by_minute',
  'dims_by_second',
  'dims_by_minute',
  'merchant_by_hour',
] as const;

function dimensionRollup(db: string, table: 'dims_by_second' | 'dims_by_minute', column: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${table} (
      show LowCardinality(String),
      ${column} DateTime('UTC'),
      type Enum8('sale' = 1, 'refund' = 2),
      dim Enum8('channel' = 1, 'country' = 2, 'category' = 3),
      key LowCardinality(String),
      orders UInt64,
      gmv Decimal(38, 2)
    ) ENGINE = SummingMergeTree((orders, gmv))
    ORDER BY (show, ${column}, type, dim, key)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${table}_mv TO ${db}.${table} AS
      ${rollupSelect(db, table)}`,
  ];
}

/** The SELECT of a rollup's view (migration 2 on), also run as its backfill. */
function rollupSelect(db: string, table: 'dims_by_second' | 'dims_by_minute' | 'merchant_by_hour'): string {
  if (table === 'merchant_by_hour') {
    return `SELECT show, toStartOfHour(ts) AS hour, type, merchant_id, count() AS orders, sum(gmv) AS gmv
      FROM ${db}.orders WHERE merchant_id != '' GROUP BY show, hour, type, merchant_id`;
  }
  const [column, bucket] =
    table === 'dims_by_second'
      ? ['second', "toDateTime(toStartOfSecond(ts), 'UTC')"]
      : ['minute', 'toStartOfMinute(ts)'];
  return `SELECT show, ${bucket} AS ${column}, type, dk.1 AS dim, dk.2 AS key, count() AS orders, sum(gmv) AS gmv
      FROM ${db}.orders
      ARRAY JOIN [('channel', toString(channel)), ('country', toString(country)), ('category', toString(category))] AS dk
      GROUP BY show, ${column}, type, dim, key`;
}
/** Creates the database and applies pending migrations. Returns the schema version. */
export async function migrate(store: StoreHandle): Promise<number> {
  const { client, db } = store;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
      version UInt32, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`,
  });
  const rs = await store.query({
    query: `SELECT max(version) AS v FROM ${db}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ v: number | string }>();
  let version = Number(row?.v ?? 0);
  const steps = migrations(db);
  for (let i = version; i < steps.length; i++) {
    for (const statement of steps[i] ?? []) await client.command({ query: statement });
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: i + 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
    version = i + 1;
  }
  return version;
}
