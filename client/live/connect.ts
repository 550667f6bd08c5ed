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

/** A board socket and the store it feeds; `close` ends both. */
export interface BoardConnection<S> {
  socket: S;
  store: LiveStore;
  close: () => void;
}

/**
 * Opens a socket on `namespace` of this origin, at the socket.io server on `path`,
 * and feeds a new store with its snapshots and ticks, retrying when the server
 * drops us on purpose. Every namespace that speaks the board's Snapshot/Tick
 * messages (live on `/socket.io`, replay on REPLAY_PATH) uses it.
 */
export function connectBoard<S extends ServerToClientEvents, C extends ClientToServerEvents>(
  namespace: string,
  search: string,
  path = '/socket.io',
): BoardConnection<Socket<S, C>> {
  const socket = io(namespace, { ...socketOptions(search), path }) as Socket<S, C>;
  // The board events only: the wider socket type would make every handler generic.
  const board = socket as unknown as LiveSocket;
  const store = createLiveStore(() => board.emit('resync'));
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryLater = () => {
    clearTimeout(retry);
    retry = setTimeout(() => board.connect(), MANUAL_RETRY_MS);
  };

  board.on('connect', () => store.dispatch({ type: 'connected' }));
  board.on('disconnect', (reason) => {
    store.dispatch({ type: 'disconnected' });
    if (reason === 'io server disconnect') retryLater();
  });
  board.on('connect_error', () => {
    store.dispatch({ type: 'disconnected' });
    if (!board.active) retryLater();
  });
  board.on('snapshot', (snapshot) => store.dispatch({ type: 'snapshot', snapshot, atMs: Date.now() }));
  board.on('tick', (tick) => store.dispatch({ type: 'tick', tick, atMs: Date.now() }));

  return {
    socket,
    store,
    close() {
      clearTimeout(retry);
      board.close();
    },
  };
}

/** Opens the live socket on this origin and feeds a new store; `close` ends both. */
export function connectLive(search: string = window.location.search): { store: LiveStore; close: () => void } {
  const { store, close } = connectBoard<ServerToClientEvents, ClientToServerEvents>(LIVE_NAMESPACE, search);
  return { store, close };
}
