import { merchantsWatch, startMerchants } from '../merchants.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { RepairFence } from '../ingest/repair-fence.js';
import type { IngestWriter } from '../ingest/writer.js';
import type { StoreHandle } from '../store/client.js';
import { CLUSTER_EVENTS, expandRows } from '../messages.js';
import { stampPresentation } from '../wire.js';
import { answerChunkRequests, answerSnapshotRequests } from './cluster.js';
import { answerClockRequests } from './clock.js';
import { Fleet, FleetReports, nodeName } from './fleet.js';
import { takeLiveLease, type LiveLease } from './lease.js';
import { recordOnAir } from './record.js';
import { startReconciliation, type Reconciliation } from './reconcile.js';
import { serveSnapshots } from './resync.js';
import { LiveService } from './service.js';
import { openBoardSockets, type BoardServer } from './sockets.js';
import type { LiveSource } from './source.js';

/** Most changed seconds a tick carries; past it the boards get a snapshot (see MAX_STREAM_ENTRY_BYTES). */
export const MAX_TICK_SECONDS = 2000;

/** What the live node holds. */
export interface LivePart {
  /** The live show's state. */
  live: LiveService;
  /** The lease on the show across nodes (with Redis); null on a single node. */
  liveLease: LiveLease | null;
  /** The last comparison of the live state with ClickHouse. */
  reconciliation: Reconciliation;
  io: BoardServer;
  source: LiveSource;
  /** Every node's boards as they report (the director's console lists them). */
  fleet: Fleet;
}

/**
 * The live node (ROLE=all): the show's state, fed one way by committed batches (the local
 * writer's, and with Redis the ingest nodes'), the one broadcast loop that turns it into ticks,
 * the reconciliation against ClickHouse, and answers to push nodes. A snapshot on connect (and
 * on request), then at most one tick per TICK_MS.
 */
