import type { StoreHandle } from './client.js';
import { geoStep } from './geo-schema.js';
import { Layout } from './layout.js';
import { insertSettings, settingsClause } from './settings.js';

const CHANNEL = "Enum8('mobile' = 1, 'pc' = 2, 'offline' = 3)";
const TYPE = "Enum8('sale' = 1, 'refund' = 2)";

/**
 * Schema migrations, applied in order at start and recorded in schema_migrations.
 * Append new steps; never edit an applied one. With a cluster the same steps
 * produce the replicated, sharded layout (see Layout); without one the output is
 * exactly what it always was.
 */
export function migrations(db: string, cluster: string | null = null): string[][] {
  const t = new Layout(db, cluster);
  return [
    [
      ...t.table({
        name: 'orders',
        columns: `(
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
      )`,
        engine: 'MergeTree',
        keys: `
      PARTITION BY show
      ORDER BY (show, order_id, type)`,
        // An order and its retries land on one shard, where the dedup read finds them.
        shardBy: 'cityHash64(order_id)',
      }),
      // Per-second rollup: the board's series and totals, and the replay later.
      ...t.table({
        name: 'gmv_by_second',
        columns: `(
        show LowCardinality(String),
        second DateTime('UTC'),
        type ${TYPE},
        channel ${CHANNEL},
        orders UInt64,
        gmv Decimal(38, 2)
      )`,
        engine: 'SummingMergeTree((orders, gmv))',
        keys: `
      ORDER BY (show, second, type, channel)`,
      }),
      t.view(
        'gmv_by_second',
        (from) => `
        SELECT show, toDateTime(toStartOfSecond(ts), 'UTC') AS second, type, channel,
               count() AS orders, sum(gmv) AS gmv
        FROM ${from} GROUP BY show, second, type, channel`,
      ),
      // Per-minute rollup by dimension: breakdowns for any range.
      ...t.table({
        name: 'gmv_by_minute',
        columns: `(
        show LowCardinality(String),
        minute DateTime('UTC'),
        type ${TYPE},
        channel ${CHANNEL},
        country LowCardinality(String),
        category LowCardinality(String),
        orders UInt64,
        gmv Decimal(38, 2)
      )`,
        engine: 'SummingMergeTree((orders, gmv))',
        keys: `
      ORDER BY (show, minute, type, channel, country, category)`,
      }),
      t.view(
        'gmv_by_minute',
        (from) => `
        SELECT show, toStartOfMinute(ts) AS minute, type, channel, country, category,
               count() AS orders, sum(gmv) AS gmv
        FROM ${from} GROUP BY show, minute, type, channel, country, category`,
      ),
      ...merchantRollup(t, 'merchant_by_minute', 'minute'),
      t.view(
        'merchant_by_minute',
        (from) => `
        SELECT show, toStartOfMinute(ts) AS minute, type, merchant_id,
               count() AS orders, sum(gmv) AS gmv
        FROM ${from} WHERE merchant_id != '' GROUP BY show, minute, type, merchant_id`,
      ),
    ],
    [
      // Per-dimension rollups (not the cross product): a board state or a breakdown at any
      // second sums whole minutes plus at most 59 seconds of a few hundred rows each.
      ...dimensionRollup(t, 'dims_by_second', 'second'),
      ...dimensionRollup(t, 'dims_by_minute', 'minute'),
      ...merchantRollup(t, 'merchant_by_hour', 'hour'),
      t.view(
        'merchant_by_hour',
        (from) => `
        ${rollupSelect(from, 'merchant_by_hour')}`,
      ),
      // Orders by event time: exact time travel to the millisecond and milestone crossings
      // read one second of orders instead of scanning the show. (On a cluster: on each shard.)
      `ALTER TABLE ${t.mutable('orders')} ADD PROJECTION IF NOT EXISTS by_ts (SELECT show, ts, order_id, type, gmv ORDER BY show, ts)`,
      `ALTER TABLE ${t.mutable('orders')} MATERIALIZE PROJECTION by_ts SETTINGS mutations_sync = 2`,
      // Every message the live show broadcast: what the wall showed, at any moment.
      ...t.table({
        name: 'on_air',
        columns: `(
        show LowCardinality(String),
        seq UInt64,
        kind Enum8('tick' = 1, 'snapshot' = 2),
        sent_at DateTime64(3, 'UTC'),
        as_of DateTime64(3, 'UTC'),
        gross_orders UInt64,
        gross_gmv Decimal(38, 2),
        net_orders Int64,
        net_gmv Decimal(38, 2)
      )`,
        engine: 'MergeTree',
        keys: `
      PARTITION BY show
      ORDER BY (show, sent_at, seq)`,
        // A show's record on one shard: read in order without merging shards.
        shardBy: 'cityHash64(show)',
      }),
      // Rollups added after orders were stored start from them (truncated first, so a rerun is safe).
      // On a cluster: truncated on every node, refilled through the Distributed tables from all orders.
      ...(['dims_by_second', 'dims_by_minute', 'merchant_by_hour'] as const).flatMap((r) => [
        `TRUNCATE TABLE IF EXISTS ${t.mutable(r)}`,
        `INSERT INTO ${db}.${r} SELECT * FROM (${rollupSelect(`${db}.orders`, r)}) SETTINGS ${settingsClause(insertSettings(cluster, { async_insert: 0 }))}`,
      ]),
    ],
    [
      // Less work per INSERT: a rollup that repeats another goes, its readers moved first.
      // gmv_by_minute (the channel × country × category cross product per minute) was read
      // only by the live rebuild, which now sums dims_by_minute (one row per key, not per triple).
      // gmv_by_second stays although dims_by_second's channel rows hold the same sums: its view
      // costs an INSERT little, and every whole-show per-second read (rebuild, last year's curve,
      // replays, 1 s series) would read all of dims_by_second's keys instead, ~8x the rows.
      ...t.dropRollup('gmv_by_minute'),
    ],
    [
      // Shows whose rollups a failed INSERT may have left short of their orders (see
      // server/store/repair.ts): written before their repair, cleared only after it, so a
      // crash before or during a repair repeats it at the next start.
      ...t.table({
        name: 'rollup_repairs',
        columns: `(
        show String,
        marked_at DateTime64(3, 'UTC')
      )`,
        engine: 'MergeTree',
        keys: `
      ORDER BY (show, marked_at)`,
      }),
    ],
    // Each rollup partitioned by show, so a repair can swap in a show's rows at once (see
    // server/store/repair.ts), and its staging table `<rollup>_repair`, alike.
    ROLLUPS.flatMap((r) => partitionByShow(t, r)),
    // Every action of the director's console (server/director/): who, when, what.
    t.table({
      name: 'director_actions',
      columns: `(
        show LowCardinality(String),
        at DateTime64(3, 'UTC'),
        who String,
        action LowCardinality(String),
        scene LowCardinality(String),
        milestone String,
        rev UInt64,
        held_seq Nullable(Int64)
      )`,
      engine: 'MergeTree',
      keys: `
      ORDER BY (show, at)`,
    }),
    // Armed milestone cues (server/director/): an arm's mode, and the crossing a cue's take put on air.
    [
      ...(t.cluster ? [t.local('director_actions'), `${db}.director_actions`] : [`${db}.director_actions`]).map(
        (table) =>
          `ALTER TABLE ${table}${t.on} ADD COLUMN IF NOT EXISTS mode LowCardinality(String) DEFAULT '', ` +
          `ADD COLUMN IF NOT EXISTS crossed_at Nullable(DateTime64(3, 'UTC'))`,
      ),
    ],
    // Run-of-show marks (server/store/marks.ts): a row when a mark is made, and a copy of it with
    // deleted = 1 when it is removed (a tombstone); reads group by the mark, so they are exact
    // before and after merges, on a cluster too.
    t.table({
      name: 'show_marks',
      columns: `(
        show LowCardinality(String),
        id UUID,
        at DateTime64(3, 'UTC'),
        kind Enum8('act' = 1, 'coupon' = 2, 'line' = 3, 'other' = 4),
        label String,
        who String,
        created_at DateTime64(3, 'UTC'),
        deleted UInt8
      )`,
      engine: 'MergeTree',
      keys: `
      ORDER BY (show, id)`,
    }),
    // Devices subscribed to Web Push on /exec (server/store/push.ts): a row when one subscribes (again),
    // a copy with deleted = 1 when it leaves or its push service says it is gone; the newest row of an
    // endpoint says whether it is subscribed, exact before and after merges.
    t.table({
      name: 'push_subscriptions',
      columns: `(
        endpoint String,
        p256dh String,
        auth String,
        at DateTime64(3, 'UTC'),
        deleted UInt8
      )`,
      engine: 'MergeTree',
      keys: `
      ORDER BY (endpoint, at)`,
    }),
    // The on-air record, complete (server/live/record.ts, docs/audit.md): each broadcast's commit
    // watermark, newest event, health and live-state build, and the heavy parts (rankings,
    // milestones, program) in on_air_frames, at most once a second. Kept ON_AIR_RETENTION_DAYS:
    // each row carries the days it is kept (the setting when written), the TTL reads them.
    // Orders get a minmax index on ingested_at, so the audit's "arrived after the broadcast" reads
    // the recent parts only.
    [
      ...(t.cluster ? [t.local('on_air'), `${db}.on_air`] : [`${db}.on_air`]).map(
        (table) =>
          `ALTER TABLE ${table}${t.on} ADD COLUMN IF NOT EXISTS committed_at Nullable(DateTime64(3, 'UTC')), ` +
          `ADD COLUMN IF NOT EXISTS newest_event Nullable(DateTime64(3, 'UTC')), ` +
          `ADD COLUMN IF NOT EXISTS healthy UInt8 DEFAULT 1, ` +
          `ADD COLUMN IF NOT EXISTS built_at DateTime64(3, 'UTC') DEFAULT 0, ` +
          `ADD COLUMN IF NOT EXISTS keep_days UInt16 DEFAULT 400`,
      ),
      `ALTER TABLE ${t.mutable('on_air')} MODIFY TTL toDateTime(sent_at) + toIntervalDay(keep_days)`,
      ...t.table({
        name: 'on_air_frames',
        columns: `(
        show LowCardinality(String),
        seq UInt64,
        sent_at DateTime64(3, 'UTC'),
        frame String,
        keep_days UInt16
      )`,
        engine: 'MergeTree',
        keys: `
      PARTITION BY show
      ORDER BY (show, sent_at, seq)
      TTL toDateTime(sent_at) + toIntervalDay(keep_days)`,
        shardBy: 'cityHash64(show)',
      }),
      `ALTER TABLE ${t.mutable('orders')} ADD INDEX IF NOT EXISTS ingested_minmax ingested_at TYPE minmax GRANULARITY 1`,
      `ALTER TABLE ${t.mutable('orders')} MATERIALIZE INDEX ingested_minmax SETTINGS mutations_sync = 2`,
    ],
    // The buyer's province and city, and the merchants' reference data (server/store/geo-schema.ts).
    geoStep(t),
  ];
}

