import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { IngestResponseSchema, OrderInput } from '../../shared/order.js';
import { TokenSet } from '../auth.js';
import type { Config } from '../config.js';
import { Errors, RETRY_AFTER_SECONDS } from '../errors.js';
import type { WriterPart } from '../ingest/start.js';
import { ClaimedElsewhereError, OverloadedError, StoreUnavailableError } from '../ingest/writer.js';
import { gunzipLimited } from '../ingest/decode.js';
import { decodeOrders } from '../ingest/batch.js';
import { resolveLateRefunds } from '../ingest/late-refunds.js';
import type { StoreHandle } from '../store/client.js';
import { ReplayCache, startSignature, type PendingSignature } from '../ingest/signature.js';
import { skewSample } from '../domain/feed-facts.js';
import { errorResponses } from './params.js';

const NO_BODY = Buffer.alloc(0);

/**
 * The body as /openapi.json describes it. Documentation only: the body is never validated as a
 * whole (validatorCompiler below); decodeOrders reads it line by line (server/ingest/), so one bad
 * line is listed in `rejected` and cannot sink the batch.
 */
const OrdersBody = {
  content: {
    'application/x-ndjson': {
      schema: Type.String({
        description: 'one order (an OrderInput object) per line, \\n or \\r\\n line ends; blank lines are skipped',
      }),
    },
    'application/json': {
      schema: Type.Union([OrderInput, Type.Array(OrderInput)], { description: 'one order, or an array of orders' }),
    },
  },
};

