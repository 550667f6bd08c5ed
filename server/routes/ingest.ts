import type { FastifyPluginAsync } from 'fastify';
import { validateOrder, type Order, type Rejection } from '../../shared/order.js';
import { TokenSet } from '../auth.js';
import type { Config } from '../config.js';
import { Errors, RETRY_AFTER_SECONDS } from '../errors.js';
import { OverloadedError, StoreUnavailableError } from '../ingest/writer.js';
import { gunzipLimited } from '../ingest/decode.js';
import { parseJsonBody, parseNdjson } from '../ingest/parse.js';

const rejectionSchema = {
  type: 'object',
  properties: {
    line: { type: 'integer' },
    field: { type: ['string', 'null'] },
    code: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

/** POST /api/v1/orders: validate, deduplicate, commit to ClickHouse, then answer. */
export const ingestRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const tokens = new TokenSet(config.ingestTokens);
  const categories = new Set(config.categories);
  const ctx = { shows: config.shows, categories };
  const writer = app.writer;

  // Bodies arrive as text; each line is decoded on its own so one bad line cannot sink a batch.
  // Only these two types are accepted here (415 for anything else).
  app.removeAllContentTypeParsers();
  for (const type of ['application/x-ndjson', 'application/json']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: config.limits.bodyBytes }, (_req, body, done) =>
      done(null, body),
    );
  }

  app.post<{ Body: string }>(
    '/api/v1/orders',
    {
      bodyLimit: config.limits.bodyBytes,
      schema: {
        summary: 'Ingest orders (NDJSON or JSON)',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        consumes: ['application/x-ndjson', 'application/json'],
        response: {
          200: {
            type: 'object',
            properties: {
              accepted: { type: 'integer' },
              duplicates: { type: 'integer' },
              rejected: { type: 'array', items: rejectionSchema },
            },
          },
        },
      },
      onRequest: async (req, reply) => {
        if (!tokens.allows(req.headers.authorization)) throw new Errors.UNAUTHORIZED();
        // Refuse before reading the body when the process is already behind.
        if (app.lagGuard.overloaded || writer.pending >= config.limits.pendingOrders) {
          reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          throw new Errors.OVERLOADED();
        }
      },
      preParsing: async (req, _reply, payload) => {
        const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (encoding === 'identity') return payload;
        if (encoding === 'gzip') return gunzipLimited(payload, config.limits.bodyBytes);
        throw new Errors.ENCODING(encoding);
      },
    },
    async (req, reply) => {
      const ndjson = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-ndjson');
      const parsed = ndjson ? parseNdjson(req.body ?? '', config.limits) : parseJsonBody(req.body ?? '', config.limits);
      if (!parsed.ok) {
        if (parsed.code === 'GMV_ERR_TOO_MANY_LINES') throw new Errors.TOO_MANY_LINES(config.limits.batchLines);
        if (parsed.code === 'GMV_ERR_BODY_EMPTY') throw new Errors.BODY_EMPTY(parsed.message);
        throw new Errors.BODY_INVALID(parsed.message);
      }
      const rejected: Rejection[] = parsed.rejected;
      const orders: Order[] = [];
      for (const item of parsed.items) {
        const check = validateOrder(item.value, ctx);
        if (check.ok) orders.push(check.order);
        else rejected.push({ line: item.line, field: check.field, code: check.code, message: check.message });
      }
      rejected.sort((a, b) => a.line - b.line);
      try {
        const { accepted, duplicates } = await writer.submit(orders);
        return { accepted, duplicates, rejected };
      } catch (err) {
        if (!(err instanceof OverloadedError || err instanceof StoreUnavailableError)) throw err;
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw err instanceof OverloadedError ? new Errors.OVERLOADED() : new Errors.STORE_UNAVAILABLE();
      }
    },
  );
};
