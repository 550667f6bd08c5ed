import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { openStore, type StoreHandle } from './client.js';
import { applyDurability } from './durability.js';
import { migrate } from './schema.js';

/** The store of a node, with the schema version applied at start. */
export interface StorePart {
  store: StoreHandle;
  schemaVersion: number;
}

/** Opens ClickHouse (embedded or server), applies the schema, closes it when the app closes. */
export async function startStore(app: FastifyInstance, config: Config): Promise<StorePart> {
  const store = openStore(config);
  const log = app.log.child({ module: 'store' });
  let schemaVersion: number;
  try {
    schemaVersion = await migrate(store);
    await applyDurability(store, config.storeFsync);
    log.info({ kind: store.kind, db: store.db, version: schemaVersion, fsync: config.storeFsync }, 'schema ready');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  app.addHook('onClose', async () => {
    await store.close();
  });
  return { store, schemaVersion };
}

/** Ready means ClickHouse reachable with the schema in place; throws NOT_READY otherwise. */
export async function storeReady(part: StorePart): Promise<{ status: 'ready'; schema: number; store: string }> {
  const ping = await part.store.client.ping();
  if (!ping.success) throw new Errors.NOT_READY('ClickHouse is unreachable');
  return { status: 'ready', schema: part.schemaVersion, store: part.store.kind };
}
