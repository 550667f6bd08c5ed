import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Namespace } from 'socket.io';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { CLUSTER_EVENTS, COMMIT_ROWS_PER_MESSAGE, compactRows } from '../live/cluster.js';
import { MemoryClaims, type OrderClaims } from './claims.js';
import { LagGuard } from './guard.js';
import { RedisClaims } from './redis-claims.js';
import { IngestWriter } from './writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writer: IngestWriter;
    lagGuard: LagGuard;
  }
}

/**
 * The one group-commit writer of this process. It reports downstream only: the live
 * service (live/plugin.ts) subscribes to its committed batches, and an ingest node
 * (ROLE=ingest) relays them to the live node. With REDIS_URL, dedup holds across
 * nodes (RedisClaims).
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const ingestLog = app.log.child({ module: 'ingest' });
    const claims: OrderClaims = app.relay
      ? new RedisClaims(app.relay.redis, app.store, ingestLog)
      : new MemoryClaims(app.store, ingestLog);
    const writer = new IngestWriter({
      store: app.store,
      claims,
      log: ingestLog,
      maxPending: config.limits.pendingOrders,
      maxFlush: config.limits.flushOrders,
    });
    writer.on('flush', (flush) => app.telemetry.emit('flush', flush));
    // Counted on every node that writes, ingest nodes included.
    writer.on('failed', () => app.telemetry.emit('flushFailed'));
    app.decorate('writer', writer);
    const guard = new LagGuard(config.maxLagMs);
    app.decorate('lagGuard', guard);
    app.addHook('onClose', async () => guard.close());
    if (config.role === 'ingest') relayToLiveNode(app, writer, config);
  },
  { name: 'writer', dependencies: ['store', 'relay', 'telemetry'] },
);

/**
 * An ingest node's link to the live node: a socket.io server that serves no sockets, only a
 * member of the cluster, so committed rows reach the live node by `serverSideEmit`.
 */
function relayToLiveNode(app: FastifyInstance, writer: IngestWriter, config: Config): void {
  const io = new Server({ adapter: app.relay!.adapter });
  const nsp: Namespace = io.of(LIVE_NAMESPACE);
  app.addHook('preClose', async () => writer.drain());
  app.addHook('onClose', async () => {
    await nsp.adapter.close();
    await io.close().catch(() => undefined);
  });
  writer.on('committed', ({ orders, committedAtMs }) => {
    const rows = compactRows(orders, config.liveShow);
    // In pieces: each message is an entry of the Redis stream, whose bytes are bounded per entry.
    for (let at = 0; at < rows.length; at += COMMIT_ROWS_PER_MESSAGE) {
      nsp.serverSideEmit(CLUSTER_EVENTS.commit, {
        at: committedAtMs,
        rows: rows.slice(at, at + COMMIT_ROWS_PER_MESSAGE),
      });
    }
  });
  writer.on('failed', () => nsp.serverSideEmit(CLUSTER_EVENTS.failure));
}