export async function serveLive(
  app: FastifyInstance,
  config: Config,
  store: StoreHandle,
  writer: IngestWriter,
): Promise<LivePart> {
  const log = app.log.child({ module: 'live' });
  const show = config.shows.find((s) => s.id === config.liveShow)!;
  // Across nodes, one broadcast loop per show.
  let leaseChanged = (_held: boolean) => {};
  const lease = app.relay ? await takeLiveLease(app.relay.redis, show.id, log, (held) => leaseChanged(held)) : null;
  const lastYear = config.shows.find((s) => s.id === show.compareTo) ?? null;
  // With Redis, ingest nodes may write too: a repair fences them out of the show it repairs.
  const fence = app.relay ? new RepairFence(app.relay.redis, log) : null;
  const live = new LiveService(show, config.clock, store, log, lastYear, app.telemetry, fence);
  live.staleAfter = config.stale;
  // The merchants' reference data (MERCHANTS_FILE stored first): names and arcs' origins.
  live.merchants = await startMerchants(store, config.merchantsFile, log);
  // Merchants loaded later (npm run load-merchants against a ClickHouse server) are read again.
  const merchants = merchantsWatch(store, (directory) => (live.merchants = directory), log);
  await merchants.check();
  merchants.start();
  app.addHook('preClose', async () => merchants.stop());
  await live.ensureFresh();
  const sockets = openBoardSockets(app, config, log);
  const { nsp } = sockets;
  leaseChanged = (held) => {
    // Lost: another node broadcasts the show. This one reports not ready (/readyz) and sends its
    // boards away to reconnect, through the balancer, to a node that follows the holder's ticks.
    // Regained: every board here needs a fresh snapshot.
    if (held) live.needsSnapshot = true;
    else nsp.local.disconnectSockets(true);
  };

  // The writer's commits flow here, one way: applied to the board, a failure marks it stale,
  // and the next INSERT waits until the state is rebuilt (and its rollups repaired).
  writer.on('committed', ({ orders, committedAtMs }) => live.applyCommitted(orders, committedAtMs));
  // The shows of the failed batch: each one's rollups are repaired, not only the live show's.
  writer.on('failed', (shows) => live.markStale(shows));
  writer.addBarrier(
    () => live.isStale,
    () => live.ensureFresh(),
  );
  const reconciliation = startReconciliation({
    live,
    store,
    writer,
    telemetry: app.telemetry,
    log: app.log.child({ module: 'reconcile' }),
    confirmShortfall: app.relay !== null,
    everyMs: config.reconcileMs,
  });

  // Every message a board shows carries when to show it: all boards at the same instant.
  const present = config.presentDelayMs;
  const snapshot = () => stampPresentation(live.snapshot(), present);
  let stopAnswers = () => {};
  if (app.relay) {
    const holding = () => !lease || lease.held;
    const stopSnapshotAnswers = answerSnapshotRequests(nsp, snapshot, config.tickMs, holding);
    const stopChunkAnswers = answerChunkRequests(nsp, (i) => live.seriesChunk(i), config.tickMs, holding);
    stopAnswers = () => {
      stopSnapshotAnswers();
      stopChunkAnswers();
    };
    // Ingest nodes' commits count on the wall like local ones; reconciliation checks them all.
    nsp.on(CLUSTER_EVENTS.commit, (msg) => {
      live.applyCommitted(expandRows(msg.rows), msg.at);
      soon();
    });
    // Every show of the failed batch is repaired, as for a local failure (checked: it crossed the network).
    nsp.on(CLUSTER_EVENTS.failure, (shows) =>
      live.markStale(Array.isArray(shows) ? shows.filter((s) => typeof s === 'string') : undefined),
    );
  }
  const stopClock = answerClockRequests(nsp);
  // The screen fleet: this node's boards report here, push nodes send theirs once a second.
  const fleet = new Fleet(new FleetReports(nsp), config.fleet, nodeName());
  if (app.relay) nsp.on(CLUSTER_EVENTS.fleet, (msg) => fleet.receive(msg));
  const stopSnapshots = serveSnapshots(nsp, config.tickMs, snapshot, (err) =>
    log.warn({ err: String(err) }, 'no snapshot for a board'),
  );

  // Every broadcast message is also recorded (off this path): what the wall showed, when.
  const onAir = recordOnAir(app, store, show.id, log, {
    program: () => live.program,
    builds: () => live.builds,
    keepDays: config.onAirRetentionDays,
  });
  const sendTick = (): boolean => {
    const tick = live.nextTick();
    if (!tick) return false;
    nsp.emit('tick', onAir.record('tick', stampPresentation(tick, present)));
    live.noteBroadcast('tick');
    fleet.seqTimes.note(tick.seq, Date.now());
    return true;
  };
  let lastRecovery = 0;
  const broadcast = (): boolean => {
    // Another live node holds the show: it broadcasts, this one keeps quiet until it has the lease back.
    if (lease && !lease.held) return false;
    // After a failed write, keep trying to rebuild from the store even if no order arrives.
    // Only while the writer is idle: otherwise its barrier rebuilds before the next INSERT,
    // with nothing in the engine and every earlier commit handed on.
    if (live.isStale && !writer.busy && Date.now() - lastRecovery >= 1000) {
      lastRecovery = Date.now();
      live.ensureFresh().catch((err: unknown) => log.warn({ err: String(err) }, 'store still unavailable'));
    }
    // Late orders in thousands of seconds at once: a snapshot (and the boards revalidate their
    // series chunks) instead of a tick that large, so every message stays bounded in bytes.
    if (live.needsSnapshot || live.board.changedSeconds > MAX_TICK_SECONDS) {
      live.needsSnapshot = false;
      live.board.takeChanged();
      nsp.emit('snapshot', onAir.record('snapshot', snapshot()));
      live.noteBroadcast('snapshot');
      fleet.seqTimes.note(live.seq, Date.now());
      return true;
    }
    return sendTick();
  };
  // At most one message per TICK_MS, sent as soon as a commit changes the board (not at the next
  // beat of a fixed timer): a commit after a quiet spell is on the boards at once; under a
  // steady stream of commits the boards get a tick every TICK_MS. The beat keeps the heartbeat,
  // snapshots after a rebuild and recovery going when no order arrives.
  let lastSentAt = -Infinity;
  let pending: NodeJS.Timeout | null = null;
  const soon = (): void => {
    if (pending) return;
    const wait = Math.max(0, lastSentAt + config.tickMs - performance.now());
    pending = setTimeout(() => {
      pending = null;
      if (broadcast()) lastSentAt = performance.now();
    }, wait);
  };
  const beat = setInterval(soon, config.tickMs);
  writer.on('committed', soon);

  app.addHook('preClose', async () => {
    sockets.stopSlow();
    stopAnswers();
    stopSnapshots();
    stopClock();
    clearInterval(beat);
    if (pending) clearTimeout(pending);
    writer.off('committed', soon);
    reconciliation.stop();
    // Orders committed while the writer drains still reach the boards.
    await writer.drain();
    // Flush the last state to boards before sockets close (unless another node broadcasts the show).
    if (!lease || lease.held) sendTick();
    await sockets.close();
    await lease?.release();
  });

  return {
    live,
    liveLease: lease,
    reconciliation: reconciliation.state,
    io: sockets.io,
    fleet,
    source: {
      totals: async () => live.totals(),
      seriesChunk: async (chunk) => live.seriesChunk(chunk),
    },
  };
}
