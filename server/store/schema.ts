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
  ];
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
