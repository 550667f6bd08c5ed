import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'socket.io';
import type { Config } from '../config.js';

/** The part of a namespace the check needs, whatever its event maps. */
interface Sockets {
  sockets: Map<string, Pick<Socket, 'id' | 'conn' | 'disconnect'>>;
}

/**
 * A board that stops reading (a frozen TV, a dead network) would make the server
 * buffer messages for it without bound: past the limit it is dropped, and when it
 * comes back it reconnects and gets a fresh snapshot. Used by the live board and
 * by replays (whose snapshots of a whole day are megabytes). Returns the stop.
 */
export function dropSlowReaders(
  nsp: Sockets,
  config: Pick<Config, 'maxSocketBufferBytes' | 'tickMs'>,
  log: FastifyBaseLogger,
): () => void {
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
  return () => clearInterval(slowTimer);
}
