import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { recordOnAir } from './record.js';
import { LiveService } from './service.js';
import { viewerGate } from './viewer-gate.js';

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveService;
    io: Server<ClientToServerEvents, ServerToClientEvents>;
  }
}

/**
 * The live board over socket.io: a snapshot on connect (and on request), then at
 * most one tick per TICK_MS from a single broadcast loop. Broadcasts go through
 * socket.io's adapter, so other nodes can relay them later.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const show = config.shows.find((s) => s.id === config.liveShow)!;
    const log = app.log.child({ module: 'live' });
    const lastYear = config.shows.find((s) => s.id === show.compareTo) ?? null;
    const live = new LiveService(show, config.clock, app.store, log, lastYear);
    await live.ensureFresh();
    app.decorate('live', live);

    const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
      serveClient: false,
      // The board never sends more than a resync request.
      maxHttpBufferSize: 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
    });
    app.decorate('io', io);
    const nsp = io.of(LIVE_NAMESPACE);
    nsp.use(viewerGate(app.viewers));
    nsp.on('connection', (socket) => {
      socket.emit('snapshot', live.snapshot());
      let last = 0;
      socket.on('resync', () => {
        // One snapshot per tick interval at most, whatever a client asks.
        const now = Date.now();
        if (now - last < config.tickMs) return;
        last = now;
        socket.emit('snapshot', live.snapshot());
      });
    });

    // Every broadcast message is also recorded (off this path): what the wall showed, when.
    const onAir = recordOnAir(app, show.id, log);
    let lastRecovery = 0;
    const timer = setInterval(() => {
      // After a failed write, keep trying to rebuild from the store even if no order arrives.
      if (live.isStale && Date.now() - lastRecovery >= 1000) {
        lastRecovery = Date.now();
        live.ensureFresh().catch((err: unknown) => log.warn({ err: String(err) }, 'store still unavailable'));
      }
      if (live.needsSnapshot) {
        live.needsSnapshot = false;
        nsp.emit('snapshot', onAir.record('snapshot', live.snapshot()));
        return;
      }
      const tick = live.nextTick();
      if (tick) nsp.emit('tick', onAir.record('tick', tick));
    }, config.tickMs);

    // A board that stops reading (a frozen TV, a dead network) would make the server
    // buffer ticks for it without bound: past the limit it is dropped, and when it
    // comes back it reconnects and gets a fresh snapshot.
    const slowTimer = setInterval(() => {
      for (const socket of nsp.sockets.values()) {
        const conn = socket.conn as unknown as {
          writeBuffer?: unknown[];
          transport?: { socket?: { bufferedAmount?: number } };
        };
        const queued = conn.writeBuffer?.length ?? 0;
        const buffered = conn.transport?.socket?.bufferedAmount ?? 0;
        if (buffered > config.maxSocketBufferBytes || queued > 20 * (1000 / config.tickMs)) {
          log.warn({ id: socket.id, buffered, queued }, 'dropping a board that stopped reading');
          socket.disconnect(true);
          socket.conn.close();
        }
      }
    }, 1000);

    app.addHook('preClose', async () => {
      clearInterval(slowTimer);
      clearInterval(timer);
      // Orders committed while the writer drains still reach the boards.
      if (app.hasDecorator('writer')) await app.writer.drain();
      // Flush the last state to boards before sockets close.
      const tick = live.nextTick();
      if (tick) nsp.emit('tick', onAir.record('tick', tick));
      // Close sockets and the engine but leave the HTTP server to fastify.
      io.disconnectSockets(true);
      io.engine.close();
    });
  },
  { name: 'live', dependencies: ['store', 'security'] },
);
