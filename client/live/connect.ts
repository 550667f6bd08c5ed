import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import { createLiveStore } from './store.js';
import type { LiveStore } from './store.js';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Socket options for the page; a `?token=` in the URL is passed on as `auth.token` for viewer auth. */
export function socketOptions(search: string): Partial<ManagerOptions & SocketOptions> {
  const token = new URLSearchParams(search).get('token');
  return {
    transports: ['websocket', 'polling'],
    ...(token ? { auth: { token } } : {}),
  };
}

/** When the server refuses or drops us on purpose socket.io stops retrying; a board on a wall must not. */
const MANUAL_RETRY_MS = 5000;

/** Opens the live socket on this origin and feeds a new store; `close` ends both. */
export function connectLive(search: string = window.location.search): { store: LiveStore; close: () => void } {
  const socket: LiveSocket = io(LIVE_NAMESPACE, socketOptions(search));
  const store = createLiveStore(() => socket.emit('resync'));
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryLater = () => {
    clearTimeout(retry);
    retry = setTimeout(() => socket.connect(), MANUAL_RETRY_MS);
  };

  socket.on('connect', () => store.dispatch({ type: 'connected' }));
  socket.on('disconnect', (reason) => {
    store.dispatch({ type: 'disconnected' });
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', () => {
    store.dispatch({ type: 'disconnected' });
    if (!socket.active) retryLater();
  });
  socket.on('snapshot', (snapshot) => store.dispatch({ type: 'snapshot', snapshot, atMs: Date.now() }));
  socket.on('tick', (tick) => store.dispatch({ type: 'tick', tick, atMs: Date.now() }));

  return {
    store,
    close() {
      clearTimeout(retry);
      socket.close();
    },
  };
}
