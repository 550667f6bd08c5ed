import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { RemoteChunks, RemoteSnapshots, totalsOf } from './cluster.js';
import { answerClockRequests } from './clock.js';
import { FleetReports, forwardReports, nodeName } from './fleet.js';
import { serveSnapshots } from './resync.js';
import { openBoardSockets, type BoardServer } from './sockets.js';
import type { LiveSource } from './source.js';

/** How long a push node waits for the live node's snapshot. */
const SNAPSHOT_TIMEOUT_MS = 3000;

/** What a push node holds. */
export interface PushPart {
  io: BoardServer;
  /** The live node's snapshots. */
  remoteSnapshots: RemoteSnapshots;
  /** The live node's series chunks. */
  remoteChunks: RemoteChunks;
  source: LiveSource;
}

/**
 * A push node (ROLE=push): no store, no loop. Ticks arrive from the live node's broadcasts
 * through the adapter and reach this node's sockets untouched, so seq and payloads match every
 * node. Only snapshots (on connect and on resync) and series chunks are asked of the live node.
 */
export function servePush(app: FastifyInstance, config: Config): PushPart {
  const log = app.log.child({ module: 'live' });
  const sockets = openBoardSockets(app, config, log);
  const snapshots = new RemoteSnapshots(sockets.nsp, config.tickMs, SNAPSHOT_TIMEOUT_MS, log);
  const chunks = new RemoteChunks(sockets.nsp, () => snapshots.lastArrival, SNAPSHOT_TIMEOUT_MS);
  const stopSnapshots = serveSnapshots(
    sockets.nsp,
    config.tickMs,
    () => snapshots.get(),
    (err) => log.warn({ err: String(err) }, 'no snapshot for a board'),
  );
  // From this node's own clock: the nodes' clocks must be NTP-synced (docs/using.md).
  const stopClock = answerClockRequests(sockets.nsp);
  // The screen fleet: this node's boards' reports go to the live node once a second.
  const stopFleet = forwardReports(sockets.nsp, new FleetReports(sockets.nsp), nodeName());
  app.addHook('preClose', async () => {
    sockets.stopSlow();
    stopSnapshots();
    stopClock();
    stopFleet();
    snapshots.close();
    chunks.close();
    await sockets.close();
  });
  return {
    io: sockets.io,
    remoteSnapshots: snapshots,
    remoteChunks: chunks,
    // The live node's (cached) snapshot: the same figures its boards show.
    source: {
      totals: async () => totalsOf(await snapshots.get().catch(notAnswering)),
      seriesChunk: (chunk) => chunks.get(chunk).catch(notAnswering),
    },
  };
}

/** The live node did not answer in time: a 503 the caller may retry. */
function notAnswering(): never {
  throw new Errors.NOT_READY('the live node does not answer');
}
