import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Namespace } from 'socket.io';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { CLUSTER_EVENTS, answerChunkRequests, answerSnapshotRequests, expandRows, type CompactRow } from './cluster.js';
import { takeLiveLease, type LiveLease } from './lease.js';
import { servePush } from './push.js';
import { recordOnAir } from './record.js';
import { serveSnapshots } from './resync.js';
import { startReconciliation, type Reconciliation } from './reconcile.js';
import { LiveService } from './service.js';
import { viewerGate } from './viewer-gate.js';
import { boardCaps } from './caps.js';
import { dropSlowReaders } from './slow-readers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The live show's state; only on the live node (ROLE=all). */
    live: LiveService;
    /** The live node's lease on its show, with Redis; null on a single node. Only on the live node. */
    liveLease: LiveLease | null;
    /** Last reconciliation of the live totals against ClickHouse; only on the live node. */
    reconciliation: Reconciliation;
    io: Server<ClientToServerEvents, ServerToClientEvents>;
  }
}

/** Most changed seconds a tick carries; past it the boards get a snapshot (see MAX_STREAM_ENTRY_BYTES). */
export const MAX_TICK_SECONDS = 2000;

/** The board's namespace. */
export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;

/**
 * The live board over socket.io: a snapshot on connect (and on request), then at
 * most one tick per TICK_MS from a single broadcast loop. Broadcasts go through
 * socket.io's adapter: with REDIS_URL they reach the clients of every node, and a
 * push node (ROLE=push) serves sockets from them without a store of its own.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
      serveClient: false,
      // The board never sends more than a resync request.
      maxHttpBufferSize: 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
      ...(app.relay ? { adapter: app.relay.adapter } : {}),
    });
    app.decorate('io', io);
    const nsp = io.of(LIVE_NAMESPACE);
    // Every handshake, reconnections included, shows a viewer token when access is closed: on every node.
    nsp.use(viewerGate(app.viewers));
    // Last: only a handshake every other check admits takes a place.
    nsp.use(boardCaps(nsp, config.boardCaps));
    const log = app.log.child({ module: 'live' });
    const stopSlow = dropSlowReaders(nsp, config, log);

    if (config.role === 'push') {
      const stopPush = servePush(app, nsp, config, log);
      app.addHook('preClose', async () => {
        stopSlow();
        stopPush();
        io.disconnectSockets(true);
        io.engine.close();
        await nsp.adapter.close();
      });
      return;
    }
    await serveLive(app, nsp, config, log, stopSlow);
  },
  { name: 'live', dependencies: ['security', 'relay', 'telemetry'] },
);

/** The live node: the show's state, the one broadcast loop, and answers to the other nodes. */
async function serveLive(
  app: FastifyInstance,
  nsp: LiveNamespace,
  config: Config,
  log: FastifyBaseLogger,
  stopSlow: () => void,
): Promise<void> {
  const show = config.shows.find((s) => s.id === config.liveShow)!;
  // Across nodes, one broadcast loop per show.
  let leaseChanged = (_held: boolean) => {};
  const lease = app.relay ? await takeLiveLease(app.relay.redis, show.id, log, (held) => leaseChanged(held)) : null;
  app.decorate('liveLease', lease);
  const lastYear = config.shows.find((s) => s.id === show.compareTo) ?? null;
  const live = new LiveService(show, config.clock, app.store, log, lastYear, app.telemetry);
  await live.ensureFresh();
  app.decorate('live', live);
  leaseChanged = (held) => {
    // Lost: another node broadcasts the show. This one reports not ready (/readyz) and sends its
    // boards away to reconnect, through the balancer, to a node that follows the holder's ticks.
    // Regained: every board here needs a fresh snapshot.
    if (held) live.needsSnapshot = true;
    else nsp.local.disconnectSockets(true);
  };

  // The local writer's commits flow here, one way: applied to the board, a failure marks it
  // stale, and the next INSERT waits until the state is rebuilt (and its rollups repaired).
  const writer = app.hasDecorator('writer') ? app.writer : null;
  if (writer) {
    writer.on('committed', ({ orders, committedAtMs }) => live.applyCommitted(orders, committedAtMs));
    // The shows of the failed batch: each one's rollups are repaired, not only the live show's.
    writer.on('failed', (shows) => live.markStale(shows));
    writer.addBarrier(
      () => live.isStale,
      () => live.ensureFresh(),
    );
  }
  const reconciliation = startReconciliation({
    live,
    store: app.store,
    writer,
    telemetry: app.telemetry,
    log: app.log.child({ module: 'reconcile' }),
    confirmShortfall: app.relay !== null,
    everyMs: config.reconcileMs,
  });
  app.decorate('reconciliation', reconciliation.state);

  let stopAnswers = () => {};
  if (app.relay) {
    const cluster = nsp as unknown as Namespace;
    const holding = () => !lease || lease.held;
    const stopSnapshotAnswers = answerSnapshotRequests(cluster, () => live.snapshot(), config.tickMs, holding);
    const stopChunkAnswers = answerChunkRequests(cluster, (i) => live.seriesChunk(i), config.tickMs, holding);
    stopAnswers = () => {
      stopSnapshotAnswers();
      stopChunkAnswers();
    };
    // Ingest nodes' commits count on the wall like local ones; reconciliation checks them all.
    cluster.on(CLUSTER_EVENTS.commit, (msg: { at: number; rows: CompactRow[] }) => {
      live.applyCommitted(expandRows(msg.rows), msg.at);
      soon();
    });
    cluster.on(CLUSTER_EVENTS.failure, () => live.markStale());
  }
  const stopSnapshots = serveSnapshots(
    nsp,
    config.tickMs,
    () => live.snapshot(),
    (err) => log.warn({ err: String(err) }, 'no snapshot for a board'),
  );

  // Every broadcast message is also recorded (off this path): what the wall showed, when.
  const onAir = recordOnAir(app, show.id, log);
  const sendTick = (): boolean => {
    const tick = live.nextTick();
    if (!tick) return false;
    nsp.emit('tick', onAir.record('tick', tick));
    live.noteBroadcast('tick');
    return true;
  };
  let lastRecovery = 0;
  const broadcast = (): boolean => {
    // Another live node holds the show: it broadcasts, this one keeps quiet until it has the lease back.
    if (lease && !lease.held) return false;
    // After a failed write, keep trying to rebuild from the store even if no order arrives.
    // Only while the local writer is idle: otherwise its barrier rebuilds before the next INSERT,
    // with nothing in the engine and every earlier commit handed on.
    if (live.isStale && !writer?.busy && Date.now() - lastRecovery >= 1000) {
      lastRecovery = Date.now();
      live.ensureFresh().catch((err: unknown) => log.warn({ err: String(err) }, 'store still unavailable'));
    }
    // Late orders in thousands of seconds at once: a snapshot (and the boards revalidate their
    // series chunks) instead of a tick that large, so every message stays bounded in bytes.
    if (live.needsSnapshot || live.board.changedSeconds > MAX_TICK_SECONDS) {
      live.needsSnapshot = false;
      live.board.takeChanged();
      nsp.emit('snapshot', onAir.record('snapshot', live.snapshot()));
      live.noteBroadcast('snapshot');
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
  writer?.on('committed', soon);

  app.addHook('preClose', async () => {
    stopSlow();
    stopAnswers();
    stopSnapshots();
    clearInterval(beat);
    if (pending) clearTimeout(pending);
    writer?.off('committed', soon);
    reconciliation.stop();
    // Orders committed while the writer drains still reach the boards.
    await writer?.drain();
    // Flush the last state to boards before sockets close (unless another node broadcasts the show).
    if (!lease || lease.held) sendTick();
    // Close sockets and the engine but leave the HTTP server to fastify.
    app.io.disconnectSockets(true);
    app.io.engine.close();
    // With Redis: stops the adapter's stream reader and tells the other nodes this one is gone.
    await nsp.adapter.close();
    await lease?.release();
  });
}
