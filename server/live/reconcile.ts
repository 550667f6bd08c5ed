import type { FastifyBaseLogger as Logger } from 'fastify';
import { TOP_N, top, type LiveBoard } from '../domain/board.js';
import type { IngestWriter } from '../ingest/writer.js';
import type { StoreHandle } from '../store/client.js';
import { readReconcileFigures, type StoredFigures, type StoredTally, type StoredTotals } from '../store/board.js';
import type { Telemetry } from '../telemetry.js';
import type { LiveService } from './service.js';

/** The breakdowns compared key by key (merchants: the rows the board shows and the store's first rows). */
const DIMENSIONS = ['channel', 'country', 'category', 'merchant'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Every figure compared: each total on its own, and each breakdown key by key, orders and GMV. */
export const FIGURES = [
  'gross_orders',
  'gross_fen',
  'refund_orders',
  'refund_fen',
  'channel_orders',
  'channel_fen',
  'country_orders',
  'country_fen',
  'category_orders',
  'category_fen',
  'merchant_orders',
  'merchant_fen',
] as const;
export type Figure = (typeof FIGURES)[number];

/** One figure that differed: a total, or one key of a breakdown. */
export interface Difference {
  figure: Figure;
  /** The key of the breakdown (a channel, country, category or merchant); absent for a total. */
  key?: string;
  live: number;
  stored: number;
}

/** The live side of a comparison: totals, and sales by key of each breakdown. */
export interface LiveFigures {
  totals: StoredTotals;
  breakdowns: Record<Dimension, Map<string, StoredTally>>;
}

/** Last reconciliation of the live state against ClickHouse. */
export interface Reconciliation {
  /** When the last comparison completed, epoch ms (null before the first). */
  checkedAtMs: number | null;
  /** When reconciliation started, epoch ms: the age of "no check yet". */
  startedAtMs: number;
  /** Comparisons completed, and those that found any figure differing. */
  checks: number;
  mismatches: number;
  /** Live minus stored, gross plus net, as reported before per-figure checks (a linear sum: it can cancel). */
  driftOrders: number;
  driftFen: number;
  /** Per figure of the last comparison: live minus stored for a total; the sum over keys of |live - stored| for a breakdown. */
  drift: Record<Figure, number>;
  /** The figures (and keys) that differed in the last comparison; empty when in line. */
  differences: Difference[];
}

export interface ReconcileDeps {
  live: LiveService;
  store: StoreHandle;
  /** The local writer, if any: checks are made between two of its INSERTs (a barrier). */
  writer: IngestWriter | null;
  telemetry: Telemetry;
  log: Logger;
  /** With several writing nodes, a shortfall may be another node's commit in flight: confirm it twice. */
  confirmShortfall: boolean;
  everyMs: number;
}

/** Differences logged with a drift (the rest are counted). */
const LOGGED_DIFFERENCES = 20;

/**
 * Reconciliation: the live state must equal what ClickHouse's rollups hold, figure by figure.
 *
 * A comparison describes one set of commits: it is made at a quiet point of the local writer,
 * with no INSERT in flight and every earlier commit handed on to the live state. Every
 * `everyMs` a check falls due; with the writer idle it runs at once (an INSERT arriving
 * meanwhile waits for it at the writer's barrier), otherwise at the writer's barrier before its
 * next INSERT, which it holds for the duration of one read of the rollups. So under steady
 * ingest a check completes once per interval, at the cost of one short pause of the INSERTs.
 *
 * Each total (gross and refund orders and fen) and each key of the channel, country and
 * category breakdowns and of the merchants ranked first (on the board or in the store) is
 * compared on its own: a difference in any of them is a drift, which marks the live state
 * stale (its rollups are derived again and it rebuilds) and is logged figure by figure.
 */
/** Orders waiting to be written past which a due check waits (see `deferred`). */
const BACKLOG_ORDERS = 50_000;
/** The longest a check waits for a backlog to clear. */
const BACKLOG_MAX_DEFER_MS = 60_000;

export function startReconciliation(deps: ReconcileDeps): { state: Reconciliation; stop: () => void } {
  const { live, store, writer, telemetry, log } = deps;
  const state: Reconciliation = {
    checkedAtMs: null,
    startedAtMs: Date.now(),
    checks: 0,
    mismatches: 0,
    driftOrders: 0,
    driftFen: 0,
    drift: zeroFigures(),
    differences: [],
  };
  /** The differences of the last check, while a shortfall waits to be confirmed. */
  let previous: string | null = null;
  let commits = 0;
  const count = () => commits++;
  writer?.on('committed', count);
  writer?.on('failed', count);
  let stopped = false;
  /** A check is due: at the next quiet point. */
  let due = false;
  let checking: Promise<void> | null = null;

  const check = async (): Promise<void> => {
    due = false;
    const board = live.board;
    const show = live.show.id;
    const seen = commits;
    const version = board.version;
    // The live state before the read: at a quiet point it holds exactly the local commits the
    // read sees. (Another node's commit relayed meanwhile can only leave it behind the read.)
    const shown = capture(board);
    const stored = await readReconcileFigures(store, show, TOP_N, [...shown.breakdowns.merchant.keys()]);
    if (stopped) return;
    if (board !== live.board || live.isStale || commits !== seen) {
      // Rebuilt or marked stale meanwhile: no single set of commits on both sides. Next quiet point.
      due = true;
      return;
    }
    // Merchants the store ranks first and the board does not: their live figures. Exact unless
    // a relayed commit changed the board during the read; then a difference there may be that.
    const merchants = board.breakdownTallies('merchant');
    const unsure = new Set<string>();
    for (const key of stored.merchants.keys()) {
      if (shown.breakdowns.merchant.has(key)) continue;
      shown.breakdowns.merchant.set(key, copyTally(merchants.get(key)));
      if (board.version !== version) unsure.add(key);
    }
    const { drift, differences } = compareFigures(shown, stored);
    const [driftOrders, driftFen] = linearDrift(shown.totals, stored.totals);
    const mismatched = differences.length > 0;
    state.checkedAtMs = Date.now();
    state.checks++;
    if (mismatched) state.mismatches++;
    state.driftOrders = driftOrders;
    state.driftFen = driftFen;
    state.drift = drift;
    state.differences = differences;
    telemetry.emit('reconcile', { driftOrders, driftFen, mismatched, figures: drift });
    if (!mismatched) {
      previous = null;
      return;
    }
    // The board ahead of the store in any figure is a real drift at once (a commit applied twice,
    // an order counted under the wrong key). Behind it may be another ingest node's commit in
    // flight (stored, not relayed yet) for a moment; a real shortfall stays the same from one
    // check to the next.
    const ahead = differences.some((d) => d.live > d.stored && !(d.key !== undefined && unsure.has(d.key)));
    const signature = differences.map((d) => `${d.figure}:${d.key ?? ''}:${d.live - d.stored}`).join('|');
    const confirmed = !deps.confirmShortfall || ahead || previous === signature;
    previous = confirmed ? null : signature;
    const detail = {
      show,
      drift: Object.fromEntries(Object.entries(drift).filter(([, v]) => v !== 0)),
      differences: differences.slice(0, LOGGED_DIFFERENCES),
      more: Math.max(0, differences.length - LOGGED_DIFFERENCES),
    };
    if (confirmed) {
      log.error(detail, 'live state drifted from ClickHouse; rebuilding');
      live.markStale();
    } else log.warn(detail, 'live state behind ClickHouse; checking again');
  };

  const start = (): Promise<void> =>
    (checking ??= check()
      .catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation skipped: store unavailable'))
      .finally(() => (checking = null)));

  // Before an INSERT: finish the check in progress (started while the writer was idle), or make
  // the one due now, with nothing in the engine and every earlier commit handed on. Never throws:
  // a barrier that throws refuses the batch.
  // With a backlog (the gala's opening minute), a check would drain the pipelined writer and hold
  // its next INSERT for a read while the engine is busiest: it waits until the queue is short
  // again, but never longer than BACKLOG_MAX_DEFER_MS after the last completed check.
  const deferred = (): boolean =>
    (writer?.pending ?? 0) > BACKLOG_ORDERS &&
    Date.now() - (state.checkedAtMs ?? state.startedAtMs) < BACKLOG_MAX_DEFER_MS;
  writer?.addBarrier(
    () => !stopped && (checking !== null || (due && !live.isStale && !deferred())),
    async () => {
      if (checking) await checking;
      else if (!stopped && due && !live.isStale) await start();
    },
  );
  const timer = setInterval(() => {
    if (checking || stopped) return;
    due = true;
    // No INSERT in flight or waiting, every commit handed on: a quiet point now.
    if (!writer?.busy && !live.isStale) void start();
  }, deps.everyMs);
  return {
    state,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      writer?.off('committed', count);
      writer?.off('failed', count);
    },
  };
}

