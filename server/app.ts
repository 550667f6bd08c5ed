import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyServerOptions } from 'fastify';
import { ErrorResponseSchema } from '../shared/protocol.js';
import { ERRORS, isErrorCode, type ErrorCode } from '../shared/errors.js';
import type { Config } from './config.js';
import { Errors } from './errors.js';
import metricsPlugin from './metrics.js';
import relayPlugin from './relay.js';
import { ROLES, type GmvNode } from './roles.js';
import securityPlugin from './security.js';
import telemetryPlugin from './telemetry.js';

/** Fastify's own errors, answered with our codes and words so clients see one vocabulary. */
function translate(err: FastifyError, config: Config): { code: ErrorCode; message: string } {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        code: 'GMV_ERR_BODY_TOO_LARGE',
        message: `the request body is larger than ${config.limits.bodyBytes} bytes`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'GMV_ERR_MEDIA_TYPE', message: 'send application/x-ndjson or application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'GMV_ERR_BODY_EMPTY', message: 'the request body is empty' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'GMV_ERR_BODY_INVALID', message: 'the body does not match its Content-Length' };
    case 'FST_ERR_VALIDATION':
      return { code: 'GMV_ERR_REQUEST_INVALID', message: err.message };
    default:
      return { code: isErrorCode(err.code) ? err.code : 'GMV_ERR_REQUEST_INVALID', message: err.message };
  }
}

/** Errors Node raises before a request reaches fastify (timeouts, broken HTTP), in our error shape. */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message]: [ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['GMV_ERR_REQUEST_TIMEOUT', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['GMV_ERR_HEADERS_TOO_LARGE', 'the request headers are too large']
        : ['GMV_ERR_REQUEST_INVALID', 'the request is not valid HTTP'];
  const status = ERRORS[code].status;
  const body = JSON.stringify({ statusCode: status, code, error: httpError(status), message });
  socket.end(
    `HTTP/1.1 ${status} ${httpError(status)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the app: the plugins every node has, then the parts of its role (roles.ts). Does not listen. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<GmvNode> {
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    // A client that trickles or stalls its upload is answered 408 and cut off after this.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: 60_000,
    clientErrorHandler,
    // Node checks request timeouts on an interval (30 s by default), which would let a
    // stalled upload hold its socket long past a short timeout.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: config.requestTimeoutMs,
          headersTimeout: Math.min(60_000, config.requestTimeoutMs),
          connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.requestTimeoutMs / 4))),
        },
        handler,
      ),
    bodyLimit: config.limits.bodyBytes,
    // On close, idle keep-alive sockets go at once; requests in flight are finished first.
    forceCloseConnections: 'idle',
    // One log line per request would swamp the logs at gala rates; flushes log a summary instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown query parameters are an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500 && status !== 503) {
      req.log.error({ err }, 'request failed');
      const internal = ERRORS.GMV_ERR_INTERNAL.status;
      return reply.status(internal).send({
        statusCode: internal,
        code: 'GMV_ERR_INTERNAL' satisfies ErrorCode,
        error: 'Internal Server Error',
        message: 'internal error',
      });
    }
    const { code, message } = translate(err, config);
    return reply.status(status).send({ statusCode: status, code, error: httpError(status), message });
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new Errors.NOT_FOUND(`${req.method} ${req.url.split('?')[0]}`);
    return reply.status(404).send({ statusCode: 404, code: err.code, error: 'Not Found', message: err.message });
  });

  // Every route's schemas are the TypeBox schemas of shared/ (routes/*.ts): /openapi.json is generated
  // from them. The one error body is shared by reference and keeps its name (GmvError) in the document.
  app.addSchema(ErrorResponseSchema);
  await app.register(swagger, {
    openapi: {
      info: { title: 'gmv-live', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
    },
  });
  // swagger-ui sets its own CSP (with hashes for its inline parts) on /docs.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Limits are set per route (ingest per token, reads per address); answers keep our error shape.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => new Errors.RATE_LIMITED(context.after),
  });
  // Telemetry first, so the metrics see every event from the start (the first rebuild included).
  await app.register(telemetryPlugin);
  await app.register(metricsPlugin, { config });
  await app.register(securityPlugin, { config });
  await app.register(relayPlugin, { config });
  return ROLES[config.role](app, config);
}

function httpError(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      408: 'Request Timeout',
      409: 'Conflict',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
      431: 'Request Header Fields Too Large',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  );
}
