import { REPLAY_NAMESPACE, REPLAY_PATH } from '../../shared/history.js';
import type {
  ReplayAck,
  ReplayClientToServerEvents,
  ReplayControl,
  ReplayCreate,
  ReplayServerToClientEvents,
  ReplayStatus,
} from '../../shared/history.js';
import { connectBoard } from './connect.js';
import { decodeReplayStatus, type FenReplayStatus } from './decode.js';
import type { LiveStore } from './store.js';

/** The replay's own state next to the board store, for the transport bar and timeline. */
export interface ReplayStatusStore {
  getState(): FenReplayStatus | null;
  subscribe(listener: () => void): () => void;
}

/** A replay socket: the board store its frames feed, the replay status, and the controls. */
export interface ReplayConnection {
  store: LiveStore;
  status: ReplayStatusStore;
  create(req: ReplayCreate): Promise<ReplayAck>;
  join(id: string): Promise<ReplayAck>;
  control(c: ReplayControl): Promise<ReplayAck>;
  /** Called when joining the replay again after a reconnection is refused (it may have ended meanwhile). */
  onRejoinFailed(listener: (r: ReplayAck & { ok: false }) => void): () => void;
  close(): void;
}

/** How long an unanswered request waits before it counts as failed. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * Opens the replay namespace on the replays' own socket.io server (REPLAY_PATH, which
 * a balancer sends to the live node) with the live board's connection logic (connectBoard):
 * the same store and reducer draw the replay's Snapshot/Tick messages. On every
 * reconnection the socket joins its replay again, since rooms do not survive one.
 */
export function connectReplay(search: string = window.location.search): ReplayConnection {
  const { socket, store, close } = connectBoard<ReplayServerToClientEvents, ReplayClientToServerEvents>(
    REPLAY_NAMESPACE,
    search,
    REPLAY_PATH,
  );
  let status: FenReplayStatus | null = null;
  let joined: string | null = null;
  const listeners = new Set<() => void>();
  const rejoinFailed = new Set<(r: ReplayAck & { ok: false }) => void>();
  const setStatus = (s: ReplayStatus) => {
    status = decodeReplayStatus(s);
    for (const l of listeners) l();
  };

  const ask = <A extends unknown[]>(send: (...a: [...A, (r: ReplayAck) => void]) => void, ...args: A) =>
    new Promise<ReplayAck>((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, code: 'GMV_ERR_TIMEOUT', message: 'the server did not answer' }),
        ACK_TIMEOUT_MS,
      );
      send(...args, (r: ReplayAck) => {
        clearTimeout(timer);
        if (r.ok) setStatus(r.status);
        resolve(r);
      });
    });

  socket.on('replay', (s) => {
    // Only the replay this page watches: a late status of a previous one must not move the bar.
    if (joined === null || s.id === joined) setStatus(s);
  });
  // Requests made before the first connection are buffered and sent on it; only later ones rejoin.
  let connectedBefore = false;
  socket.on('connect', () => {
    const first = !connectedBefore;
    connectedBefore = true;
    if (first || socket.recovered || joined === null) return;
    store.dispatch({ type: 'restarted' });
    const id = joined;
    void ask((i, ack) => socket.emit('join', i, ack), id).then((r) => {
      // Dropped while we were away (a laptop asleep past REPLAY_IDLE_MS, a server restart):
      // the screen must say so rather than freeze on the last frame.
      if (!r.ok && joined === id) for (const l of rejoinFailed) l(r);
    });
  });

  return {
    store,
    status: {
      getState: () => status,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    async create(req) {
      store.dispatch({ type: 'restarted' });
      const r = await ask((q, ack) => socket.emit('create', q, ack), req);
      if (r.ok) joined = r.status.id;
      return r;
    },
    async join(id) {
      joined = id;
      store.dispatch({ type: 'restarted' });
      return ask((i, ack) => socket.emit('join', i, ack), id);
    },
    control(c) {
      // A jump starts a new run of frames; its snapshot must replace the board whatever its seq.
      if (c.action === 'seek' || c.action === 'step') store.dispatch({ type: 'restarted' });
      return ask((q, ack) => socket.emit('control', q, ack), c);
    },
    onRejoinFailed(listener) {
      rejoinFailed.add(listener);
      return () => rejoinFailed.delete(listener);
    },
    close,
  };
}
