/**
 * The gala's board: one real socket.io client on the live namespace that keeps
 * the figures a screen would show (a snapshot replaces them, a tick applies only
 * when its seq follows directly; after a gap it asks for a resync and ignores
 * ticks until the snapshot comes, as client/live/state.ts does) and records every
 * change of the gross, with the wall time it was received. Driven by gala.ts.
 */
import { io, type Socket } from 'socket.io-client';
import { decimalToFenExact } from '../../shared/money.js';
import {
  LIVE_NAMESPACE,
  PROTOCOL_VERSION,
  followsDirectly,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type Snapshot,
  type Tick,
  type TotalsPart,
} from '../../shared/protocol.js';
import type { BoardChange } from './gala-lag.js';
import { quantiles, type Quantiles } from './stats.js';

export interface BoardInit {
  url: string;
}

export type BoardCommand = { type: 'report' } | { type: 'exit' };

export interface BoardProgress {
  type: 'progress';
  orders: number;
  atMs: number;
}

export interface BoardReport {
  type: 'report';
  /** Every change of the gross, in receive order. */
  changes: BoardChange[];
  gross: TotalsPart | null;
  net: TotalsPart | null;
  snapshots: number;
  ticks: number;
  /** Ticks that did not follow the previous seq (each one starts a resync). */
  seqGaps: number;
  resyncs: number;
  disconnects: number;
  /** Receive time - tick.sentAtMs of applied ticks. */
  tickLagMs: Quantiles;
  /** Receive time - tick.committedAtMs for ticks with a new commit (same machine: one clock). */
  commitToScreenMs: Quantiles;
  firstError: string | null;
}

/** As the page: after a gap one resync, asked again only if the answer seems lost. */
const RESYNC_RETRY_MS = 3000;

const init = JSON.parse(process.argv[2] ?? '{}') as BoardInit;
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${init.url}${LIVE_NAMESPACE}`, {
  transports: ['websocket'],
  reconnectionDelayMax: 1000,
});
const report: BoardReport = {
  type: 'report',
  changes: [],
  gross: null,
  net: null,
  snapshots: 0,
  ticks: 0,
  seqGaps: 0,
  resyncs: 0,
  disconnects: 0,
  tickLagMs: quantiles([]),
  commitToScreenMs: quantiles([]),
  firstError: null,
};
const tickLag: number[] = [];
const commitToScreen: number[] = [];
let seq: number | null = null;
let committedAtMs: number | null = null;
let freshLink = true;
let awaitingSince: number | null = null;
let ready = false;

function show(m: Snapshot | Tick, atMs: number): void {
  seq = m.seq;
  committedAtMs = m.committedAtMs;
  report.net = m.net;
  const last = report.gross;
  report.gross = m.gross;
  if (last && last.orders === m.gross.orders && last.gmv === m.gross.gmv) return;
  report.changes.push([atMs, m.gross.orders, Number(decimalToFenExact(m.gross.gmv))]);
  progress();
}

let lastProgress = 0;
let progressTimer: NodeJS.Timeout | null = null;
/** At most five progress messages a second; the last change always goes out. */
function progress(): void {
  if (!ready || progressTimer) return;
  const send = () => {
    progressTimer = null;
    lastProgress = Date.now();
    const atMs = report.changes[report.changes.length - 1]?.[0] ?? lastProgress;
    const p: BoardProgress = { type: 'progress', orders: report.gross?.orders ?? 0, atMs };
    process.send!(p);
  };
  progressTimer = setTimeout(send, Math.max(0, 200 - (Date.now() - lastProgress)));
}

function resync(atMs: number): void {
  awaitingSince = atMs;
  report.resyncs++;
  socket.emit('resync');
}

socket.on('snapshot', (s) => {
  const atMs = Date.now();
  report.snapshots++;
  if (s.v !== PROTOCOL_VERSION) {
    report.firstError ??= `protocol v${s.v}, this client speaks v${PROTOCOL_VERSION}`;
    return;
  }
  if (seq !== null && !freshLink && awaitingSince === null && s.seq <= seq) return;
  freshLink = false;
  awaitingSince = null;
  show(s, atMs);
  if (!ready) {
    ready = true;
    process.send!({ type: 'ready', gross: s.gross });
  }
});

socket.on('tick', (t) => {
  const atMs = Date.now();
  report.ticks++;
  if (t.v !== PROTOCOL_VERSION) return;
  if (awaitingSince !== null) {
    if (atMs - awaitingSince >= RESYNC_RETRY_MS) resync(atMs);
    return;
  }
  if (seq === null) return;
  if (t.seq <= seq) return;
  if (!followsDirectly(seq, t)) {
    report.seqGaps++;
    resync(atMs);
    return;
  }
  tickLag.push(atMs - t.sentAtMs);
  if (t.committedAtMs !== null && t.committedAtMs !== committedAtMs) commitToScreen.push(atMs - t.committedAtMs);
  show(t, atMs);
});

socket.on('disconnect', () => {
  report.disconnects++;
  freshLink = true;
});
socket.on('connect_error', (err) => {
  report.firstError ??= `connect_error: ${err.message}`;
});

process.on('message', (cmd: BoardCommand) => {
  if (cmd.type === 'report') {
    report.tickLagMs = quantiles(tickLag);
    report.commitToScreenMs = quantiles(commitToScreen);
    process.send!(report);
  } else {
    socket.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
