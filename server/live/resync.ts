import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import type { LiveNamespace } from './plugin.js';

/** A board's socket on the live namespace. */
export type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/**
 * Gives each board a snapshot on connect and on `resync`: on the live node and on push
 * nodes alike, one snapshot per tick interval per socket at most, whatever a client asks.
 */
export function serveSnapshots(nsp: LiveNamespace, tickMs: number, send: (socket: BoardSocket) => void): void {
  nsp.on('connection', (socket) => {
    send(socket);
    let last = 0;
    socket.on('resync', () => {
      const now = Date.now();
      if (now - last < tickMs) return;
      last = now;
      send(socket);
    });
  });
}