/** The sorting key of each rollup, as migrations 1 and 2 made it. */
const ROLLUP_ORDER: Record<Rollup, string> = {
  gmv_by_second: '(show, second, type, channel)',
  merchant_by_minute: '(show, minute, type, merchant_id)',
  dims_by_second: '(show, second, type, dim, key)',
  dims_by_minute: '(show, minute, type, dim, key)',
  merchant_by_hour: '(show, hour, type, merchant_id)',
};

/**
 * A rollup again, partitioned by show, its rows kept (copied to `<r>_swap`, then the two
 * exchanged: the view feeds whichever table has the name), and its staging table.
 * Rerun from any point it ends the same: a half copy or the old table under `<r>_swap` goes
 * first, a table already partitioned is copied once more. On a cluster the copy's replication
 * path is new each time ({uuid}): the one it gets is then the rollup's own.
 */
function partitionByShow(t: Layout, r: Rollup): string[] {
  const swap = `${r}_swap`;
  const spec = {
    like: r,
    engine: 'SummingMergeTree((orders, gmv))',
    keys: `PARTITION BY show ORDER BY ${ROLLUP_ORDER[r]}`,
  } as const;
  const drop = [
    ...(t.cluster ? [`DROP TABLE IF EXISTS ${t.db}.${swap}${t.on} SYNC`] : []),
    `DROP TABLE IF EXISTS ${t.local(swap)}${t.on} SYNC`,
  ];
  return [
    ...drop,
    ...t.tableLike({ ...spec, name: swap, path: '/clickhouse/tables/{uuid}/{shard}' }),
    `INSERT INTO ${t.db}.${swap} SELECT * FROM ${t.db}.${r} SETTINGS ${settingsClause(insertSettings(t.cluster, { async_insert: 0 }))}`,
    `EXCHANGE TABLES ${t.local(swap)} AND ${t.local(r)}${t.on}`,
    ...drop,
    ...t.tableLike({ ...spec, name: `${r}_repair` }),
  ];
}

