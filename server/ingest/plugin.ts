import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Namespace } from 'socket.io';
import { Server } from 'socket.io';
import type { Order } from '../../shared/order.js';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { decimalToFen } from '../../shared/money.js';
import { CLUSTER_EVENTS, compactRows } from '../live/cluster.js';
import type { LiveBoard } from '../domain/board.js';
import { readTotals, type StoredTotals } from '../store/board.js';
import { MemoryClaims, type OrderClaims } from './claims.js';
import { LagGuard } from './guard.js';
import { RedisClaims } from './redis-claims.js';
import { IngestWriter, type WriterDeps } from './writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writer: IngestWriter;
    lagGuard: LagGuard;
    /** Last reconciliation of the live totals against ClickHouse. */
    reconciliation: { checkedAtMs: number | null; driftOrders: number; driftFen: number };
  }
}

/**
 * The one group-commit writer of this process; it drains before the board sends its last tick.
 * With REDIS_URL, dedup holds across nodes (RedisClaims); an ingest node (ROLE=ingest) tells
 * the live node what it committed instead of applying it to a board of its own.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const ingestLog = app.log.child({ module: 'ingest' });
    const claims: OrderClaims = app.relay
      ? new RedisClaims(app.relay.redis, app.store, ingestLog)
      : new MemoryClaims(app.store, ingestLog);
    const toLive = config.role === 'ingest' ? liveNodeLink(app, config) : null;
    const board: Pick<WriterDeps, 'onCommitted' | 'onFailure' | 'prepare'> = toLive ?? {
      onCommitted: (orders: Order[], at: number) => app.live.applyCommitted(orders, at),
      onFailure: () => app.live.markStale(),
      prepare: () => app.live.ensureFresh(),
    };
    const writer = new IngestWriter({
      store: app.store,
      claims,
      log: ingestLog,
      maxPending: config.limits.pendingOrders,
      maxFlush: config.limits.flushOrders,
      onFlush: (flush) => app.telemetry.emit('flush', flush),
      ...board,
      // Counted on every node that writes, ingest nodes included.
      onFailure: (shows) => {
        app.telemetry.emit('flushFailed');
        board.onFailure(shows);
      },
    });
    app.decorate('writer', writer);
    const guard = new LagGuard(config.maxLagMs);
    app.decorate('lagGuard', guard);
    app.addHook('onClose', async () => guard.close());
    // Only the live node keeps a board to reconcile.
    if (config.role === 'ingest') return;

    // Reconciliation: the live totals must equal what ClickHouse holds. Checked
    // only while no write is in flight, so both sides describe the same commits.
    const state = { checkedAtMs: null as number | null, driftOrders: 0, driftFen: 0 };
    app.decorate('reconciliation', state);
    const log = app.log.child({ module: 'reconcile' });
    let previous: { orders: number; fen: number } | null = null;
    const timer = setInterval(() => {
      if (writer.busy || app.live.isStale) return;
      const board = app.live.board;
      const show = app.live.show.id;
      const flushes = writer.stats.flushes + writer.stats.failures;
      // The board as it stands before the read: every commit it holds was stored before
      // the read began (commits are applied, here or relayed, only once stored).
      const shown = tally(board);
      void readTotals(app.store, show)
        .then((stored) => {
          // A flush that started and ended during the read makes the comparison moot.
          if (writer.busy || board !== app.live.board || writer.stats.flushes + writer.stats.failures !== flushes)
            return;
          state.checkedAtMs = Date.now();
          state.driftOrders =
            shown.saleOrders -
            stored.saleOrders +
            (shown.saleOrders - shown.refundOrders - (stored.saleOrders - stored.refundOrders));
          state.driftFen =
            shown.saleFen - stored.saleFen + (shown.saleFen - shown.refundFen - (stored.saleFen - stored.refundFen));
          app.telemetry.emit('reconcile', { driftOrders: state.driftOrders, driftFen: state.driftFen });
          const drift = { orders: state.driftOrders, fen: state.driftFen };
          const drifted = drift.orders !== 0 || drift.fen !== 0;
          // The board ahead of the store is a real drift at once (a commit applied twice).
          // Behind it may be another ingest node's commit in flight (stored, not relayed
          // yet) for a moment; a real shortfall stays the same from one check to the next.
          const ahead =
            shown.saleOrders > stored.saleOrders ||
            shown.saleFen > stored.saleFen ||
            shown.refundOrders > stored.refundOrders ||
            shown.refundFen > stored.refundFen;
          const confirmed =
            !app.relay ||
            ahead ||
            (previous !== null && previous.orders === drift.orders && previous.fen === drift.fen);
          previous = drifted && !confirmed ? drift : null;
          if (drifted && confirmed) {
            log.error(
              { show, driftOrders: drift.orders, driftFen: drift.fen },
              'live totals drifted from ClickHouse; rebuilding',
            );
            app.live.markStale();
          } else if (drifted) {
            log.warn(
              { show, driftOrders: drift.orders, driftFen: drift.fen },
              'live totals differ from ClickHouse; checking again',
            );
          }
        })
        .catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation skipped: store unavailable'));
    }, config.reconcileMs);
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'writer', dependencies: ['store', 'relay', 'telemetry'] },
);

/**
 * An ingest node's link to the live node: a socket.io server that serves no sockets, only a
 * member of the cluster, so committed rows reach the live node by `serverSideEmit`.
 */
function liveNodeLink(app: FastifyInstance, config: Config): Pick<WriterDeps, 'onCommitted' | 'onFailure' | 'prepare'> {
  const io = new Server({ adapter: app.relay!.adapter });
  const nsp: Namespace = io.of(LIVE_NAMESPACE);
  app.addHook('preClose', async () => app.writer.drain());
  app.addHook('onClose', async () => {
    await nsp.adapter.close();
    await io.close().catch(() => undefined);
  });
  return {
    onCommitted: (orders, at) => {
      const rows = compactRows(orders, config.liveShow);
      if (rows.length > 0) nsp.serverSideEmit(CLUSTER_EVENTS.commit, { at, rows });
    },
    onFailure: () => nsp.serverSideEmit(CLUSTER_EVENTS.failure),
    // The live state is the live node's: nothing to bring in line here.
    prepare: async () => undefined,
  };
}

/** A board's sales and refunds, in the terms of the store's totals. */
function tally(board: LiveBoard): StoredTotals {
  const gross = board.gross();
  const net = board.net();
  const saleFen = board.grossFen();
  return {
    saleOrders: gross.orders,
    saleFen,
    refundOrders: gross.orders - net.orders,
    refundFen: saleFen - decimalToFen(net.gmv),
  };
}
