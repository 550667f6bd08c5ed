import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { LIVE_NAMESPACE, PROTOCOL_VERSION, SERIES_CHUNK_PATH } from '../../shared/protocol.js';
import type { ClientToServerEvents, SeriesChunk, ServerToClientEvents, Snapshot, Tick } from '../../shared/protocol.js';
import { addClockSample, ArrivalBound, tightenedClockOffset, type ClockSample } from './clock.js';
import { createPresenter, type Presentable, type Presented } from './present.js';
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

/** A chunk that could not be fetched is tried again this much later, a few times. */
const CHUNK_RETRY_MS = 5000;
const CHUNK_ATTEMPTS = 3;

/**
 * Fetches the chunks of the series a snapshot left out and hands them to the store. The
 * server sends an ETag and `no-cache`: after a reconnect the browser revalidates (304) instead
 * of downloading again. `busy` holds the chunks already on their way.
 */
async function loadHistory(snapshot: Snapshot, search: string, store: LiveStore, busy: Set<number>): Promise<void> {
  const token = new URLSearchParams(search).get('token');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  for (const chunk of snapshot.history?.chunks ?? []) {
    if (busy.has(chunk)) continue;
    busy.add(chunk);
    try {
      for (let attempt = 1; attempt <= CHUNK_ATTEMPTS; attempt++) {
        try {
          const res = await fetch(`${SERIES_CHUNK_PATH}/${chunk}`, { headers });
          if (res.ok) {
            const body = (await res.json()) as SeriesChunk;
            store.dispatch({ type: 'history', show: body.show, series: body.series });
            break;
          }
        } catch {
          // offline for a moment: try again below
        }
        if (attempt < CHUNK_ATTEMPTS) await new Promise((r) => setTimeout(r, CHUNK_RETRY_MS));
      }
    } finally {
      busy.delete(chunk);
    }
  }
}

/**
 * A server speaking another protocol version was deployed: this page is out of date. A screen
 * on a wall has nobody to press reload, so it reloads itself, each screen at a random moment
 * within half a minute (not a thousand at once), and at most once in five minutes (a server
 * older than the page must not make it reload forever).
 */
function reloadSoon(): void {
  if (typeof window === 'undefined') return;
  const KEY = 'gmv-live:reloaded-at';
  try {
    const last = Number(window.sessionStorage.getItem(KEY) ?? 0);
    if (Date.now() - last < 5 * 60_000) return;
    window.sessionStorage.setItem(KEY, String(Date.now()));
  } catch {
    return; // no storage: stay on the "board out of date" mark rather than risk a loop
  }
  setTimeout(() => window.location.reload(), 5000 + Math.random() * 25_000);
}

/** `clock` requests on each connect (the least round trip of them wins), then one every CLOCK_EVERY_MS. */
const CLOCK_BURST = 4;
const CLOCK_EVERY_MS = 20_000;
const CLOCK_TIMEOUT_MS = 2000;

/** A board's view of the server clock (see measureClock). */
interface ServerClock {
  /** Client clock minus server clock, ms; null before any exchange or message. */
  offsetMs(): number | null;
  /** A message arrived now: its `sentAtMs` bounds the offset from above. */
  note(sentAtMs: number): void;
  stop(): void;
}

/**
 * Measures this board's offset to the server clock over the socket, NTP-style: a burst on every
 * connect (a reconnect may reach another node), then one exchange every CLOCK_EVERY_MS, within
 * the server's CLOCK_REQUESTS_PER_MINUTE; the messages' arrivals narrow it (tightenedClockOffset).
 * Before the first answer, the arrivals alone (late by the least delay). Reads the client clock as
 * `now()` (the frames' base).
 */
