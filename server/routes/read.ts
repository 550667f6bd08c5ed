import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { SERIES_CHUNK_PATH, SeriesChunkSchema, TotalsResponseSchema } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import type { LiveSource } from '../live/source.js';
import type { StoreHandle } from '../store/client.js';
import { readTotals, salesAndRefunds } from '../store/board.js';
import { encodeSalesRefunds, totalsResponse } from '../wire.js';
import { totalsAtInstant } from './history.js';
import { errorResponses, instantParam, query, showParam, tokenParam } from './params.js';

/** What the read routes answer from: the live show's source and the store, where the node has them. */
export interface ReadOptions {
  config: Config;
  /** The live show as this node serves it (null on a node that serves no board). */
  live: LiveSource | null;
  /** The stored shows (null on a node without a store). */
  store: StoreHandle | null;
}

/** Read side: totals of the live show (from the live state) or of any stored show (from ClickHouse). */
export const readRoutes: FastifyPluginAsync<ReadOptions> = async (plain, { config, live, store }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/totals',
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: 'Gross and net totals of a show',
        tags: ['read'],
        querystring: query({
          show: showParam,
          at: Type.Optional(instantParam('time travel: totals of the orders with event time up to this instant')),
          token: tokenParam,
        }),
        response: { 200: TotalsResponseSchema, ...errorResponses },
      },
    },
    async (req) => {
      if (req.query.at !== undefined) {
        // Time travel reads the store, which a push node does not have.
        if (!store) throw new Errors.NOT_CONFIGURED('this node serves only the live show');
        return totalsAtInstant(store, config, req.query.show, req.query.at);
      }
      const id = req.query.show ?? config.liveShow;
      if (id === config.liveShow && live) {
        return live.totals();
      }
      const show = config.shows.find((s) => s.id === id);
      if (!show) throw new Errors.SHOW_UNKNOWN(id);
      if (!store) throw new Errors.NOT_CONFIGURED('this node serves only the live show');
      const { sales, refunds } = salesAndRefunds(await readTotals(store, id));
      return totalsResponse(id, Math.min(Date.now(), show.endMs), 0, encodeSalesRefunds(sales, refunds));
    },
  );
};

/**
 * The live show's gross series in chunks of SERIES_CHUNK_SECONDS (a snapshot carries only its
 * recent seconds). Served from the live state, encoded once per change, with an ETag: a board
 * that reconnects revalidates its chunks (304) instead of downloading the day again.
 */
export const seriesChunkRoutes: FastifyPluginAsync<Omit<ReadOptions, 'store'>> = async (plain, { config, live }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    `${SERIES_CHUNK_PATH}/:chunk`,
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: "A chunk of the live show's gross series: [second, orders, gmv] per non-empty second",
        tags: ['read'],
        params: Type.Object({ chunk: Type.String({ pattern: '^[0-9]{1,3}$' }) }),
        querystring: query({ token: tokenParam }),
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: "a chunk's ETag" })) }),
        response: {
          // Sent as encoded once per change (not serialized per request); this documents it.
          200: SeriesChunkSchema,
          304: Type.Null({ description: 'unchanged since the ETag in If-None-Match' }),
          ...errorResponses,
        },
      },
    },
    async (req, typed) => {
      // The body goes out as encoded (the JSON text of a SeriesChunk), past the serializer.
      const reply = typed as unknown as FastifyReply;
      const chunk = Number(req.params.chunk);
      if (!live) throw new Errors.NOT_CONFIGURED('this node serves no live show');
      const encoded = await live.seriesChunk(chunk);
      if (!encoded || encoded.body === null) throw new Errors.NOT_FOUND(`${SERIES_CHUNK_PATH}/${chunk}`);
      void reply.header('etag', encoded.etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === encoded.etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(encoded.body);
    },
  );
};

/** GET /healthz. */
const HealthSchema = Type.Object({ status: Type.Literal('ok') });

/** GET /readyz: ready, and what this node's readiness rests on (by role). */
export const ReadySchema = Type.Object({
  status: Type.Literal('ready'),
  role: Type.Union([Type.Literal('all'), Type.Literal('ingest'), Type.Literal('push')]),
  /** The store's schema version and kind (nodes with a store). */
  schema: Type.Optional(Type.Integer()),
  store: Type.Optional(Type.String()),
  /** Whether writes to the store succeed (nodes that take orders). */
  writes: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failing')])),
  /** The seq of the live node's latest snapshot (push nodes). */
  seq: Type.Optional(Type.Integer()),
});

/** Liveness and readiness probes; `ready` is the node's own readiness (see roles.ts), throwing NOT_READY. */
export const healthRoutes: FastifyPluginAsync<{ ready: () => Promise<Static<typeof ReadySchema>> }> = async (
  plain,
  { ready },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/healthz',
    { schema: { summary: 'The process is up', tags: ['health'], response: { 200: HealthSchema, ...errorResponses } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'ClickHouse reachable and schema ready',
        tags: ['health'],
        response: { 200: ReadySchema, ...errorResponses },
      },
    },
    async () => {
      if (app.relay && !app.relay.ready) throw new Errors.NOT_READY('Redis is unreachable');
      return ready();
    },
  );
};
