import type { Namespace, Socket } from 'socket.io';
import type { ErrorCode } from '../../shared/errors.js';

/** The code a board is refused with when a node has as many boards as it takes. */
export const TOO_MANY_BOARDS = 'GMV_ERR_TOO_MANY_BOARDS' satisfies ErrorCode;

export interface BoardCaps {
  /** Most boards this node serves on the namespace. */
  total: number;
  /** Most boards from one address (a venue behind one NAT counts as one address). */
  perAddress: number;
}

/** The namespace as far as the caps need it, whatever its event maps. */
interface Sockets {
  on(event: 'connection', listener: (socket: Pick<Socket, 'handshake' | 'once'>) => void): unknown;
}

/**
 * socket.io middleware: refuses a handshake past the node's cap or the address's cap, with
 * `connect_error` (message: the code; `data`: code and a message for the people in front of
 * the screen). Boards are counted when they connect and uncounted when they go, so a burst of
 * handshakes may pass a cap by the handshakes in flight at that moment, never by more.
 */
export function boardCaps(nsp: Sockets, caps: BoardCaps): Parameters<Namespace['use']>[0] {
  let total = 0;
  const byAddress = new Map<string, number>();
  nsp.on('connection', (socket) => {
    const address = socket.handshake.address;
    total++;
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    socket.once('disconnect', () => {
      total--;
      const n = (byAddress.get(address) ?? 1) - 1;
      if (n > 0) byAddress.set(address, n);
      else byAddress.delete(address);
    });
  });
  return (socket, next) => {
    const refuse = (message: string) =>
      next(Object.assign(new Error(TOO_MANY_BOARDS), { data: { code: TOO_MANY_BOARDS, message } }));
    if (total >= caps.total) return refuse(`this server shows at most ${caps.total} boards; retrying`);
    if ((byAddress.get(socket.handshake.address) ?? 0) >= caps.perAddress) {
      return refuse(`at most ${caps.perAddress} boards from one address; retrying`);
    }
    next();
  };
}