/**
 * Compares each figure on its own: the four totals, then every key of each breakdown (a key
 * missing on one side counts as zero there). Nothing is summed across figures, so opposite
 * differences (an order counted under the wrong channel) never cancel out.
 */
export function compareFigures(
  live: LiveFigures,
  stored: StoredFigures,
): { drift: Record<Figure, number>; differences: Difference[] } {
  const drift = zeroFigures();
  const differences: Difference[] = [];
  const totals: [Figure, keyof StoredTotals][] = [
    ['gross_orders', 'saleOrders'],
    ['gross_fen', 'saleFen'],
    ['refund_orders', 'refundOrders'],
    ['refund_fen', 'refundFen'],
  ];
  for (const [figure, field] of totals) {
    const l = live.totals[field];
    const s = stored.totals[field];
    drift[figure] = l - s;
    if (l !== s) differences.push({ figure, live: l, stored: s });
  }
  for (const dimension of DIMENSIONS) {
    const l = live.breakdowns[dimension];
    const s = dimension === 'merchant' ? stored.merchants : stored.breakdowns[dimension];
    const keys = [...new Set([...l.keys(), ...s.keys()])].sort();
    for (const key of keys) {
      const a = l.get(key) ?? { orders: 0, fen: 0 };
      const b = s.get(key) ?? { orders: 0, fen: 0 };
      for (const part of ['orders', 'fen'] as const) {
        if (a[part] === b[part]) continue;
        const figure: Figure = `${dimension}_${part}`;
        drift[figure] += Math.abs(a[part] - b[part]);
        differences.push({ figure, key, live: a[part], stored: b[part] });
      }
    }
  }
  return { drift, differences };
}

