import type { Snapshot } from '../../shared/protocol.js';
import type { LiveNamespace } from '../messages.js';
import type { BoardSocket } from './sockets.js';

/**
 * Boards asking for a snapshot within this long of each other get one message, encoded once:
 * a thousand screens reconnecting after a blip cost a handful of encodings, not a thousand.
 */
const GATHER_MS = 20;

/**
 * Gives each board a snapshot on connect and on `resync`: on the live node and on push nodes
 * alike, one snapshot per tick interval per socket at most, whatever a client asks. The
 * boards waiting at a moment share one snapshot, sent as one broadcast to them (socket.io
 * encodes a broadcast once for all its sockets). Returns a stop function.
 */
export function serveSnapshots(
  nsp: LiveNamespace,
  tickMs: number,
  snapshot: () => Snapshot | Promise<Snapshot>,
  failed: (err: unknown) => void,
): () => void {
  const waiting = new Set<BoardSocket>();
  let timer: NodeJS.Timeout | null = null;
  const flush = async (): Promise<void> => {
    timer = null;
    if (waiting.size === 0) return;
    const sockets = [...waiting];
    waiting.clear();
    try {
      const s = await snapshot();
      const ids = sockets.filter((socket) => socket.connected).map((socket) => socket.id);
      // Each socket is in the room of its own id; `local`: only this node's sockets, never through Redis.
      if (ids.length > 0) nsp.local.to(ids).emit('snapshot', s);
    } catch (err) {
      // The clients ask again (resync) on the next tick they cannot place.
      failed(err);
    }
  };
  const want = (socket: BoardSocket): void => {
    waiting.add(socket);
    timer ??= setTimeout(() => void flush(), GATHER_MS);
  };
  nsp.on('connection', (socket) => {
    want(socket);
    let last = 0;
    socket.on('resync', () => {
      const now = Date.now();
      if (now - last < tickMs) return;
      last = now;
      want(socket);
    });
    socket.on('disconnect', () => waiting.delete(socket));
  });
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
    waiting.clear();
  };
}