function measureClock(board: LiveSocket, now: () => number): ServerClock {
  let samples: ClockSample[] = [];
  const bound = new ArrivalBound();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const ask = (left: number): void => {
    if (stopped || !board.connected) return;
    const sentMs = now();
    board.timeout(CLOCK_TIMEOUT_MS).emit('clock', (err: Error | null, serverMs: number | null) => {
      if (!err && typeof serverMs === 'number') samples = addClockSample(samples, sentMs, serverMs, now());
      clearTimeout(timer);
      timer = setTimeout(() => ask(Math.max(0, left - 1)), left > 1 ? 0 : CLOCK_EVERY_MS);
    });
  };
  board.on('connect', () => {
    samples = [];
    bound.reset();
    clearTimeout(timer);
    ask(CLOCK_BURST);
  });
  return {
    offsetMs: () => (samples.length > 0 ? tightenedClockOffset(samples, bound.upperMs) : bound.upperMs),
    note: (sentAtMs) => bound.note(now(), sentAtMs),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The ?probe=1 test hook: each applied message and the frame that painted it (window.__gmvPaints). */
function paintProbe(search: string): ((p: Presented) => void) | null {
  if (typeof window === 'undefined' || new URLSearchParams(search).get('probe') !== '1') return null;
  const paints: Presented[] = [];
  (window as unknown as { __gmvPaints: Presented[] }).__gmvPaints = paints;
  return (p) => {
    if (paints.length < 100_000) paints.push(p);
  };
}

/** When the server refuses or drops us on purpose socket.io stops retrying; a board on a wall must not. */
const MANUAL_RETRY_MS = 5000;

/** A board socket and the store it feeds; `close` ends both. */
export interface BoardConnection<S> {
  socket: S;
  store: LiveStore;
  /** Runs `apply` at the message's presentation time (frame lock), or at once on a board without it. */
  present: (message: Presentable, apply: () => void) => void;
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
  frameLock = false,
): BoardConnection<Socket<S, C>> {
  const socket = io(namespace, { ...socketOptions(search), path }) as Socket<S, C>;
  // The board events only: the wider socket type would make every handler generic.
  const board = socket as unknown as LiveSocket;
  const store = createLiveStore(() => board.emit('resync'));
  let retry: ReturnType<typeof setTimeout> | undefined;
  // An expired share link stays expired: retrying cannot help, a new link can.
  let expired = false;
  const retryLater = () => {
    clearTimeout(retry);
    if (expired) return;
    retry = setTimeout(() => board.connect(), MANUAL_RETRY_MS);
  };

  // Frame lock (the live board): messages are shown at their presentAtMs on the measured server clock.
  const clock =
    frameLock && typeof performance !== 'undefined'
      ? measureClock(board, () => performance.timeOrigin + performance.now())
      : null;
  const presenter = clock ? createPresenter(() => clock.offsetMs(), paintProbe(search)) : null;
  const show = (message: Snapshot | Tick, apply: () => void): void => {
    if (!clock || !presenter) return apply();
    clock.note(message.sentAtMs);
    presenter.hold(message, apply);
  };

  board.on('connect', () => store.dispatch({ type: 'connected' }));
  board.on('disconnect', (reason) => {
    store.dispatch({ type: 'disconnected' });
    if (reason === 'io server disconnect') retryLater();
  });
  board.on('connect_error', (err: Error & { data?: { message?: unknown; expired?: unknown } }) => {
    store.dispatch({ type: 'disconnected' });
    const message = typeof err.data?.message === 'string' ? err.data.message : null;
    if (message !== null) store.dispatch({ type: 'refused', message });
    if (err.data?.expired === true) expired = true;
    if (!board.active) retryLater();
  });
  // Dropped on purpose, with the reason first (a share link that expired while on screen).
  (board as unknown as Socket).on('unauthorized', (r: { message?: unknown; expired?: unknown }) => {
    if (typeof r?.message === 'string') store.dispatch({ type: 'refused', message: r.message });
    if (r?.expired === true) expired = true;
  });
  const loading = new Set<number>();
  board.on('snapshot', (snapshot) => {
    const atMs = Date.now();
    if (snapshot.v !== PROTOCOL_VERSION) reloadSoon();
    show(snapshot, () => {
      store.dispatch({ type: 'snapshot', snapshot, atMs });
      // After the snapshot is in: the store takes the older seconds of the show it shows.
      if (snapshot.v === PROTOCOL_VERSION && snapshot.history && snapshot.history.chunks.length > 0) {
        void loadHistory(snapshot, search, store, loading);
      }
    });
  });
  board.on('tick', (tick) => {
    const atMs = Date.now();
    show(tick, () => store.dispatch({ type: 'tick', tick, atMs }));
  });

  return {
    socket,
    store,
    present: (message, apply) => (presenter ? presenter.hold(message, apply) : apply()),
    close() {
      clearTimeout(retry);
      clock?.stop();
      presenter?.close();
      board.close();
    },
  };
}

/** Opens the live socket on this origin and feeds a new store; `close` ends both. */
export function connectLive(
  search: string = window.location.search,
): Pick<BoardConnection<LiveSocket>, 'store' | 'socket' | 'present' | 'close'> {
  return connectBoard<ServerToClientEvents, ClientToServerEvents>(LIVE_NAMESPACE, search, '/socket.io', true);
}
