import type { FastifyInstance } from 'fastify';
import type { Namespace } from 'socket.io';
import { IngestTally } from '../domain/feed-facts.js';
import { CLUSTER_EVENTS, type InterServerEvents } from '../messages.js';
import type { IngestEvent } from '../telemetry.js';

/** How often an ingest node tells the live node what its requests said, ms. */
const FEED_MESSAGE_MS = 1000;

/**
 * An ingest node's part of the feed watch: its answered requests (senders, lines, rejected lines,
 * skew samples) folded by sender and sent to the live node at most once a second (`gmv:feed`),
 * bounded in senders and samples whatever the request rate. Commits reach the watch as commit messages.
 */
export function relayFeed(
  app: FastifyInstance,
  nsp: Namespace<Record<string, never>, Record<string, never>, InterServerEvents>,
): void {
  const tally = new IngestTally();
  const onIngest = (e: IngestEvent) => {
    if (e.feed) tally.add(e.feed.sender, e.feed.lines, e.rejected.length, e.feed.skewMs);
  };
  app.telemetry.on('ingest', onIngest);
  const timer = setInterval(() => {
    if (!tally.empty) nsp.serverSideEmit(CLUSTER_EVENTS.feed, { at: Date.now(), senders: tally.drain() });
  }, FEED_MESSAGE_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    app.telemetry.off('ingest', onIngest);
  });
}
