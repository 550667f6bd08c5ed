/**
 * The boards of `npm run bench:storm`: N socket.io clients on '/live' opened at once
 * (websocket), M of them asking for a resync every 100 ms. Reports over IPC how many got
 * a snapshot, when the last one did, the snapshots delivered and the size of one.
 */
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';

export interface StormInit {
  url: string;
  boards: number;
  resyncing: number;
}

export interface StormReport {
  type: 'report';
  connected: number;
  withSnapshot: number;
  /** Ms from opening the sockets until the last board had its first snapshot (null: not all did). */
  allSnapshotsMs: number | null;
  snapshots: number;
  /** JSON length of the first snapshot a board received, bytes. */
  snapshotBytes: number;
  connectErrors: number;
  firstError: string | null;
}

const init = JSON.parse(process.argv[2] ?? '{}') as StormInit;
const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
const report: StormReport = {
  type: 'report',
  connected: 0,
  withSnapshot: 0,
  allSnapshotsMs: null,
  snapshots: 0,
  snapshotBytes: 0,
  connectErrors: 0,
  firstError: null,
};
let timers: NodeJS.Timeout[] = [];

function open(): void {
  const started = performance.now();
  for (let i = 0; i < init.boards; i++) {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${init.url}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 30_000,
    });
    let first = true;
    socket.on('connect', () => report.connected++);
    socket.on('connect_error', (err) => {
      report.connectErrors++;
      report.firstError ??= err.message;
    });
    socket.on('snapshot', (s) => {
      report.snapshots++;
      if (!first) return;
      first = false;
      if (report.snapshotBytes === 0) report.snapshotBytes = JSON.stringify(s).length;
      if (++report.withSnapshot === init.boards) report.allSnapshotsMs = Math.round(performance.now() - started);
    });
    if (i < init.resyncing) timers.push(setInterval(() => socket.connected && socket.emit('resync'), 100));
    sockets.push(socket);
  }
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'open') open();
  if (m.type === 'report') process.send!({ ...report });
  if (m.type === 'close') {
    for (const t of timers) clearInterval(t);
    timers = [];
    for (const s of sockets) s.close();
    process.send!({ type: 'closed' });
    setTimeout(() => process.exit(0), 100);
  }
});
process.send!({ type: 'ready' });
