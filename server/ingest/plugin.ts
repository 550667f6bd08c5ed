import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { decimalToFen } from '../../shared/money.js';
import { readTotals } from '../store/board.js';
import { LagGuard } from './guard.js';
import { IngestWriter } from './writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writer: IngestWriter;
    lagGuard: LagGuard;
    /** Last reconciliation of the live totals against ClickHouse. */
    reconciliation: { checkedAtMs: number | null; driftOrders: number; driftFen: number };
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
      onFailure: () => {
        app.telemetry.emit('flushFailed');
        app.live.markStale();
      },
      prepare: () => app.live.ensureFresh(),
      onFlush: (flush) => app.telemetry.emit('flush', flush),
    });
    app.decorate('writer', writer);
    const guard = new LagGuard(config.maxLagMs);
    app.decorate('lagGuard', guard);

    // Reconciliation: the live totals must equal what ClickHouse holds. Checked
    // only while no write is in flight, so both sides describe the same commits.
    const state = { checkedAtMs: null as number | null, driftOrders: 0, driftFen: 0 };
    app.decorate('reconciliation', state);
    const log = app.log.child({ module: 'reconcile' });
    const timer = setInterval(() => {
      if (writer.busy || app.live.isStale) return;
      const board = app.live.board;
      const show = app.live.show.id;
      const flushes = writer.stats.flushes + writer.stats.failures;
      void readTotals(app.store, show)
        .then((stored) => {
          // A flush that started and ended during the read makes the comparison moot.
          if (writer.busy || board !== app.live.board || writer.stats.flushes + writer.stats.failures !== flushes)
            return;
          state.checkedAtMs = Date.now();
          const gross = board.gross();
          const net = board.net();
          state.driftOrders =
            gross.orders - stored.saleOrders + (net.orders - (stored.saleOrders - stored.refundOrders));
          state.driftFen =
            board.grossFen() - stored.saleFen + (decimalToFen(net.gmv) - (stored.saleFen - stored.refundFen));
          app.telemetry.emit('reconcile', { driftOrders: state.driftOrders, driftFen: state.driftFen });
          if (state.driftOrders !== 0 || state.driftFen !== 0) {
            log.error(
              { show, driftOrders: state.driftOrders, driftFen: state.driftFen },
              'live totals drifted from ClickHouse; rebuilding',
            );
            app.live.markStale();
          }
        })
        .catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation skipped: store unavailable'));
    }, config.reconcileMs);
    app.addHook('onClose', async () => {
      clearInterval(timer);
      guard.close();
    });
  },
  { name: 'writer', dependencies: ['store', 'live', 'telemetry'] },
);
