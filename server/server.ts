import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/**
 * The process: read config, build the app, listen, stop cleanly on signals.
 * `npm start` runs this with orders coming from outside.
 */
export async function runServer(
  config: Config,
): Promise<{ app: FastifyInstance; close: () => Promise<void>; url: string }> {
  const app = await buildApp(config);
  const url = await app.listen({ host: config.host, port: config.port });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= app.close());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'stopping: finishing in-flight batches');
      void close().then(() => process.exit(0));
    });
  }
  return { app, close, url };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gmv-live: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // A push node takes no orders: it needs no ingest credentials.
  if (config.ingestTokens.length === 0 && config.role !== 'push') {
    console.error(
      'gmv-live: INGEST_TOKENS is not set. Ingest needs credentials: set INGEST_TOKENS to one or more ' +
        'comma-separated bearer tokens (16+ characters each), e.g. INGEST_TOKENS=$(openssl rand -hex 24) npm start. ' +
        'For a self-contained demo with its own simulator and token, run `npm run demo`.',
    );
    process.exit(2);
  }
  await runServer(config);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
