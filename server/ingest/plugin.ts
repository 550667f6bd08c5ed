import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { IngestWriter } from './writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writer: IngestWriter;
  }
}

/** The one group-commit writer of this process; it drains before the board sends its last tick. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const writer = new IngestWriter({
      store: app.store,
      log: app.log.child({ module: 'ingest' }),
      maxPending: config.limits.pendingOrders,
      maxFlush: config.limits.flushOrders,
      onCommitted: (orders, at) => app.live.applyCommitted(orders, at),
      onFailure: () => app.live.markStale(),
      prepare: () => app.live.ensureFresh(),
    });
    app.decorate('writer', writer);
  },
  { name: 'writer', dependencies: ['store', 'live'] },
);
