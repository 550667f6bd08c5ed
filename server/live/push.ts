import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Namespace } from 'socket.io';
import type { Config } from '../config.js';
import { RemoteChunks, RemoteSnapshots } from './cluster.js';
import type { LiveNamespace } from './plugin.js';
import { serveSnapshots } from './resync.js';

/** How long a push node waits for the live node's snapshot. */
const SNAPSHOT_TIMEOUT_MS = 3000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The live node's snapshots, on a push node (ROLE=push). */
    remoteSnapshots: RemoteSnapshots;
    /** The live node's series chunks, on a push node (ROLE=push). */
    remoteChunks: RemoteChunks;
  }
}

/**
 * A push node: no store, no loop. Ticks arrive from the live node's broadcasts through the
 * adapter and reach this node's sockets untouched, so seq and payloads match every node.
 * Only snapshots (on connect and on resync) are asked of the live node.
 */
export function servePush(
  app: FastifyInstance,
  nsp: LiveNamespace,
  config: Config,
  log: FastifyBaseLogger,
): () => void {
  const snapshots = new RemoteSnapshots(nsp as unknown as Namespace, config.tickMs, SNAPSHOT_TIMEOUT_MS, log);
  app.decorate('remoteSnapshots', snapshots);
  const chunks = new RemoteChunks(nsp as unknown as Namespace, () => snapshots.lastArrival, SNAPSHOT_TIMEOUT_MS);
  app.decorate('remoteChunks', chunks);
  const stopSnapshots = serveSnapshots(
    nsp,
    config.tickMs,
    () => snapshots.get(),
    (err) => log.warn({ err: String(err) }, 'no snapshot for a board'),
  );
  return () => {
    stopSnapshots();
    snapshots.close();
    chunks.close();
  };
}
