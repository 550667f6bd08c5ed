import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { CLUSTER_EVENTS, COMMIT_ROWS_PER_MESSAGE, compactRows, type InterServerEvents } from '../messages.js';
import type { Relay } from '../relay.js';
import { relayFeed } from './relay-feed.js';
import type { IngestWriter } from './writer.js';

/**
 * An ingest node's (ROLE=ingest) link to the live node: a socket.io server that serves no
 * sockets, only a member of the cluster, so committed rows reach the live node by `serverSideEmit`.
 */
export function relayCommits(app: FastifyInstance, relay: Relay, writer: IngestWriter, config: Config): void {
  const io = new Server<Record<string, never>, Record<string, never>, InterServerEvents>({ adapter: relay.adapter });
  const nsp = io.of(LIVE_NAMESPACE);
  app.addHook('preClose', async () => writer.drain());
  app.addHook('onClose', async () => {
    await nsp.adapter.close();
    await io.close().catch(() => undefined);
  });
  writer.on('committed', ({ orders, committedAtMs }) => {
    const rows = compactRows(orders, config.liveShow);
    // In pieces: each message is an entry of the Redis stream, whose bytes are bounded per entry.
    for (let at = 0; at < rows.length; at += COMMIT_ROWS_PER_MESSAGE) {
      nsp.serverSideEmit(CLUSTER_EVENTS.commit, {
        at: committedAtMs,
        rows: rows.slice(at, at + COMMIT_ROWS_PER_MESSAGE),
      });
    }
  });
  writer.on('failed', (shows) => nsp.serverSideEmit(CLUSTER_EVENTS.failure, [...shows]));
  relayFeed(app, nsp);
}
