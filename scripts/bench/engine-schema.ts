/**
 * The server's first schema migration (server/store/schema.ts), the settings its
 * writer sends with every INSERT (server/store/settings.ts) and its INSERT text
 * (server/store/orders.ts), copied because a script may not import the server:
 * the engine does the same work for each row (the orders part and three
 * materialized views). Keep in step with the server.
 */
const CHANNEL = "Enum8('mobile' = 1, 'pc' = 2, 'offline' = 3)";
const TYPE = "Enum8('sale' = 1, 'refund' = 2)";

export const ENGINE_DDL = [
  'CREATE DATABASE IF NOT EXISTS gmv',
  `CREATE TABLE gmv.orders (
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
  `CREATE TABLE gmv.gmv_by_second (
    show LowCardinality(String),
    second DateTime('UTC'),
    type ${TYPE},
    channel ${CHANNEL},
    orders UInt64,
    gmv Decimal(38, 2)
  ) ENGINE = SummingMergeTree((orders, gmv))
  ORDER BY (show, second, type, channel)`,
  `CREATE MATERIALIZED VIEW gmv.gmv_by_second_mv TO gmv.gmv_by_second AS
    SELECT show, toDateTime(toStartOfSecond(ts), 'UTC') AS second, type, channel,
           count() AS orders, sum(gmv) AS gmv
    FROM gmv.orders GROUP BY show, second, type, channel`,
  `CREATE TABLE gmv.gmv_by_minute (
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
  `CREATE MATERIALIZED VIEW gmv.gmv_by_minute_mv TO gmv.gmv_by_minute AS
    SELECT show, toStartOfMinute(ts) AS minute, type, channel, country, category,
           count() AS orders, sum(gmv) AS gmv
    FROM gmv.orders GROUP BY show, minute, type, channel, country, category`,
  `CREATE TABLE gmv.merchant_by_minute (
    show LowCardinality(String),
    minute DateTime('UTC'),
    type ${TYPE},
    merchant_id String,
    orders UInt64,
    gmv Decimal(38, 2)
  ) ENGINE = SummingMergeTree((orders, gmv))
  ORDER BY (show, minute, type, merchant_id)`,
  `CREATE MATERIALIZED VIEW gmv.merchant_by_minute_mv TO gmv.merchant_by_minute AS
    SELECT show, toStartOfMinute(ts) AS minute, type, merchant_id,
           count() AS orders, sum(gmv) AS gmv
    FROM gmv.orders WHERE merchant_id != '' GROUP BY show, minute, type, merchant_id`,
];

const INSERT_COLUMNS = [
  'show',
  'order_id',
  'type',
  'ts',
  'amount',
  'currency',
  'gmv',
  'country',
  'channel',
  'category',
  'merchant_id',
].join(', ');

/** The client-wide settings of the server's store (QUERY_SETTINGS). */
const CLIENT_SETTINGS: Record<string, string | number> = {
  output_format_json_quote_decimals: 1,
  output_format_json_quote_64bit_integers: 1,
  max_execution_time: 60,
  join_use_nulls: 0,
};

/** The settings of every INSERT of the server's writer (INSERT_SETTINGS). */
const INSERT_SETTINGS: Record<string, string | number> = {
  async_insert: 0,
  wait_for_async_insert: 1,
  max_insert_block_size: '1048576',
  min_insert_block_size_rows: '1048576',
  min_insert_block_size_bytes: '268435456',
  parallel_view_processing: 0,
  input_format_skip_unknown_fields: 0,
  date_time_input_format: 'basic',
  input_format_null_as_default: 0,
};

/**
 * How the settings travel with an INSERT:
 * - "clause": every setting in the statement's SETTINGS clause, one statement;
 * - "server": the query text the server's writer hands chDB today: the insert
 *   settings in the clause, and chdb/connection's `SET k = v;` statement for each
 *   client-wide setting in front of it.
 */
export type EngineStyle = 'clause' | 'server';

const literal = (v: string | number) => (typeof v === 'number' ? `${v}` : `'${v}'`);
const clause = (s: Record<string, string | number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} = ${literal(v)}`)
    .join(', ');

/** The INSERT statement with its TabSeparated rows inline. */
export function insertSql(style: EngineStyle, rows: string): string {
  const insert = (settings: Record<string, string | number>) =>
    `INSERT INTO gmv.orders (${INSERT_COLUMNS}) SETTINGS ${clause(settings)} FORMAT TabSeparated\n${rows}`;
  if (style === 'clause') return insert({ ...CLIENT_SETTINGS, ...INSERT_SETTINGS });
  const sets = Object.entries(CLIENT_SETTINGS).map(([k, v]) => `SET ${k} = ${literal(v)};`);
  return `${sets.join(' ')} ${insert(INSERT_SETTINGS)}`;
}
