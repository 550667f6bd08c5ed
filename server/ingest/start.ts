import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { StoreHandle } from '../store/client.js';
import { MemoryClaims, type OrderClaims } from './claims.js';
import { LagGuard } from './guard.js';
import { RedisClaims } from './redis-claims.js';
import { RepairFence } from './repair-fence.js';
import { IngestWriter } from './writer.js';
import { lateRefundTest } from './late-refunds.js';

/** What a node that takes orders holds. */
export interface WriterPart {
  /** The one group-commit writer of this process. */
  writer: IngestWriter;
  /** The event-loop lag that sheds ingest load. */
  lagGuard: LagGuard;
}

/**
 * The one group-commit writer of this process. It reports downstream only, by its events
 * (`committed`, `failed`): the live node subscribes to them, an ingest node relays them to the
 * live node. With REDIS_URL, dedup holds across nodes (RedisClaims). `fenced`: an ingest node,
 * whose INSERTs wait while the live node repairs a show's rollups (RepairFence); the live node's
 * own writer is held by its barrier instead.
 */
export function startWriter(
  app: FastifyInstance,
  config: Config,
  store: StoreHandle,
  opts: { fenced?: boolean } = {},
): WriterPart {
  const log = app.log.child({ module: 'ingest' });
  // Refunds after their show's end do not load a finished day's keys: each is checked in the store.
  const cold = lateRefundTest(config.shows);
  const claims: OrderClaims = app.relay
    ? new RedisClaims(app.relay.redis, store, log, { cold })
    : new MemoryClaims(store, log, { cold });
  const fence =
    opts.fenced && app.relay
      ? new RepairFence(app.relay.redis, log, { failedMayLand: store.kind !== 'chdb' })
      : undefined;
  const writer = new IngestWriter({
    store,
    claims,
    fence,
    log,
    maxPending: config.limits.pendingOrders,
    maxFlush: config.limits.flushOrders,
  });
  writer.on('flush', (flush) => app.telemetry.emit('flush', flush));
  // Counted on every node that writes, ingest nodes included.
  writer.on('failed', () => app.telemetry.emit('flushFailed'));
  const lagGuard = new LagGuard(config.maxLagMs);
  app.addHook('onClose', async () => lagGuard.close());
  return { writer, lagGuard };
}
