import { createAdapter } from '@socket.io/redis-streams-adapter';
import fp from 'fastify-plugin';
import { createClient } from 'redis';
import type { Config } from './config.js';

/** The one Redis call the claims and the live lease need (node-redis `sendCommand`), so tests and clients plug in alike. */
export interface RedisCommands {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * Every message between nodes is an entry of the Redis stream (socket.io's streams adapter),
 * which Redis trims by entries: with every entry bounded in bytes, so is the stream
 * (`streamMaxLen`). The largest entries: a commit message (COMMIT_ROWS_PER_MESSAGE rows, about
 * 80 bytes each), a tick (at most MAX_TICK_SECONDS changed seconds), a series chunk (3,600 seconds).
 */
export const MAX_STREAM_ENTRY_BYTES = 256 * 1024;

/** Entries the stream keeps so that it holds at most `maxBytes` (REDIS_STREAM_MAX_BYTES). */
export function streamMaxLen(maxBytes: number): number {
  return Math.max(100, Math.floor(maxBytes / MAX_STREAM_ENTRY_BYTES));
}

/** A node-redis client (redis@5+, which the streams adapter drives like redis@4). */
export type RedisClient = ReturnType<typeof createClient>;

/** The link between nodes: one Redis client, and the socket.io adapter that relays over it. */
export interface Relay {
  redis: RedisClient;
  /** For `new Server({ adapter })`: broadcasts and server-side emits reach every node. */
  adapter: ReturnType<typeof createAdapter>;
  /** True while the Redis connection is up. */
  readonly ready: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Null on a single node (no REDIS_URL). */
    relay: Relay | null;
  }
}

/**
 * Connects to REDIS_URL when set. The adapter duplicates the client for its blocking stream
 * reads and its subscriptions; all of them close with the app.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.redisUrl) {
      app.decorate('relay', null);
      return;
    }
    const log = app.log.child({ module: 'relay' });
    const redis: RedisClient = createClient({
      url: config.redisUrl,
      // Keep retrying while Redis is away; readiness reports it meanwhile.
      socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
      // Fail at once while Redis is away rather than queue: the adapter publishes a broadcast
      // before it sends it to this node's own sockets, so a queued publish would stall the
      // board here too, and ingest answers 503 instead of hanging on its claims.
      disableOfflineQueue: true,
    });
    // The adapter's stream reader and subscriber are duplicates of this client: they wait for
    // Redis to come back instead (failing at once, the reader would spin).
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = ((overrides?: Parameters<RedisClient['duplicate']>[0]) =>
      duplicate({ ...overrides, disableOfflineQueue: false })) as RedisClient['duplicate'];
    let lastError = 0;
    redis.on('error', (err: unknown) => {
      // One line per 10 s at most while Redis is down.
      if (Date.now() - lastError < 10_000) return;
      lastError = Date.now();
      log.warn({ err: String(err) }, 'redis unavailable');
    });
    await redis.connect();
    const adapter = createAdapter(redis, {
      // Bounded in bytes: every entry is (see MAX_STREAM_ENTRY_BYTES), and this many are kept.
      maxLen: streamMaxLen(config.redisStreamMaxBytes),
      // Shorter than the default 5 s so that a closing node's stream reader ends soon.
      blockTimeInMs: 1000,
      heartbeatInterval: 2000,
      heartbeatTimeout: 6000,
    });
    app.decorate('relay', {
      redis,
      adapter,
      get ready() {
        return redis.isReady;
      },
    });
    app.addHook('onClose', async () => {
      // After socket.io closed its adapters (live plugin, preClose); the adapter's own
      // duplicates disconnect when their namespace adapter closes.
      await redis.close().catch(() => undefined);
    });
    log.info({ role: config.role }, 'relaying through redis');
  },
  { name: 'relay' },
);
