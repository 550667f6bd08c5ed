import type { Socket } from 'socket.io';
import type { ViewerAccess } from '../auth.js';

/**
 * socket.io middleware of every board namespace (/live, /replay): each handshake,
 * reconnections included, shows a viewer token or share link when access is closed.
 */
export function viewerGate(viewers: ViewerAccess): (socket: Socket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    if (viewers.allows(token)) next();
    else next(new Error('GMV_ERR_VIEWER_UNAUTHORIZED'));
  };
}
