import type { FastifyBaseLogger as Logger } from 'fastify';
import { decimalToFen } from '../../shared/money.js';
import type { LiveBoard } from '../domain/board.js';
import type { IngestWriter } from '../ingest/writer.js';
import type { StoreHandle } from '../store/client.js';
import { readTotals, type StoredTotals } from '../store/board.js';
import type { Telemetry } from '../telemetry.js';
import type { LiveService } from './service.js';

/** Last reconciliation of the live totals against ClickHouse. */
export interface Reconciliation {
  checkedAtMs: number | null;
  driftOrders: number;
  driftFen: number;
}

export interface ReconcileDeps {
  live: LiveService;
  store: StoreHandle;
  /** The local writer, if any: a check made while it writes describes no single moment. */
  writer: IngestWriter | null;
  telemetry: Telemetry;
  log: Logger;
  /** With several writing nodes, a shortfall may be another node's commit in flight: confirm it twice. */
  confirmShortfall: boolean;
  everyMs: number;
}

/**
 * Reconciliation: the live totals must equal what ClickHouse holds. Checked only
 * while no local write is in flight, so both sides describe the same commits; a
 * drift marks the live state stale (its rollups are derived again and it rebuilds).
 */
export function startReconciliation(deps: ReconcileDeps): { state: Reconciliation; stop: () => void } {
  const { live, store, writer, telemetry, log } = deps;
  const state: Reconciliation = { checkedAtMs: null, driftOrders: 0, driftFen: 0 };
  let previous: { orders: number; fen: number } | null = null;
  let commits = 0;
  const count = () => commits++;
  writer?.on('committed', count);
  writer?.on('failed', count);
  const timer = setInterval(() => {
    if (writer?.busy || live.isStale) return;
    const board = live.board;
    const show = live.show.id;
    const seen = commits;
    // The board as it stands before the read: every commit it holds was stored before
    // the read began (commits are applied, here or relayed, only once stored).
    const shown = tally(board);
    void readTotals(store, show)
      .then((stored) => {
        // A flush that started and ended during the read makes the comparison moot.
        if (writer?.busy || board !== live.board || commits !== seen) return;
        state.checkedAtMs = Date.now();
        state.driftOrders =
          shown.saleOrders -
          stored.saleOrders +
          (shown.saleOrders - shown.refundOrders - (stored.saleOrders - stored.refundOrders));
        state.driftFen =
          shown.saleFen - stored.saleFen + (shown.saleFen - shown.refundFen - (stored.saleFen - stored.refundFen));
        telemetry.emit('reconcile', { driftOrders: state.driftOrders, driftFen: state.driftFen });
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
          !deps.confirmShortfall ||
          ahead ||
          (previous !== null && previous.orders === drift.orders && previous.fen === drift.fen);
        previous = drifted && !confirmed ? drift : null;
        if (drifted && confirmed) {
          log.error(
            { show, driftOrders: drift.orders, driftFen: drift.fen },
            'live totals drifted from ClickHouse; rebuilding',
          );
          live.markStale();
        } else if (drifted) {
          log.warn(
            { show, driftOrders: drift.orders, driftFen: drift.fen },
            'live totals differ from ClickHouse; checking again',
          );
        }
      })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation skipped: store unavailable'));
  }, deps.everyMs);
  return {
    state,
    stop: () => {
      clearInterval(timer);
      writer?.off('committed', count);
      writer?.off('failed', count);
    },
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
