import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { bootstrap, migrations } from '../../server/store/schema.js';
import {
  CLUSTER_INSERT_SETTINGS,
  INSERT_SETTINGS,
  insertSettings,
  settingsClause,
} from '../../server/store/settings.js';
import plain from '../fixtures/schema-plain.json' with { type: 'json' };

const dir = mkdtempSync(join(tmpdir(), 'gmv-cluster-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pem = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const URL = 'https://ch.example:8443';

describe('migrations(db) without a cluster', () => {
  it('is exactly the DDL existing installs applied (schemas 1 and 2), then migrations 3 to 5 as pinned', () => {
    expect(bootstrap(plain.db)).toEqual(plain.bootstrap);
    expect(migrations(plain.db)).toEqual(plain.migrations);
    expect(migrations(plain.db, null)).toEqual(plain.migrations);
  });
});

describe('insertSettings(cluster)', () => {
  it('adds the synchronous, quorum settings only on a cluster', () => {
    expect(insertSettings(null)).toBe(INSERT_SETTINGS);
    expect(insertSettings(null, { async_insert: 0 })).toEqual({ async_insert: 0 });
    expect(insertSettings('c1')).toEqual({ ...INSERT_SETTINGS, ...CLUSTER_INSERT_SETTINGS });
    expect(settingsClause(insertSettings('c1', { async_insert: 0 }))).toBe(
      "async_insert = 0, distributed_foreground_insert = 1, insert_quorum = 'auto', insert_quorum_parallel = 1, " +
        'insert_quorum_timeout = 30000, deduplicate_blocks_in_dependent_materialized_views = 0',
    );
  });
});

describe('loadConfig: ClickHouse cluster and TLS', () => {
  it('takes CLICKHOUSE_CLUSTER only with a server URL and as a plain identifier', () => {
    expect(loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CLUSTER: 'gmv_cluster' }).clickhouse.cluster).toBe(
      'gmv_cluster',
    );
    expect(loadConfig({}).clickhouse.cluster).toBeNull();
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'gmv_cluster' })).toThrow(/needs CLICKHOUSE_URL/);
    for (const bad of ['gmv-cluster', "c' OR 1", '1c', 'a b']) {
      expect(() => loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CLUSTER: bad })).toThrow(ConfigError);
    }
  });

  it('refuses a CLICKHOUSE_URL that is not http(s)', () => {
    for (const bad of ['ch.example:8123', 'ftp://ch.example', 'not a url']) {
      expect(() => loadConfig({ CLICKHOUSE_URL: bad })).toThrow(/http:\/\/ or https:\/\//);
    }
    expect(loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:8123' }).clickhouse.tls).toBeNull();
  });

  it('reads the CA and client certificate files at start', () => {
    const ca = pem('ca.pem', 'CA PEM');
    const cert = pem('client.pem', 'CERT PEM');
    const key = pem('client.key', 'KEY PEM');
    expect(loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CA_CERT: ca }).clickhouse.tls).toEqual({
      caCert: Buffer.from('CA PEM'),
      cert: null,
      key: null,
    });
    const mutual = loadConfig({
      CLICKHOUSE_URL: URL,
      CLICKHOUSE_CA_CERT: ca,
      CLICKHOUSE_CLIENT_CERT: cert,
      CLICKHOUSE_CLIENT_KEY: key,
    }).clickhouse.tls;
    expect(mutual?.cert?.toString()).toBe('CERT PEM');
    expect(mutual?.key?.toString()).toBe('KEY PEM');
  });

  it('says what is wrong with the TLS settings', () => {
    const ca = pem('ca2.pem', 'CA');
    const cert = pem('c2.pem', 'CERT');
    expect(() => loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CA_CERT: join(dir, 'missing.pem') })).toThrow(
      /CLICKHOUSE_CA_CERT .*missing\.pem/,
    );
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch.example', CLICKHOUSE_CA_CERT: ca })).toThrow(
      /needs an https:\/\/ CLICKHOUSE_URL/,
    );
    expect(() => loadConfig({ CLICKHOUSE_CA_CERT: ca })).toThrow(/needs CLICKHOUSE_URL/);
    expect(() => loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CA_CERT: ca, CLICKHOUSE_CLIENT_CERT: cert })).toThrow(
      /go together/,
    );
    expect(() =>
      loadConfig({ CLICKHOUSE_URL: URL, CLICKHOUSE_CLIENT_CERT: cert, CLICKHOUSE_CLIENT_KEY: cert }),
    ).toThrow(/needs CLICKHOUSE_CA_CERT/);
  });
});