/** Rollup tables fed from orders by a materialized view named `<table>_mv`. */
export const ROLLUPS = [
  'gmv_by_second',
  'merchant_by_minute',
  'dims_by_second',
  'dims_by_minute',
  'merchant_by_hour',
] as const;
export type Rollup = (typeof ROLLUPS)[number];

/** A table of sales by merchant per `column` (merchant_by_minute in migration 1, merchant_by_hour in 2). */
function merchantRollup(
  t: Layout,
  name: 'merchant_by_minute' | 'merchant_by_hour',
  column: 'minute' | 'hour',
): string[] {
  // The DDL's text, white space included, is what migrations 1 and 2 always wrote.
  return t.table({
    name,
    columns: `(
        show LowCardinality(String),
        ${column} DateTime('UTC'),
        type ${TYPE},
        merchant_id String,
        orders UInt64,
        gmv Decimal(38, 2)
      )`,
    engine: 'SummingMergeTree((orders, gmv))',
    keys: `
      ORDER BY (show, ${column}, type, merchant_id)`,
  });
}

function dimensionRollup(t: Layout, table: 'dims_by_second' | 'dims_by_minute', column: string): string[] {
  return [
    ...t.table({
      name: table,
      columns: `(
      show LowCardinality(String),
      ${column} DateTime('UTC'),
      type Enum8('sale' = 1, 'refund' = 2),
      dim Enum8('channel' = 1, 'country' = 2, 'category' = 3),
      key LowCardinality(String),
      orders UInt64,
      gmv Decimal(38, 2)
    )`,
      engine: 'SummingMergeTree((orders, gmv))',
      keys: `
    ORDER BY (show, ${column}, type, dim, key)`,
    }),
    t.view(
      table,
      (from) => `
      ${rollupSelect(from, table)}`,
    ),
  ];
}