/** POST /api/v1/orders: validate, deduplicate, commit to ClickHouse, then answer. */
export const ingestRoutes: FastifyPluginAsync<{ config: Config; store: StoreHandle } & WriterPart> = async (
  app,
  { config, store, writer, lagGuard },
) => {
  const tokens = new TokenSet(config.ingestTokens);
  // Who a request's token is (its SHA-256, null: none), hashed once per request: the rate limit's
  // key, the check and the feed watch's sender all ask.
  const identities = new WeakMap<FastifyRequest, string | null>();
  const who = (req: FastifyRequest): string | null => {
    let id = identities.get(req);
    if (id === undefined) {
      id = tokens.identify(req.headers.authorization);
      identities.set(req, id);
    }
    return id;
  };
  const categories = new Set(config.categories);
  // Refunds after their show's end are resolved to their sale's show (late-refunds.ts).
  const ctx = { shows: config.shows, categories, lateRefunds: true };
  const secrets = config.ingestHmacSecrets;
  const replays = new ReplayCache();
  const signatures = new WeakMap<FastifyRequest, PendingSignature>();

  // Bodies arrive as bytes, so ordinary NDJSON lines are read without becoming text; each line is
  // decoded on its own so one bad line cannot sink a batch. Fastify 5 counts raw bytes against
  // bodyLimit either way, and its 'string' mode only ran toString('utf8') on them at the end (BOM
  // kept, invalid bytes as U+FFFD), which decodeOrders does per line: answers are unchanged.
  // Only these two types are accepted here (415 for anything else).
  app.removeAllContentTypeParsers();
  for (const type of ['application/x-ndjson', 'application/json']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: config.limits.bodyBytes }, (_req, body, done) =>
      done(null, body),
    );
  }

  /** Bytes of the ingest bodies now being received and handled (see onRequest). */
  let bodyBytesInFlight = 0;
  app.withTypeProvider<TypeBoxTypeProvider>().post<{ Body: Buffer }>(
    '/api/v1/orders',
    {
      bodyLimit: config.limits.bodyBytes,
      config: {
        rateLimit: {
          max: config.rateLimits.ingestPerMin,
          timeWindow: 60_000,
          // Per sender: the token the header authenticates (its SHA-256, never the token or the
          // header as sent, so `Bearer X` and `bearer X` share one bucket), or the address without one.
          keyGenerator: (req: FastifyRequest) => {
            const id = who(req);
            return id ? `token:${id}` : `ip:${req.ip}`;
          },
        },
      },
      schema: {
        summary: 'Ingest orders (NDJSON or JSON)',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        body: OrdersBody,
        response: { 200: IngestResponseSchema, ...errorResponses },
      },
      validatorCompiler: () => () => true,
      onRequest: async (req, reply) => {
        if (who(req) === null) throw new Errors.UNAUTHORIZED();
        if (secrets.length > 0) {
          // Refuse a missing, malformed or stale signature before reading the body.
          const pending = startSignature(secrets, req.headers['x-gmv-signature'], Date.now());
          if (typeof pending === 'string') throw new Errors.SIGNATURE(pending);
          signatures.set(req, pending);
        }
        // Refuse before reading the body when the process is already behind.
        if (lagGuard.overloaded || writer.pending >= config.limits.pendingOrders) {
          app.telemetry.emit('shed', lagGuard.overloaded ? 'lag' : 'queue');
          reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          throw new Errors.OVERLOADED();
        }
        // Bodies being received hold memory until they are parsed: bounded in bytes, whatever
        // the number of connections. A body counts its Content-Length, or the largest a body may
        // be when that is absent or it is compressed, until its response is sent or it is aborted.
        const length = Number(req.headers['content-length']);
        const identity = (req.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
        const bytes =
          identity && Number.isSafeInteger(length) && length >= 0
            ? Math.min(length, config.limits.bodyBytes)
            : config.limits.bodyBytes;
        if (bodyBytesInFlight + bytes > config.limits.bodyBytesInFlight) {
          app.telemetry.emit('shed', 'bytes');
          reply.header('retry-after', String(RETRY_AFTER_SECONDS));
          throw new Errors.OVERLOADED();
        }
        bodyBytesInFlight += bytes;
        reply.raw.once('close', () => (bodyBytesInFlight -= bytes));
      },
      preParsing: async (req, _reply, payload) => {
        const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (encoding !== 'identity' && encoding !== 'gzip') throw new Errors.ENCODING(encoding);
        // The signature covers the bytes as sent, so they are hashed before inflation.
        const raw = signatures.get(req)?.tap(payload) ?? payload;
        return encoding === 'gzip' ? gunzipLimited(raw, config.limits.bodyBytes) : raw;
      },
    },
    async (req, reply) => {
      const signature = signatures.get(req);
      if (signature) {
        if (!signature.valid()) throw new Errors.SIGNATURE('bad signature');
        if (!replays.remember(signature.key)) throw new Errors.REPLAYED();
      }
      try {
        return await handle(req, reply);
      } catch (err) {
        // Only an answered 200 uses up a signature: a request refused or shed may be sent again as is.
        if (signature) replays.forget(signature.key);
        throw err;
      }
    },
  );

  async function lateRefunds(late: Parameters<typeof resolveLateRefunds>[2]) {
    try {
      return await resolveLateRefunds(store, config.shows, late);
    } catch (err) {
      app.log.error({ err: String(err), refunds: late.length }, 'could not look up the sales of late refunds');
      throw new StoreUnavailableError('store unavailable');
    }
  }

  async function handle(req: FastifyRequest<{ Body: Buffer }>, reply: FastifyReply) {
    const arrivedAtMs = Date.now();
    const decoded = decodeOrders(req.body ?? NO_BODY, req.headers['content-type'], config.limits, ctx);
    if (!decoded.ok) {
      if (decoded.code === 'GMV_ERR_TOO_MANY_LINES') throw new Errors.TOO_MANY_LINES(config.limits.batchLines);
      if (decoded.code === 'GMV_ERR_BODY_EMPTY') throw new Errors.BODY_EMPTY(decoded.message);
      throw new Errors.BODY_INVALID(decoded.message);
    }
    let { orders, rejected } = decoded;
    try {
      // Only refunds after their show's end read the store here; the orders of a window never do.
      if (decoded.late) {
        const resolved = await lateRefunds(decoded.late);
        orders = orders.length === 0 ? resolved.orders : [...orders, ...resolved.orders];
        if (resolved.rejected.length > 0)
          rejected = [...rejected, ...resolved.rejected].sort((a, b) => a.line - b.line);
      }
      const { accepted, duplicates } = await writer.submit(orders);
      const sender = `ingest:${who(req)?.slice(0, 12) ?? 'unknown'}`;
      // Late refunds say nothing of the feed's delay: only the orders of a window are sampled.
      const skewMs = skewSample(decoded.orders, arrivedAtMs, config.liveShow);
      const feed = { sender, lines: orders.length + rejected.length, skewMs };
      app.telemetry.emit('ingest', { accepted, duplicates, rejected, feed });
      return { accepted, duplicates, rejected };
    } catch (err) {
      if (!(
        err instanceof OverloadedError ||
        err instanceof StoreUnavailableError ||
        err instanceof ClaimedElsewhereError
      ))
        throw err;
      app.telemetry.emit(
        'shed',
        err instanceof OverloadedError ? 'queue' : err instanceof ClaimedElsewhereError ? 'in-flight' : 'store',
      );
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      if (err instanceof ClaimedElsewhereError) throw new Errors.IN_FLIGHT();
      throw err instanceof OverloadedError ? new Errors.OVERLOADED() : new Errors.STORE_UNAVAILABLE();
    }
  }
};
