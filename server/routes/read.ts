import type { FastifyPluginAsync } from 'fastify';
import { SERIES_CHUNK_PATH, type TotalsResponse } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import type { LiveSource } from '../live/source.js';
import type { StoreHandle } from '../store/client.js';
import { readTotals, salesAndRefunds } from '../store/board.js';
import { encodeSalesRefunds, totalsResponse } from '../wire.js';
import { totalsAtInstant } from './history.js';
import { instantParam, showParam, tokenParam } from './params.js';

const part = {
  type: 'object',
  properties: { gmv: { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' }, orders: { type: 'integer' } },
} as const;

/** What the read routes answer from: the live show's source and the store, where the node has them. */
export interface ReadOptions {
  config: Config;
  /** The live show as this node serves it (null on a node that serves no board). */
  live: LiveSource | null;
  /** The stored shows (null on a node without a store). */
  store: StoreHandle | null;
}

/** Read side: totals of the live show (from the live state) or of any stored show (from ClickHouse). */
export const readRoutes: FastifyPluginAsync<ReadOptions> = async (app, { config, live, store }) => {
  app.get<{ Querystring: { show?: string; at?: string } }>(
    '/api/v1/totals',
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: 'Gross and net totals of a show',
        tags: ['read'],
        querystring: {
          type: 'object',
          properties: {
            show: showParam,
            at: instantParam('time travel: totals of the orders with event time up to this instant'),
            token: tokenParam,
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              show: { type: 'string' },
              asOf: { type: 'string' },
              seq: { type: 'integer' },
              currency: { type: 'string' },
              gross: part,
              net: part,
            },
          },
        },
      },
    },
    async (req): Promise<TotalsResponse> => {
      if (req.query.at !== undefined) {
        // Time travel reads the store, which a push node does not have.
        if (!store) throw new Errors.NOT_CONFIGURED('this node serves only the live show');
        return totalsAtInstant(store, config, req.query.show, req.query.at);
      }
      const id = req.query.show ?? config.liveShow;
      if (id === config.liveShow && live) {
        return live.totals().catch(() => {
          throw new Errors.NOT_READY('the live node does not answer');
        });
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
export const seriesChunkRoutes: FastifyPluginAsync<Omit<ReadOptions, 'store'>> = async (app, { config, live }) => {
  app.get<{ Params: { chunk: string } }>(
    `${SERIES_CHUNK_PATH}/:chunk`,
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: "A chunk of the live show's gross series: [second, orders, gmv] per non-empty second",
        tags: ['read'],
        params: {
          type: 'object',
          properties: { chunk: { type: 'string', pattern: '^[0-9]{1,3}$' } },
          required: ['chunk'],
        },
        querystring: { type: 'object', properties: { token: tokenParam }, additionalProperties: false },
      },
    },
    async (req, reply) => {
      const chunk = Number(req.params.chunk);
      if (!live) throw new Errors.NOT_CONFIGURED('this node serves no live show');
      const encoded = await live.seriesChunk(chunk).catch(() => {
        throw new Errors.NOT_READY('the live node does not answer');
      });
      if (!encoded || encoded.body === null) throw new Errors.NOT_FOUND(`${SERIES_CHUNK_PATH}/${chunk}`);
      void reply.header('etag', encoded.etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === encoded.etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(encoded.body);
    },
  );
};

/** Liveness and readiness probes; `ready` is the node's own readiness (see roles.ts), throwing NOT_READY. */
export const healthRoutes: FastifyPluginAsync<{ ready: () => Promise<Record<string, unknown>> }> = async (
  app,
  { ready },
) => {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'] } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'ClickHouse reachable and schema ready', tags: ['health'] } }, async () => {
    if (app.relay && !app.relay.ready) throw new Errors.NOT_READY('Redis is unreachable');
    return ready();
  });
};
