import type { Socket } from 'socket.io';
import type { ErrorCode } from '../../shared/errors.js';
import type { ViewerAccess } from '../auth.js';

/** The code of every refusal and drop of a viewer, on the socket as over HTTP. */
export const VIEWER_UNAUTHORIZED = 'GMV_ERR_VIEWER_UNAUTHORIZED' satisfies ErrorCode;

/**
 * What a board is told when the gate refuses or drops it: the handshake's `connect_error`
 * carries it as `err.data` (its `err.message` is the code), and a socket dropped when its
 * share link expires gets it as an `unauthorized` event just before the server disconnects it.
 */
export interface ViewerRefusal {
  code: typeof VIEWER_UNAUTHORIZED;
  /** Why, for the people in front of the screen. */
  message: string;
  /** True when the credential was a genuine share link that has expired: a new link is needed. */
  expired: boolean;
}

export const LINK_EXPIRED: ViewerRefusal = {
  code: VIEWER_UNAUTHORIZED,
  message: 'the share link has expired; ask for a new one',
  expired: true,
};
const TOKEN_REFUSED: ViewerRefusal = {
  code: VIEWER_UNAUTHORIZED,
  message: 'a valid viewer token or share link is required',
  expired: false,
};

/** Longest wait setTimeout takes as it is (about 24.8 days); a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * socket.io middleware of every board namespace (/live, /replay): each handshake,
 * reconnections included, shows a viewer token or share link when access is closed.
 * A socket admitted with a share link is disconnected when the link expires (a timer
 * per such socket, cleared when it goes), after an `unauthorized` event saying so; its
 * reconnections are then refused. Viewer tokens are read once at start, so one cannot
 * be withdrawn from a running process: a restart drops every socket anyway.
 */
export function viewerGate(viewers: ViewerAccess): (socket: Socket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const admission = viewers.admit(token);
    if (!admission.ok) {
      next(Object.assign(new Error(VIEWER_UNAUTHORIZED), { data: admission.expired ? LINK_EXPIRED : TOKEN_REFUSED }));
      return;
    }
    if (admission.expiresAtMs !== null) dropAtExpiry(socket, admission.expiresAtMs);
    next();
  };
}

function dropAtExpiry(socket: Socket, expiresAtMs: number): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    socket.off('disconnect', cancel);
    socket.conn.off('close', cancel);
  };
  // Always through a timer, even at once: the socket is connected by then (after the middleware).
  const arm = () => {
    timer = setTimeout(check, Math.max(0, Math.min(expiresAtMs - Date.now(), MAX_TIMER_MS)));
    // A pending expiry never keeps the process alive.
    timer.unref();
  };
  const check = () => {
    if (Date.now() < expiresAtMs) return arm();
    cancel();
    socket.emit('unauthorized', LINK_EXPIRED);
    socket.disconnect(true);
  };
  // Gone before its expiry: by a disconnect, or a connection closed before the handshake ended.
  socket.once('disconnect', cancel);
  socket.conn.once('close', cancel);
  arm();
}