/** The live figures as they stand: totals, every key of channel, country and category, the merchants on the board. */
function capture(board: LiveBoard): LiveFigures {
  const copy = (dimension: Dimension) => {
    const out = new Map<string, StoredTally>();
    for (const [key, t] of board.breakdownTallies(dimension)) out.set(key, copyTally(t));
    return out;
  };
  const merchants = board.breakdownTallies('merchant');
  const shownMerchants = new Map<string, StoredTally>();
  for (const row of top(merchants, TOP_N)) shownMerchants.set(row.key, copyTally(merchants.get(row.key)));
  return {
    totals: tally(board),
    breakdowns: {
      channel: copy('channel'),
      country: copy('country'),
      category: copy('category'),
      merchant: shownMerchants,
    },
  };
}

/** A live tally as plain numbers; a split sum (`hi` x 2^52 + `fen`), where the board keeps one, as its nearest double. */
function copyTally(t: Readonly<{ orders: number; fen: number; hi?: number }> | undefined): StoredTally {
  return { orders: t?.orders ?? 0, fen: (t?.hi ?? 0) * 2 ** 52 + (t?.fen ?? 0) };
}

function zeroFigures(): Record<Figure, number> {
  return Object.fromEntries(FIGURES.map((f) => [f, 0])) as Record<Figure, number>;
}

/** The drift as first reported (gross plus net, orders and fen): kept for its gauges; never decides. */
function linearDrift(shown: StoredTotals, stored: StoredTotals): [number, number] {
  return [
    shown.saleOrders -
      stored.saleOrders +
      (shown.saleOrders - shown.refundOrders - (stored.saleOrders - stored.refundOrders)),
    shown.saleFen - stored.saleFen + (shown.saleFen - shown.refundFen - (stored.saleFen - stored.refundFen)),
  ];
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
    refundFen: board.refundFen(),
  };
}
