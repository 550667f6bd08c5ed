/**
 * Live-board clients: N socket.io connections to the '/live' namespace (websocket
 * transport), each recording how late its ticks arrive (receive time - sentAtMs).
 * With `probe`, a single client also records accept-to-tick: for each tick whose
 * committedAtMs moved on, receive time - committedAtMs. Driven by run.ts over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';

export interface FanoutInit {
  url: string;
  clients: number;
  probe: boolean;
}

export type FanoutCommand = { type: 'connect' } | { type: 'phase'; name: string | null } | { type: 'report' };

export interface PhaseSamples {
  /** Receive time - tick.sentAtMs, ms, every tick of every client. */
  tickLagMs: number[];
  /** Probe only: receive time - tick.committedAtMs for ticks with a new commit. */
  acceptToTickMs: number[];
  ticks: number;
  /** Ticks whose seq did not follow the previous one on that client. */
  seqGaps: number;
}

export interface FanoutReport {
  type: 'report';
  connected: number;
  failed: number;
  disconnects: number;
  firstError: string | null;
  phases: Record<string, PhaseSamples>;
}

const init = JSON.parse(process.argv[2] ?? '{}') as FanoutInit;
const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
const report: FanoutReport = { type: 'report', connected: 0, failed: 0, disconnects: 0, firstError: null, phases: {} };
let phase: PhaseSamples | null = null;
let closing = false;

function connectOne(): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${init.url}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
    });
    let lastSeq = -1;
    let lastCommit: number | null = null;
    socket.on('snapshot', (s) => {
      lastSeq = s.seq;
      lastCommit = s.committedAtMs;
      resolve();
    });
    socket.on('tick', (t) => {
      const now = Date.now();
      if (phase) {
        phase.ticks++;
        phase.tickLagMs.push(now - t.sentAtMs);
        if (lastSeq >= 0 && t.seq !== lastSeq + 1) phase.seqGaps++;
        if (init.probe && t.committedAtMs !== null && t.committedAtMs !== lastCommit) {
          phase.acceptToTickMs.push(now - t.committedAtMs);
        }
      }
      lastSeq = t.seq;
      lastCommit = t.committedAtMs;
    });
    socket.on('connect_error', (err) => {
      report.failed++;
      report.firstError ??= err.message;
      resolve();
    });
    socket.on('disconnect', (reason) => {
      if (closing) return;
      report.disconnects++;
      report.firstError ??= `disconnect: ${reason}`;
    });
    sockets.push(socket);
    // A client that never hears back is counted as not connected, not waited for.
    setTimeout(resolve, 25_000).unref();
  });
}

/** Connects in waves so the server's accept queue is never flooded. */
async function connectAll(): Promise<void> {
  const WAVE = 50;
  for (let i = 0; i < init.clients; i += WAVE) {
    await Promise.all(Array.from({ length: Math.min(WAVE, init.clients - i) }, connectOne));
  }
  report.connected = sockets.filter((s) => s.connected).length;
}

process.on('message', (cmd: FanoutCommand) => {
  if (cmd.type === 'connect') {
    void connectAll().then(() => process.send!({ type: 'connected', connected: report.connected }));
  } else if (cmd.type === 'phase') {
    phase = null;
    if (cmd.name) {
      phase = { tickLagMs: [], acceptToTickMs: [], ticks: 0, seqGaps: 0 };
      report.phases[cmd.name] = phase;
    }
    process.send!({ type: 'phase-set' });
  } else {
    phase = null;
    closing = true;
    for (const s of sockets) s.disconnect();
    process.send!(report, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
