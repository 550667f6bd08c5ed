import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import livePlugin from './live/plugin.js';
import { ingestRoutes } from './routes/ingest.js';
import { healthRoutes, readRoutes } from './routes/read.js';
import storePlugin from './store/plugin.js';

const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** Fastify's own codes, answered with ours so clients see one vocabulary. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GMV_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GMV_ERR_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GMV_ERR_BODY_EMPTY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GMV_ERR_BODY_INVALID',
  FST_ERR_VALIDATION: 'GMV_ERR_REQUEST_INVALID',
};

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
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500 && status !== 503) {
      req.log.error({ err }, 'request failed');
      return reply
        .status(500)
        .send({ statusCode: 500, code: 'GMV_ERR_INTERNAL', error: 'Internal Server Error', message: 'internal error' });
    }
    const code = FASTIFY_CODES[err.code] ?? err.code ?? 'GMV_ERR_REQUEST_INVALID';
    return reply.status(status).send({ statusCode: status, code, error: httpError(status), message: err.message });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'gmv-live', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(storePlugin, { config });
  await app.register(livePlugin, { config });
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
