import type { FastifyInstance } from 'fastify';
import { Server, type Namespace, type Socket } from 'socket.io';
import {
  REPLAY_NAMESPACE,
  REPLAY_PATH,
  type ReplayAck,
  type ReplayClientToServerEvents,
  type ReplayServerToClientEvents,
  type ReplayStatus,
} from '../../shared/history.js';
import type { Config } from '../config.js';
import type { StoreHandle } from '../store/client.js';
import { dropSlowReaders } from '../live/slow-readers.js';
import { viewerGate } from '../live/viewer-gate.js';
import { ReplayError } from './errors.js';
import { ReplayService } from './service.js';
import type { ReplaySession } from './session.js';

/** The replays a node serves. */
export interface ReplayPart {
  replays: ReplayService;
  /** The replays' socket.io server, on REPLAY_PATH. */
  replayIo: Server<ReplayClientToServerEvents, ReplayServerToClientEvents>;
}

type ReplayNamespace = Namespace<ReplayClientToServerEvents, ReplayServerToClientEvents>;
type ReplaySocket = Socket<ReplayClientToServerEvents, ReplayServerToClientEvents>;

const room = (id: string) => `replay:${id}`;

/**
 * Server-driven replays over socket.io REPLAY_NAMESPACE, on a socket.io server of
 * their own at REPLAY_PATH, so a balancer can send replay sockets to this node and
 * board sockets (`/socket.io`) to push nodes. It shares the HTTP server and the
 * viewer gate with the board, but keeps socket.io's in-memory adapter even with
 * REDIS_URL: a replay lives in this node's memory, and its frames (a full day's
 * snapshot is megabytes) must never fill the stream every node reads.
 * Each replay is a room: every viewer gets the same snapshot, tick and replay
 * messages, whoever steers.
 */
export function serveReplays(app: FastifyInstance, config: Config, store: StoreHandle): ReplayPart {
  const log = app.log.child({ module: 'replay' });
  const io = new Server<ReplayClientToServerEvents, ReplayServerToClientEvents>(app.server, {
    path: REPLAY_PATH,
    serveClient: false,
    // A viewer sends only small requests (create, join, control, resync).
    maxHttpBufferSize: 4096,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // Upgrades on other paths (the board's `/socket.io`) are not ours to end: the board's
    // server answers its own and ends stray ones.
    destroyUpgrade: false,
  });
  const nsp: ReplayNamespace = io.of(REPLAY_NAMESPACE);
  const service = new ReplayService(
    config.shows,
    config.replay,
    store,
    (id) => ({
      snapshot: (s) => nsp.to(room(id)).emit('snapshot', s),
      tick: (t) => nsp.to(room(id)).emit('tick', t),
      status: (s) => nsp.to(room(id)).emit('replay', s),
    }),
    log,
  );
  // Orders written to a finished day (late ones, a reload) must show in its next replay.
  app.telemetry.on('flush', (f) => service.forget(f.shows));
  app.telemetry.on('flushFailed', () => service.forget('all'));

  nsp.use(viewerGate(app.viewers));
  // A viewer that stops reading would hold megabytes of frames: dropped, it rejoins on reconnect.
  const stopSlow = dropSlowReaders(nsp, config, log);
  nsp.on('connection', (socket: ReplaySocket) => {
    let current: ReplaySession | null = null;
    const leave = () => {
      if (!current) return;
      const s = current;
      current = null;
      void socket.leave(room(s.id));
      service.leave(s, socket.id);
      if (service.sessions.has(s.id)) s.broadcastStatus();
    };
    const watch = (s: ReplaySession) => {
      if (current === s) return;
      service.join(s, socket.id);
      leave();
      current = s;
      void socket.join(room(s.id));
      socket.emit('snapshot', s.snapshot());
      s.broadcastStatus();
    };
    /** Runs a request and answers its ack; refusals carry their code, failures reveal nothing internal. */
    const answer = (ack: unknown, run: () => Promise<ReplayStatus>) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (r: ReplayAck) => void;
      run().then(
        (status) => reply({ ok: true, status }),
        (err: unknown) => {
          if (err instanceof ReplayError) reply({ ok: false, code: err.code, message: err.message });
          else {
            log.warn({ err: String(err) }, 'replay request failed');
            reply({ ok: false, code: 'GMV_ERR_STORE_UNAVAILABLE', message: 'storage is unavailable; retry later' });
          }
        },
      );
    };

    socket.on('create', (req, ack) =>
      answer(ack, async () => {
        const s = await service.create(req, socket.handshake.address);
        watch(s);
        return s.status();
      }),
    );
    socket.on('join', (id, ack) =>
      answer(ack, async () => {
        const s = service.get(id);
        watch(s);
        return s.status();
      }),
    );
    socket.on('control', (c, ack) =>
      answer(ack, async () => {
        const s = current;
        if (!s) throw new ReplayError('GMV_ERR_REPLAY_NOT_JOINED', 'create or join a replay first');
        if (typeof c !== 'object' || c === null)
          throw new ReplayError('GMV_ERR_REPLAY_REQUEST', 'control needs { action }');
        await s.control(c);
        return s.status();
      }),
    );
    let lastResync = 0;
    socket.on('resync', () => {
      // One snapshot per tick interval at most, whatever a client asks.
      const now = Date.now();
      if (!current || now - lastResync < config.tickMs) return;
      lastResync = now;
      try {
        socket.emit('snapshot', current.snapshot());
      } catch {
        // The board is being read again after a failure: its next seek sends a snapshot.
      }
    });
    socket.on('disconnect', leave);
  });

  const timer = setInterval(() => service.beat(), config.tickMs);
  app.addHook('preClose', async () => {
    clearInterval(timer);
    stopSlow();
    service.close();
    // Close sockets and the engine but leave the HTTP server (shared with the board) to fastify.
    io.disconnectSockets(true);
    io.engine.close();
  });
  return { replays: service, replayIo: io };
}
