import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { openStore, type StoreHandle } from './client.js';
import { applyDurability } from './durability.js';
import { migrate } from './schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: StoreHandle;
    /** Schema version applied at start. */
    schemaVersion: number;
  }
}

/** Opens ClickHouse (embedded or server), applies the schema, closes it on shutdown. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const store = openStore(config);
    const log = app.log.child({ module: 'store' });
    try {
      const version = await migrate(store);
      await applyDurability(store, config.storeFsync);
      log.info({ kind: store.kind, db: store.db, version, fsync: config.storeFsync }, 'schema ready');
      app.decorate('schemaVersion', version);
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
    app.decorate('store', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'store' },
);