/** The SELECT of a rollup's view (migration 2 on) over the orders table `from`, also run as its backfill. */
function rollupSelect(from: string, table: 'dims_by_second' | 'dims_by_minute' | 'merchant_by_hour'): string {
  if (table === 'merchant_by_hour') {
    return `SELECT show, toStartOfHour(ts) AS hour, type, merchant_id, count() AS orders, sum(gmv) AS gmv
      FROM ${from} WHERE merchant_id != '' GROUP BY show, hour, type, merchant_id`;
  }
  const [column, bucket] =
    table === 'dims_by_second'
      ? ['second', "toDateTime(toStartOfSecond(ts), 'UTC')"]
      : ['minute', 'toStartOfMinute(ts)'];
  return `SELECT show, ${bucket} AS ${column}, type, dk.1 AS dim, dk.2 AS key, count() AS orders, sum(gmv) AS gmv
      FROM ${from}
      ARRAY JOIN [('channel', toString(channel)), ('country', toString(country)), ('category', toString(category))] AS dk
      GROUP BY show, ${column}, type, dim, key`;
}

/** The database and the migrations record, created before any migration runs. */
export function bootstrap(db: string, cluster: string | null = null): string[] {
  const t = new Layout(db, cluster);
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}${t.on}`,
    ...t.table({
      name: 'schema_migrations',
      columns: `(
      version UInt32, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    )`,
      engine: 'MergeTree',
      keys: ' ORDER BY version',
    }),
  ];
}

/**
 * Creates the database and applies pending migrations. Returns the schema version.
 * On a cluster one node should migrate at a time (start one first): the DDL is
 * idempotent, but two nodes backfilling a new rollup at once would both insert.
 */
export async function migrate(store: StoreHandle): Promise<number> {
  const { client, db, cluster } = store;
  for (const statement of bootstrap(db, cluster)) await client.command({ query: statement });
  const rs = await store.query({
    query: `SELECT max(version) AS v FROM ${db}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ v: number | string }>();
  let version = Number(row?.v ?? 0);
  const steps = migrations(db, cluster);
  for (let i = version; i < steps.length; i++) {
    for (const statement of steps[i] ?? []) await client.command({ query: statement });
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: i + 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: insertSettings(cluster, { async_insert: 0 }),
    });
    version = i + 1;
  }
  return version;
}
