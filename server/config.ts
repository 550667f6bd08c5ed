import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CATEGORIES } from '../shared/order.js';
import { DEFAULT_SHOWS, resolveShow, type Show, type ShowConfig } from '../shared/show.js';

/** What a process does: everything, only ingest (no sockets), or only the board and sockets (no store). */
export type Role = 'all' | 'ingest' | 'push';

/** Everything the server reads from its environment. The only module that touches process.env. */
export interface Config {
  /** ROLE: `all` (one process does everything), `ingest` or `push` (scale-out; both need REDIS_URL). */
  role: Role;
  /** Redis that relays broadcasts between nodes and holds cross-node order claims (null: single node). */
  redisUrl: string | null;
  host: string;
  port: number;
  logLevel: string;
  /** chDB data directory (embedded mode). */
  dataDir: string;
  clickhouse: {
    url: string | null;
    username: string;
    password: string;
    database: string;
    /** Cluster the tables are replicated and sharded on (server mode only; null: one node). */
    cluster: string | null;
    /** TLS for an https:// server with a private CA, PEM contents read at start (null: system CAs). */
    tls: { caCert: Buffer; cert: Buffer | null; key: Buffer | null } | null;
  };
  ingestTokens: string[];
  /** Secrets for the optional `X-GMV-Signature` HMAC on ingest (none: not required). Several allow rotation. */
  ingestHmacSecrets: string[];
  /** Tokens that may read the board, the socket and the read API (none: open). */
  viewTokens: string[];
  /** Secret for signed, expiring share links (null: none). */
  shareSecret: string | null;
  /** Tokens for director and admin actions, such as minting share links. */
  adminTokens: string[];
  /** Tokens that may scrape /metrics (admin tokens may too; none of either: closed). */
  metricsTokens: string[];
  shows: Show[];
  /** Id of the show on air. */
  liveShow: string;
  clock: 'wall' | 'events';
  categories: string[];
  limits: {
    /** Largest request body, bytes. */
    bodyBytes: number;
    /** Most bytes of ingest bodies being received at once (a body counts MAX_BODY_BYTES until its length is known). */
    bodyBytesInFlight: number;
    /** Most orders in one request. */
    batchLines: number;
    /** Longest NDJSON line, bytes. */
    lineBytes: number;
    /** Most orders waiting to be written before ingest sheds load. */
    pendingOrders: number;
    /** Most orders written in one INSERT. */
    flushOrders: number;
  };
  /** Interval of the broadcast loop, ms (10 Hz at most). */
  tickMs: number;
  /** Event-loop delay (p99, ms) past which ingest sheds load. */
  maxLagMs: number;
  /** How often the live state is checked against ClickHouse, ms (each check holds one INSERT for one read). */
  reconcileMs: number;
  /** A board socket with more unsent bytes than this is dropped (it reconnects and resyncs). */
  maxSocketBufferBytes: number;
  /** Most requests a minute: ingest per bearer token, the read API per IP. */
  rateLimits: { ingestPerMin: number; readPerMin: number };
  /** A request whose headers and body have not all arrived by then is answered 408 and closed, ms. */
  requestTimeoutMs: number;
  /** `npm run demo`: share of the day's orders and time compression of the simulator. */
  demo: { scale: string; speed: string };
  /** REDIS_STREAM_MAX_BYTES: most bytes the Redis stream between nodes holds (see live/cluster.ts). */
  redisStreamMaxBytes: number;
  /** STORE_FSYNC: ClickHouse fsyncs every part an INSERT writes before it returns (see store/durability.ts). */
  storeFsync: boolean;
  /** Most live boards per node, and from one address. */
  boardCaps: { total: number; perAddress: number };
  /** Server-driven replays: most at once, most viewers each, and how long one nobody watches lives, ms. */
  replay: { maxSessions: number; maxPerAddress: number; maxViewers: number; idleMs: number };
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0 (true or false), got "${raw}"`);
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The ClickHouse connection: chDB, or a server (optionally TLS with a private CA, optionally a cluster). */
function clickhouseConfig(env: Env, database: string): Config['clickhouse'] {
  const url = env.CLICKHOUSE_URL || null;
  let protocol: string | null = null;
  if (url !== null) {
    protocol = URL.canParse(url) ? new URL(url).protocol : null;
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new ConfigError('CLICKHOUSE_URL must be an http:// or https:// URL');
  }
  const cluster = env.CLICKHOUSE_CLUSTER || null;
  if (cluster !== null) {
    // The name goes into DDL (ON CLUSTER, Distributed(...)): a plain identifier only.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(cluster))
      throw new ConfigError('CLICKHOUSE_CLUSTER must be a plain identifier');
    if (url === null) throw new ConfigError('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL (chDB has no cluster)');
  }
  const pem = (name: string): Buffer | null => {
    const path = env[name];
    if (!path) return null;
    if (url === null) throw new ConfigError(`${name} needs CLICKHOUSE_URL (chDB runs in process)`);
    try {
      return readFileSync(resolve(path));
    } catch (err) {
      throw new ConfigError(`${name} ${path}: ${(err as Error).message}`);
    }
  };
  const caCert = pem('CLICKHOUSE_CA_CERT');
  const cert = pem('CLICKHOUSE_CLIENT_CERT');
  const key = pem('CLICKHOUSE_CLIENT_KEY');
  if ((cert === null) !== (key === null))
    throw new ConfigError('CLICKHOUSE_CLIENT_CERT and CLICKHOUSE_CLIENT_KEY go together');
  if (cert !== null && caCert === null) throw new ConfigError('CLICKHOUSE_CLIENT_CERT needs CLICKHOUSE_CA_CERT');
  if (caCert !== null && protocol !== 'https:')
    throw new ConfigError('CLICKHOUSE_CA_CERT needs an https:// CLICKHOUSE_URL');
  return {
    url,
    username: env.CLICKHOUSE_USER || 'default',
    password: env.CLICKHOUSE_PASSWORD || '',
    database,
    cluster,
    tls: caCert === null ? null : { caCert, cert, key },
  };
}

/** Reads and checks the configuration. Throws ConfigError with a plain message on bad values. */
export function loadConfig(env: Env = process.env): Config {
  let shows: Show[];
  try {
    const showConfigs: unknown = env.SHOWS_FILE
      ? JSON.parse(readFileSync(resolve(env.SHOWS_FILE), 'utf8'))
      : DEFAULT_SHOWS;
    if (!Array.isArray(showConfigs) || showConfigs.length === 0) throw new Error('must be a non-empty JSON array');
    shows = (showConfigs as ShowConfig[]).map(resolveShow);
  } catch (err) {
    throw new ConfigError(`SHOWS_FILE ${env.SHOWS_FILE ?? '(built-in)'}: ${(err as Error).message}`);
  }
  const liveShow = env.LIVE_SHOW || shows[0]?.id || '';
  if (!shows.some((s) => s.id === liveShow)) throw new ConfigError(`LIVE_SHOW "${liveShow}" is not a configured show`);

  const clock = env.SHOW_CLOCK || 'wall';
  if (clock !== 'wall' && clock !== 'events') throw new ConfigError(`SHOW_CLOCK must be "wall" or "events"`);

  const database = env.CLICKHOUSE_DATABASE || 'gmv';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) {
    throw new ConfigError('CLICKHOUSE_DATABASE must be a plain identifier');
  }
  const clickhouse = clickhouseConfig(env, database);
  const tokens = list(env.INGEST_TOKENS);
  const viewTokens = list(env.VIEW_TOKENS);
  const adminTokens = list(env.ADMIN_TOKENS);
  const metricsTokens = list(env.METRICS_TOKENS);
  for (const [name, values] of [
    ['INGEST_TOKENS', tokens],
    ['VIEW_TOKENS', viewTokens],
    ['ADMIN_TOKENS', adminTokens],
    ['METRICS_TOKENS', metricsTokens],
  ] as const) {
    for (const t of values) {
      if (t.length < 16 || !/^[\x21-\x7e]+$/.test(t)) {
        throw new ConfigError(`each ${name} entry must be at least 16 printable characters`);
      }
    }
  }
  const ingestHmacSecrets = list(env.INGEST_HMAC_SECRETS);
  for (const s of ingestHmacSecrets) {
    if (s.length < 32) throw new ConfigError('each INGEST_HMAC_SECRETS entry must be at least 32 characters');
  }
  const shareSecret = env.SHARE_SECRET || null;
  if (shareSecret !== null && shareSecret.length < 32)
    throw new ConfigError('SHARE_SECRET must be at least 32 characters');

  const categories = env.CATEGORIES ? list(env.CATEGORIES) : [...DEFAULT_CATEGORIES];
  for (const c of categories) {
    // Categories are stored and sent verbatim: keep them to a plain charset.
    if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(c))
      throw new ConfigError(`CATEGORIES: "${c}" must match [a-z0-9_-], 1-32 characters`);
  }
  const limits = {
    bodyBytes: int(env, 'MAX_BODY_BYTES', 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    bodyBytesInFlight: int(env, 'MAX_BODY_BYTES_IN_FLIGHT', 256 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
    batchLines: int(env, 'MAX_BATCH_LINES', 50_000, 1, 500_000),
    lineBytes: int(env, 'MAX_LINE_BYTES', 4096, 256, 65536),
    pendingOrders: int(env, 'MAX_PENDING_ORDERS', 300_000, 1000, 10_000_000),
    flushOrders: int(env, 'MAX_FLUSH_ORDERS', 200_000, 100, 1_000_000),
  };
  // A body larger than the budget could never be admitted: it would get 503 forever.
  if (limits.bodyBytesInFlight < limits.bodyBytes) {
    throw new ConfigError('MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_BODY_BYTES');
  }
  // A batch larger than the queue could never be admitted: it would get 503 forever.
  if (limits.pendingOrders < limits.batchLines) {
    throw new ConfigError('MAX_PENDING_ORDERS must be at least MAX_BATCH_LINES');
  }

  const role = env.ROLE || 'all';
  if (role !== 'all' && role !== 'ingest' && role !== 'push') {
    throw new ConfigError('ROLE must be "all", "ingest" or "push"');
  }
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  }
  // Nodes of a split deployment only meet through Redis: alone they would serve nothing.
  if (role !== 'all' && redisUrl === null) throw new ConfigError(`ROLE=${role} needs REDIS_URL`);

  return {
    role,
    redisUrl,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    dataDir: resolve(env.DATA_DIR || 'data'),
    clickhouse,
    ingestTokens: tokens,
    ingestHmacSecrets,
    viewTokens,
    shareSecret,
    adminTokens,
    metricsTokens,
    shows,
    liveShow,
    clock,
    categories,
    limits,
    tickMs: int(env, 'TICK_MS', 100, 100, 10_000),
    maxLagMs: int(env, 'MAX_EVENT_LOOP_LAG_MS', 1000, 50, 60_000),
    reconcileMs: int(env, 'RECONCILE_MS', 5_000, 200, 3_600_000),
    maxSocketBufferBytes: int(env, 'MAX_SOCKET_BUFFER_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    rateLimits: {
      ingestPerMin: int(env, 'RATE_LIMIT_INGEST_PER_MIN', 6000, 1, 10_000_000),
      readPerMin: int(env, 'RATE_LIMIT_READ_PER_MIN', 1200, 1, 10_000_000),
    },
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 500, 600_000),
    demo: { scale: env.DEMO_SCALE || '0.005', speed: env.DEMO_SPEED || '20' },
    storeFsync: bool(env, 'STORE_FSYNC', false),
    redisStreamMaxBytes: int(
      env,
      'REDIS_STREAM_MAX_BYTES',
      256 * 1024 * 1024,
      32 * 1024 * 1024,
      64 * 1024 * 1024 * 1024,
    ),
    boardCaps: {
      total: int(env, 'MAX_BOARDS', 10_000, 1, 1_000_000),
      perAddress: int(env, 'MAX_BOARDS_PER_ADDRESS', 1_500, 1, 1_000_000),
    },
    replay: {
      maxSessions: int(env, 'MAX_REPLAYS', 16, 1, 1000),
      maxPerAddress: int(env, 'MAX_REPLAYS_PER_ADDRESS', 4, 1, 1000),
      maxViewers: int(env, 'MAX_REPLAY_VIEWERS', 200, 1, 100_000),
      idleMs: int(env, 'REPLAY_IDLE_MS', 60_000, 1000, 86_400_000),
    },
  };
}
