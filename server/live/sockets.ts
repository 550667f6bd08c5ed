import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { boardCaps } from './caps.js';
import type { InterServerEvents, LiveNamespace } from '../messages.js';
import { dropSlowReaders } from './slow-readers.js';
import { viewerGate } from './viewer-gate.js';

/** The board's socket.io server. */
export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;
/** A board's socket on the live namespace. */
export type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

/** The boards' sockets of a node that serves the wall (the live node and push nodes alike). */
export interface BoardSockets {
  io: BoardServer;
  nsp: LiveNamespace;
  /** Stops dropping boards that stopped reading (first thing at close). */
  stopSlow(): void;
  /** Disconnects every board, closes the engine and the adapter (the HTTP server is fastify's). */
  close(): Promise<void>;
}

/**
 * socket.io on the app's HTTP server: the board namespace, its gates (viewer access on every
 * handshake, then the connection caps) and the slow-reader check. Broadcasts go through the
 * relay's adapter when there is one, so they reach the boards of every node.
 */
export function openBoardSockets(app: FastifyInstance, config: Config, log: FastifyBaseLogger): BoardSockets {
  const io: BoardServer = new Server(app.server, {
    serveClient: false,
    // The board never sends more than a resync request.
    maxHttpBufferSize: 1024,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    ...(app.relay ? { adapter: app.relay.adapter } : {}),
  });
  const nsp = io.of(LIVE_NAMESPACE);
  // Every handshake, reconnections included, shows a viewer token when access is closed: on every node.
  nsp.use(viewerGate(app.viewers));
  // Last: only a handshake every other check admits takes a place.
  nsp.use(boardCaps(nsp, config.boardCaps));
  const stopSlow = dropSlowReaders(nsp, config, log);
  return {
    io,
    nsp,
    stopSlow,
    async close() {
      stopSlow();
      io.disconnectSockets(true);
      io.engine.close();
      // With Redis: stops the adapter's stream reader and tells the other nodes this one is gone.
      await nsp.adapter.close();
    },
  };
}
