import type { FastifyServerOptions } from 'fastify';
import { flag, readFlags } from '../shared/cli/args.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { TAKES_ORDERS, type GmvNode } from './roles.js';

/** Readable lines on a terminal (pino-pretty), one JSON object a line otherwise (for log shippers). */
export function processLogger(config: Config, tty = process.stdout.isTTY === true): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization'],
    ...(tty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
}

/** The flags of `npm start` (and of the demo, which adds its own): a few env settings for one run. */
export const SERVER_FLAGS = {
  port: flag.int({ description: 'listen on this port (PORT; 3000)', min: 0, max: 65535 }),
  host: flag.string({ description: 'listen on this address (HOST; 127.0.0.1)', placeholder: 'ADDR' }),
};

export const ENV_HELP =
  'Everything else is set in the environment: see .env.example and the configuration table in README.md.';

/**
 * The process: read config, build the app, listen, stop cleanly on signals.
 * `npm start` runs this with orders coming from outside.
 */
export async function runServer(config: Config): Promise<{ app: GmvNode; close: () => Promise<void>; url: string }> {
  const app = await buildApp(config, { logger: processLogger(config) });
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

/** The environment with the flags that stand for some of it. */
export function envWith(
  flags: { port?: number | undefined; host?: string | undefined },
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return {
    ...env,
    ...(flags.port !== undefined ? { PORT: String(flags.port) } : {}),
    ...(flags.host !== undefined ? { HOST: flags.host } : {}),
  };
}

async function main(): Promise<void> {
  const flags = readFlags({
    name: 'gmv-live',
    usage: 'npm start -- [flags]',
    about: 'The server: orders in over HTTP (POST /api/v1/orders), live boards over socket.io.',
    flags: SERVER_FLAGS,
    footer: ENV_HELP,
  });
  let config: Config;
  try {
    config = loadConfig(envWith(flags));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gmv-live: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // A push node takes no orders: it needs no ingest credentials.
  if (config.ingestTokens.length === 0 && TAKES_ORDERS[config.role]) {
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
