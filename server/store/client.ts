import { mkdirSync } from 'node:fs';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';

type ChdbExtension = ChdbConnection['chdb'];
import type { Config } from '../config.js';
import { QUERY_SETTINGS } from './settings.js';

export interface StoreHandle {
  client: ClickHouseClient;
  /** Database every table lives in. */
  db: string;
  /** "chdb" for the embedded engine, "server" for CLICKHOUSE_URL. */
  kind: 'chdb' | 'server';
  /** The cluster tables are sharded and replicated on (server only; null: one node). */
  cluster: string | null;
  /**
   * A read with the query settings applied to it alone. (Client-wide settings would
   * also ride on every INSERT, which chDB runs as extra SET statements.)
   */
  query: ClickHouseClient['query'];
  /**
   * chDB only: an INSERT whose body bytes go to the engine without a copy or a
   * string conversion (`connection.chdb.rawInsert`). Null on a server, where the
   * body streams over HTTP.
   */
  rawInsert: ChdbExtension['rawInsert'] | null;
  close(): Promise<void>;
}

/** Settings of the engine for reads (`max_threads`, …), as ClickHouse names them. */
export type ReadSettings = ClickHouseSettings;

/** The same store with `settings` applied to each of its reads (a read's own settings win). */
export function withReadSettings(store: StoreHandle, settings: ReadSettings): StoreHandle {
  return {
    ...store,
    query: ((params: Parameters<StoreHandle['query']>[0]) =>
      store.query({
        ...params,
        clickhouse_settings: { ...settings, ...params.clickhouse_settings },
      })) as StoreHandle['query'],
  };
}

/**
 * The one place a ClickHouse client is made: the embedded chDB engine by default,
 * a ClickHouse server when CLICKHOUSE_URL is set. The rest of the code sees the
 * same @clickhouse/client API either way.
 */
export function openStore(cfg: Pick<Config, 'clickhouse' | 'dataDir'>): StoreHandle {
  const { url, username, password, database, cluster, tls } = cfg.clickhouse;
  let client: ClickHouseClient;
  let rawInsert: StoreHandle['rawInsert'] = null;
  if (url) {
    client = createClient({
      url,
      username,
      password,
      request_timeout: 60_000,
      compression: { request: false, response: true },
      // An https:// URL uses the system CAs unless a private CA (and maybe a client certificate) is given.
      ...(tls && {
        tls: tls.cert && tls.key ? { ca_cert: tls.caCert, cert: tls.cert, key: tls.key } : { ca_cert: tls.caCert },
      }),
    });
  } else {
    mkdirSync(cfg.dataDir, { recursive: true });
    const connection = createChdbConnection({ path: cfg.dataDir });
    rawInsert = (params) => connection.chdb.rawInsert(params);
    client = createClient({
      // chdb types the Connection against its own copy of @clickhouse/client-common;
      // the shapes are the same contract.
      connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
    });
  }
  return {
    client,
    db: database,
    kind: url ? 'server' : 'chdb',
    cluster: url ? cluster : null,
    query: ((params: Parameters<ClickHouseClient['query']>[0]) =>
      client.query({
        ...params,
        clickhouse_settings: { ...QUERY_SETTINGS, ...params.clickhouse_settings },
      })) as ClickHouseClient['query'],
    rawInsert,
    close: () => client.close(),
  };
}
