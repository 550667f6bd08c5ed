import type { FastifyInstance } from 'fastify';
import { LIVE_NAMESPACE } from '../shared/protocol.js';
import { serveWebPush } from './alerts/push-routes.js';
import { serveWebhooks, type AlertsPart } from './alerts/serve.js';
import type { Config, Role } from './config.js';
import { serveDirector, type DirectorPart } from './director/serve.js';
import { Errors } from './errors.js';
import { relayCommits } from './ingest/relay-commits.js';
import { startWriter, type WriterPart } from './ingest/start.js';
import { serveLive, type LivePart } from './live/node.js';
import { servePush, type PushPart } from './live/push.js';
import { serveBoardPages } from './pages.js';
import { serveReplays, type ReplayPart } from './replay/serve.js';
import { historyRoutes } from './routes/history.js';
import { auditRoutes } from './routes/audit.js';
import { ingestRoutes } from './routes/ingest.js';
import { healthRoutes, readRoutes, seriesChunkRoutes } from './routes/read.js';
import { startStore, storeReady } from './store/start.js';
import type { StorePart } from './store/start.js';

/** The parts of a node that does everything (ROLE=all): the store, the writer, the live show, replays. */
export type AllParts = { role: 'all' } & StorePart &
  WriterPart &
  Omit<LivePart, 'source'> &
  ReplayPart &
  DirectorPart &
  AlertsPart;
/** The parts of an ingest node (ROLE=ingest): the store and the writer; no board, no sockets. */
export type IngestParts = { role: 'ingest' } & StorePart & WriterPart;
/** The parts of a push node (ROLE=push): the boards' sockets fed by the live node; no store. */
export type PushParts = { role: 'push' } & Omit<PushPart, 'source'>;

/** An app as its role built it: the plugins every node has, and the parts of its role. */
export type AllNode = FastifyInstance & AllParts;
export type IngestNode = FastifyInstance & IngestParts;
export type PushNode = FastifyInstance & PushParts;
export type GmvNode = AllNode | IngestNode | PushNode;

/** Whether a node of the role takes orders (and so needs INGEST_TOKENS to start). */
export const TAKES_ORDERS: { [R in Role]: boolean } = { all: true, ingest: true, push: false };

/**
 * The one place a role chooses its parts. Each part gets what it depends on as arguments, so
 * the types say what each role really has; data flows one way through them: ingest → committed
 * batches → live state → broadcast. Every node has the plugins app.ts registers first
 * (telemetry, metrics, security, relay).
 */
export const ROLES: { [R in Role]: (app: FastifyInstance, config: Config) => Promise<Extract<GmvNode, { role: R }>> } =
  {
    async all(app, config) {
      const { store, schemaVersion } = await startStore(app, config);
      const { writer, lagGuard } = startWriter(app, config, store);
      const { source, ...live } = await serveLive(app, config, store, writer);
      const replay = serveReplays(app, config, store);
      // Alerts that reach people (docs/alerts.md): milestones flow down from the live state to the webhooks.
      const alerts = serveWebhooks(app, config, live, await serveWebPush(app, config, store));
      setProbes(app, {
        sockets: () => live.io.of(LIVE_NAMESPACE).sockets.size,
        liveHealthy: () => live.live.healthy,
        pendingOrders: () => writer.pending,
        loopLagMs: () => lagGuard.currentLagMs,
        lastCheckMs: () => live.reconciliation.checkedAtMs ?? live.reconciliation.startedAtMs,
      });
      await app.register(healthRoutes, {
        ready: async () => {
          if (live.liveLease && !live.liveLease.held) throw new Errors.NOT_READY('another live node holds the show');
          return {
            ...(await storeReady({ store, schemaVersion })),
            role: 'all',
            // A failing write shows here (and as 503 on ingest), so a balancer does not take the board off the air for it.
            writes: live.live.healthy ? 'ok' : 'failing',
          };
        },
      });
      await app.register(readRoutes, { config, live: source, store });
      await app.register(seriesChunkRoutes, { config, live: source });
      await app.register(historyRoutes, { config, store });
      await app.register(auditRoutes, { config, store });
      await app.register(ingestRoutes, { config, store, writer, lagGuard });
      // The director's console: the program lives here, with the show's state.
      const director = await serveDirector(app, config, store, live);
      await serveBoardPages(app);
      return decorate(app, {
        role: 'all',
        store,
        schemaVersion,
        writer,
        lagGuard,
        ...live,
        ...replay,
        ...director,
        ...alerts,
      });
    },

    async ingest(app, config) {
      if (!app.relay) throw new Error('ROLE=ingest needs REDIS_URL: its commits reach the live node through Redis');
      const { store, schemaVersion } = await startStore(app, config);
      // Its INSERTs wait while the live node repairs a show (the repair fence in Redis).
      const { writer, lagGuard } = startWriter(app, config, store, { fenced: true });
      relayCommits(app, app.relay, writer, config);
      setProbes(app, { pendingOrders: () => writer.pending, loopLagMs: () => lagGuard.currentLagMs });
      await app.register(healthRoutes, {
        ready: async () => ({ ...(await storeReady({ store, schemaVersion })), role: 'ingest', writes: 'ok' }),
      });
      // Totals of any show from the store; the live show's series lives on the live node.
      await app.register(readRoutes, { config, live: null, store });
      await app.register(seriesChunkRoutes, { config, live: null });
      await app.register(historyRoutes, { config, store });
      await app.register(auditRoutes, { config, store });
      await app.register(ingestRoutes, { config, store, writer, lagGuard });
      return decorate(app, { role: 'ingest', store, schemaVersion, writer, lagGuard });
    },

    async push(app, config) {
      const { source, ...push } = servePush(app, config);
      setProbes(app, { sockets: () => push.io.of(LIVE_NAMESPACE).sockets.size });
      await app.register(healthRoutes, {
        // Ready when the live node answers: without it this node would serve no snapshot.
        ready: async () => {
          const s = await push.remoteSnapshots.get().catch(() => {
            throw new Errors.NOT_READY('the live node does not answer');
          });
          return { status: 'ready', role: 'push', seq: s.seq };
        },
      });
      await app.register(readRoutes, { config, live: source, store: null });
      await app.register(seriesChunkRoutes, { config, live: source });
      await serveBoardPages(app);
      return decorate(app, { role: 'push', ...push });
    },
  };

function setProbes(app: FastifyInstance, probes: Partial<FastifyInstance['probes']>): void {
  Object.assign(app.probes, probes);
}

/** The parts on the app, where tests and tools look at them (the server's own code passes them on). */
function decorate<P extends object>(app: FastifyInstance, parts: P): FastifyInstance & P {
  for (const [name, value] of Object.entries(parts)) app.decorate(name, value);
  return app as FastifyInstance & P;
}
