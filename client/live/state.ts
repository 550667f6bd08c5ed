import type { StaleThresholds } from '../../shared/freshness.js';
import type { Fen } from '../../shared/money.js';
import { followsDirectly, PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Arc, SeriesPoint, ShowInfo, Snapshot, Tick } from '../../shared/protocol.js';
import { addOffsetSample, clockOffsetMs, orderToScreenLag } from './clock.js';
import {
  decodeFigures,
  decodeLastYear,
  decodeSeries,
  type Figures,
  type FenLastYear,
  type FenPoint,
} from './decode.js';

export type { Figures } from './decode.js';

export type Link = 'connecting' | 'live' | 'reconnecting';

/** The arcs of the newest message; `seq` tells a new batch from one already drawn. */
export interface ArcBatch {
  seq: number;
  arcs: Arc[];
}

export interface LiveState {
  link: Link;
  show: ShowInfo | null;
  figures: Figures | null;
  /** gross GMV in fen; kept from the last message that parsed, so a bad value never blanks the hero. */
  gmvFen: Fen | null;
  /** Seconds 0 .. show length only: bounded by the show, whatever the server sends. */
  series: FenPoint[];
  lastYear: FenLastYear | null;
  arcs: ArcBatch;
  /** Orders per arc of the last message that had arcs (heartbeats carry none). */
  ordersPerArc: number;
  /** Recent (arrival − sentAtMs) samples; their minimum estimates the clock offset (see clock.ts). */
  offsetSamples: number[];
  /** Measured order-to-screen lag of the last message that brought new commits. */
  lagMs: number | null;
  /** Client clock when `figures` arrived; with `sentAtMs` it maps client time onto the server clock. */
  receivedAtMs: number | null;
  /** Set after a seq gap: ticks are ignored until a snapshot arrives. */
  awaitingSnapshotSinceMs: number | null;
  /** A (re)connection happened since the last snapshot, so the next snapshot wins whatever its seq. */
  freshLink: boolean;
  /** Counts the snapshots that started a stream afresh (first, after a reconnect, after a replay moved). */
  streamEpoch: number;
  /** The server speaks another protocol version; its messages are ignored. */
  versionMismatch: boolean;
  /** Why the server refused or dropped this board (an expired share link, too many boards), until a snapshot comes. */
  refusal: string | null;
  /** The server's freshness thresholds (snapshot `stale`); null: the board's defaults. */
  stale: StaleThresholds | null;
}

export type LiveAction =
  | { type: 'connected' }
  | { type: 'disconnected' }
  /** A new stream starts on the same link (a replay joined or moved): its next snapshot wins whatever its seq. */
  | { type: 'restarted' }
  | { type: 'snapshot'; snapshot: Snapshot; atMs: number }
  | { type: 'tick'; tick: Tick; atMs: number }
  /** The server refused the handshake or dropped the board, saying why. */
  | { type: 'refused'; message: string }
  /** Older seconds of the live series, fetched over HTTP after a snapshot that left them out. */
  | { type: 'history'; show: string; series: SeriesPoint[] };

/** A reducer step: the next state and whether the client must ask for a snapshot. */
export interface Step {
  state: LiveState;
  resync: boolean;
}

/** If a requested snapshot has not come after this long, a later tick asks again. */
export const RESYNC_RETRY_MS = 3000;

export const initialLiveState: LiveState = {
  link: 'connecting',
  show: null,
  figures: null,
  gmvFen: null,
  series: [],
  lastYear: null,
  arcs: { seq: 0, arcs: [] },
  ordersPerArc: 0,
  offsetSamples: [],
  lagMs: null,
  receivedAtMs: null,
  awaitingSnapshotSinceMs: null,
  freshLink: true,
  streamEpoch: 0,
  versionMismatch: false,
  refusal: null,
  stale: null,
};

export function reduceLive(state: LiveState, action: LiveAction): Step {
  switch (action.type) {
    case 'connected':
      return keep(state.link === 'live' ? state : { ...state, link: 'live' });
    case 'disconnected':
      // Safe mode: every figure stays on screen; only the mark changes.
      if (state.link === 'reconnecting' && state.freshLink) return keep(state);
      return keep({ ...state, link: 'reconnecting', freshLink: true });
    case 'restarted':
      return keep(state.freshLink ? state : { ...state, freshLink: true });
    case 'snapshot':
      return keep(applySnapshot(state, action.snapshot, action.atMs));
    case 'tick':
      return applyTick(state, action.tick, action.atMs);
    case 'refused':
      // Safe mode as on any disconnect: every figure stays on screen; the mark says why.
      return keep({ ...state, link: 'reconnecting', freshLink: true, refusal: action.message });
    case 'history':
      if (state.show?.id !== action.show) return keep(state);
      return keep({
        ...state,
        series: mergeLarger(state.series, clipSeries(decodeSeries(action.series), showSeconds(state.show))),
      });
  }
}

function keep(state: LiveState): Step {
  return { state, resync: false };
}

