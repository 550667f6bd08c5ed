import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { Errors } from './errors.js';
import writerPlugin from './ingest/plugin.js';
import livePlugin from './live/plugin.js';
import { ingestRoutes } from './routes/ingest.js';
import { healthRoutes, readRoutes } from './routes/read.js';
import securityPlugin from './security.js';
import storePlugin from './store/plugin.js';

const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** Fastify's own errors, answered with our codes and words so clients see one vocabulary. */
function translate(err: FastifyError, config: Config): { code: string; message: string } {
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
      return { code: err.code?.startsWith('GMV_ERR_') ? err.code : 'GMV_ERR_REQUEST_INVALID', message: err.message };
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the app: plugins, then routes. Does not listen. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
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
      return reply
        .status(500)
        .send({ statusCode: 500, code: 'GMV_ERR_INTERNAL', error: 'Internal Server Error', message: 'internal error' });
    }
    const { code, message } = translate(err, config);
    return reply.status(status).send({ statusCode: status, code, error: httpError(status), message });
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new Errors.NOT_FOUND(`${req.method} ${req.url.split('?')[0]}`);
    return reply.status(404).send({ statusCode: 404, code: err.code, error: 'Not Found', message: err.message });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'gmv-live', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  // swagger-ui sets its own CSP (with hashes for its inline parts) on /docs.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(securityPlugin, { config });
  await app.register(storePlugin, { config });
  await app.register(livePlugin, { config });
  await app.register(writerPlugin, { config });
  await app.register(healthRoutes);
  await app.register(readRoutes, { config });
  await app.register(ingestRoutes, { config });

  if (existsSync(CLIENT_DIR)) {
    await app.register(fastifyStatic, { root: CLIENT_DIR, index: 'index.html', wildcard: false });
  } else {
    app.log.warn({ dir: CLIENT_DIR }, 'board not built: run `npm run build` to serve it');
  }
  return app;
}

function httpError(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  );
}
