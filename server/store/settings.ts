import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Every ClickHouse setting the store relies on, set explicitly: defaults differ
 * between versions and between chDB and a server (chDB enables async_insert).
 */
export const INSERT_SETTINGS: ClickHouseSettings = {
  // "Accepted" means committed: the INSERT returns only once the part is written.
  async_insert: 0,
  wait_for_async_insert: 1,
  // A batch is one block, so it commits as one part (all or nothing per flush).
  max_insert_block_size: '1048576',
  min_insert_block_size_rows: '1048576',
  min_insert_block_size_bytes: '268435456',
  // Materialized views run in the same INSERT, one after another. They are not
  // transactional with the rows: a failed INSERT makes the live state rebuild.
  parallel_view_processing: 0,
  input_format_skip_unknown_fields: 0,
  date_time_input_format: 'basic',
  input_format_null_as_default: 0,
};

/**
 * Added to every INSERT on a cluster, where inserts go through Distributed tables.
 * "Accepted" still means stored: the INSERT returns only once every shard holds its
 * rows, on a majority of that shard's replicas.
 */
export const CLUSTER_INSERT_SETTINGS: ClickHouseSettings = {
  // Send to the shards within the INSERT, not from a local queue later.
  distributed_foreground_insert: 1,
  // A majority of each shard's replicas (1 of 1, 2 of 2, 2 of 3) before the INSERT returns;
  // a failed quorum removes the block again, so nothing half-written is acknowledged.
  insert_quorum: 'auto',
  insert_quorum_parallel: 1,
  // Give up (and answer 503) before the HTTP request times out, not after 10 minutes.
  insert_quorum_timeout: 30_000,
  // Rollup blocks of different INSERTs may be identical (same second, count and sum):
  // they must never be dropped as duplicates.
  deduplicate_blocks_in_dependent_materialized_views: 0,
};

/** The settings of an INSERT: `base`, plus the cluster's when there is one. */
export function insertSettings(cluster: string | null, base: ClickHouseSettings = INSERT_SETTINGS): ClickHouseSettings {
  return cluster ? { ...base, ...CLUSTER_INSERT_SETTINGS } : base;
}

export const QUERY_SETTINGS: ClickHouseSettings = {
  // Decimals and 64-bit integers come back as strings so nothing passes through a float.
  output_format_json_quote_decimals: 1,
  output_format_json_quote_64bit_integers: 1,
  // A runaway query fails instead of holding the event loop's callers forever.
  max_execution_time: 60,
  join_use_nulls: 0,
};

/** Settings as a SETTINGS clause. Only our own constant names and values reach it. */
export function settingsClause(settings: ClickHouseSettings): string {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`bad setting name ${k}`);
      return `${k} = ${typeof v === 'number' ? v : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}`;
    })
    .join(', ');
}