function applySnapshot(state: LiveState, s: Snapshot, atMs: number): LiveState {
  if (s.v !== PROTOCOL_VERSION) return state.versionMismatch ? state : { ...state, versionMismatch: true };
  const replaces =
    state.figures === null || state.freshLink || state.awaitingSnapshotSinceMs !== null || s.seq > state.figures.seq;
  if (!replaces) return state;
  const figures = decodeFigures(s);
  return {
    ...state,
    link: 'live',
    show: s.show,
    figures,
    gmvFen: figures.gross.fen ?? state.gmvFen,
    series: snapshotSeries(state, s),
    lastYear: decodeLastYear(s.lastYear),
    // Arcs are a live effect: a snapshot starts with none.
    arcs: { seq: s.seq, arcs: [] },
    offsetSamples: addOffsetSample(state.offsetSamples, atMs, s.sentAtMs),
    receivedAtMs: atMs,
    awaitingSnapshotSinceMs: null,
    freshLink: false,
    streamEpoch: state.freshLink ? state.streamEpoch + 1 : state.streamEpoch,
    versionMismatch: false,
    refusal: null,
    stale: s.stale ?? null,
  };
}

function applyTick(state: LiveState, t: Tick, atMs: number): Step {
  if (t.v !== PROTOCOL_VERSION) return keep(state.versionMismatch ? state : { ...state, versionMismatch: true });
  const last = state.figures;
  if (state.awaitingSnapshotSinceMs !== null) {
    // One request per gap, repeated only if the answer seems lost.
    if (atMs - state.awaitingSnapshotSinceMs < RESYNC_RETRY_MS) return keep(state);
    return { state: { ...state, awaitingSnapshotSinceMs: atMs }, resync: true };
  }
  if (last !== null && t.seq <= last.seq && t.show === state.show?.id) return keep(state); // duplicate or late
  if (last === null || t.show !== state.show?.id || !followsDirectly(last.seq, t)) {
    return { state: { ...state, awaitingSnapshotSinceMs: atMs }, resync: true };
  }
  const offsetSamples = addOffsetSample(state.offsetSamples, atMs, t.sentAtMs);
  const offset = clockOffsetMs(offsetSamples);
  const fresh = t.committedAtMs !== null && t.committedAtMs !== last.committedAtMs && offset !== null;
  const limit = state.show === null ? 0 : showSeconds(state.show);
  const figures = decodeFigures(t);
  return keep({
    ...state,
    figures,
    gmvFen: figures.gross.fen ?? state.gmvFen,
    series: mergeSeries(state.series, clipSeries(decodeSeries(t.series), limit)),
    arcs: { seq: t.seq, arcs: t.arcs },
    ordersPerArc: t.arcs.length > 0 && t.ordersPerArc > 0 ? t.ordersPerArc : state.ordersPerArc,
    offsetSamples,
    lagMs: fresh ? orderToScreenLag(atMs, offset, t.committedAtMs as number) : state.lagMs,
    receivedAtMs: atMs,
  });
}

/** Length of the show in whole seconds: the series never holds more points than that. */
function showSeconds(show: ShowInfo): number {
  return Math.max(0, Math.ceil((show.endMs - show.startMs) / 1000));
}

/**
 * The series after a snapshot: its seconds, and when it left the older ones out (`history`),
 * the older seconds this board already has of the same show (a reconnect keeps its curve while
 * the chunks are revalidated).
 */
function snapshotSeries(state: LiveState, s: Snapshot): FenPoint[] {
  const recent = clipSeries(decodeSeries(s.series), showSeconds(s.show));
  if (!s.history || state.show?.id !== s.show.id) return recent;
  const before = s.history.before;
  const older = state.series.filter((p) => p[0] < before);
  if (older.length === 0) return recent;
  return older.concat(recent.filter((p) => p[0] >= before));
}

/**
 * Merges seconds fetched over HTTP: gross seconds only ever grow, so of two values for a
 * second the larger (more orders) is the newer, whichever arrived last.
 */
export function mergeLarger(series: FenPoint[], points: readonly FenPoint[]): FenPoint[] {
  if (points.length === 0) return series;
  // One pass over both ascending lists: a chunk is thousands of points into a day of them.
  const out: FenPoint[] = [];
  let i = 0;
  let j = 0;
  let changed = false;
  while (i < series.length || j < points.length) {
    const a = series[i];
    const b = points[j];
    if (b === undefined || (a !== undefined && a[0] < b[0])) {
      out.push(a!);
      i++;
    } else if (a === undefined || b[0] < a[0]) {
      out.push(b);
      j++;
      changed = true;
    } else {
      if (b[1] > a[1]) changed = true;
      out.push(b[1] > a[1] ? b : a);
      i++;
      j++;
    }
  }
  return changed ? out : series;
}

/** Points of the show's own seconds (the grace before and after it is not drawn). */
export function clipSeries(points: FenPoint[], seconds: number): FenPoint[] {
  for (const p of points) if (!(p[0] >= 0 && p[0] < seconds)) return points.filter((q) => q[0] >= 0 && q[0] < seconds);
  return points;
}

/**
 * Merges changed seconds into an ascending series: a point replaces the one of the
 * same second or is inserted in order. Returns the same array when nothing changes.
 */
export function mergeSeries(series: FenPoint[], changes: readonly FenPoint[]): FenPoint[] {
  if (changes.length === 0) return series;
  const out = series.slice();
  for (const p of changes) {
    const at = lowerBound(out, p[0]);
    if (out[at]?.[0] === p[0]) out[at] = p;
    else out.splice(at, 0, p);
  }
  return out;
}

/** First index whose second is >= `second`; ticks mostly touch the tail, so check it first. */
function lowerBound(series: readonly FenPoint[], second: number): number {
  const tail = series[series.length - 1];
  if (tail === undefined || tail[0] < second) return series.length;
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[mid] as FenPoint)[0] < second) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
