import { readMerchantsFile } from './merchants.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FleetThresholds } from '../shared/fleet.js';
import type { StaleThresholds } from '../shared/freshness.js';
import type { FeedThresholds } from './domain/feed-watch.js';
import { DEFAULT_SHOWS, parseShows, type Show } from '../shared/show.js';
import { parseWebhooks, type AlertType, type Hook, type RetryPolicy } from '../shared/webhooks.js';
import { ConfigError, readEnv, type Env } from './env.js';

export { ConfigError };

/** What a process does: everything, only ingest (no sockets), or only the board and sockets (no store). */
export type Role = 'all' | 'ingest' | 'push';

/**
 * Everything the server reads from its environment. The only module that touches process.env; every
 * variable is declared in server/env.ts (EnvSchema), which says its type, default and allowed values.
 */
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
  /** Tokens of the director's console, /director (admin tokens may direct too; none of either: closed). */
  directorTokens: string[];
  /** Tokens that may scrape /metrics (admin tokens may too; none of either: closed). */
  metricsTokens: string[];
  shows: Show[];
  /** WEBHOOKS_FILE: the hooks told of milestones (docs/alerts.md); none by default. */
  webhooks: Hook[];
  /** WEB_PUSH_*: Web Push to the devices subscribed on /exec (docs/alerts.md#web-push); null: off. */
  webPush: WebPushConfig | null;
  /** MERCHANTS_FILE: merchants' reference data stored at start (docs/reference-data.md); null: none. */
  merchantsFile: string | null;
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
  /** Boards show each broadcast message this long after it was sent (its `presentAtMs`). */
  presentDelayMs: number;
  /** Event-loop delay (p99, ms) past which ingest sheds load. */
  maxLagMs: number;
  /** How often the live state is checked against ClickHouse, ms (each check holds one INSERT for one read). */
  reconcileMs: number;
  /** Days the on-air record is kept (ClickHouse TTL; rows written now carry it). */
  onAirRetentionDays: number;
  /** A board socket with more unsent bytes than this is dropped (it reconnects and resyncs). */
  maxSocketBufferBytes: number;
  /** The feed watch's thresholds (FEED_WATCH_*, docs/director.md "Feed watch"). */
  feedWatch: FeedThresholds;
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
  /** STALE_AMBER_SECONDS, STALE_RED_SECONDS: when the boards' freshness mark turns amber and red, ms (snapshot `stale`). */
  stale: StaleThresholds;
  /** SCREEN_*: when the director's console flags a screen (the red freshness mark: stale). */
  fleet: FleetThresholds;
  /** Most live boards per node, and from one address. */
  boardCaps: { total: number; perAddress: number };
  /** Server-driven replays: most at once, most viewers each, and how long one nobody watches lives, ms. */
  replay: { maxSessions: number; maxPerAddress: number; maxViewers: number; idleMs: number };
}

/** The ClickHouse connection: chDB, or a server (optionally TLS with a private CA, optionally a cluster). */
function clickhouseConfig(env: Env): Config['clickhouse'] {
  const url = env.CLICKHOUSE_URL ?? null;
  // The schema checks the scheme; the URL must also parse (no host, no URL).
  if (url !== null && !URL.canParse(url)) throw new ConfigError('CLICKHOUSE_URL must be an http:// or https:// URL');
  const protocol = url === null ? null : new URL(url).protocol;
  const cluster = env.CLICKHOUSE_CLUSTER ?? null;
  if (cluster !== null && url === null) {
    throw new ConfigError('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL (chDB has no cluster)');
  }
  const pem = (name: 'CLICKHOUSE_CA_CERT' | 'CLICKHOUSE_CLIENT_CERT' | 'CLICKHOUSE_CLIENT_KEY'): Buffer | null => {
    const path = env[name];
    if (path === undefined) return null;
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
    username: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    database: env.CLICKHOUSE_DATABASE,
    cluster,
    tls: caCert === null ? null : { caCert, cert, key },
  };
}

/** The shows of SHOWS_FILE (or the built-in ones), checked against the show schema. */
function readShows(file: string | undefined): Show[] {
  try {
    return parseShows(file === undefined ? DEFAULT_SHOWS : JSON.parse(readFileSync(resolve(file), 'utf8')));
  } catch (err) {
    throw new ConfigError(`SHOWS_FILE ${file ?? '(built-in)'}: ${(err as Error).message}`);
  }
}

/** The hooks of WEBHOOKS_FILE (none without one), checked against the hook schema. */
function readWebhooks(file: string | undefined): Hook[] {
  if (file === undefined) return [];
  try {
    return parseWebhooks(JSON.parse(readFileSync(resolve(file), 'utf8')));
  } catch (err) {
    throw new ConfigError(`WEBHOOKS_FILE ${file}: ${(err as Error).message}`);
  }
}

/** Web Push: the VAPID keys and subject, what is pushed, where to, how many devices, how often retried. */
export interface WebPushConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
  events: AlertType[];
  /** Origins an endpoint may have (`https://*.host` matches subdomains). */
  services: string[];
  maxSubscriptions: number;
  retry: RetryPolicy;
}

/** WEB_PUSH_*: all three of the keys and the subject, or none (off). */
function webPushConfig(env: Env): WebPushConfig | null {
  const { WEB_PUSH_VAPID_PUBLIC_KEY: publicKey, WEB_PUSH_VAPID_PRIVATE_KEY: privateKey } = env;
  const subject = env.WEB_PUSH_SUBJECT;
  const given = [publicKey, privateKey, subject].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (publicKey === undefined || privateKey === undefined || subject === undefined) {
    throw new ConfigError(
      'Web Push needs WEB_PUSH_VAPID_PUBLIC_KEY, WEB_PUSH_VAPID_PRIVATE_KEY and WEB_PUSH_SUBJECT together',
    );
  }
  return {
    publicKey,
    privateKey,
    subject,
    events: env.WEB_PUSH_EVENTS as AlertType[],
    services: env.WEB_PUSH_SERVICES,
    maxSubscriptions: env.WEB_PUSH_MAX_SUBSCRIPTIONS,
    retry: {
      attempts: env.WEB_PUSH_RETRY_ATTEMPTS,
      firstDelayMs: env.WEB_PUSH_RETRY_FIRST_DELAY_MS,
      maxDelayMs: 60_000,
    },
  };
}

/** MERCHANTS_FILE, read once to check it (the live node reads it again to store it): a bad row names its line and field. */
function checkMerchantsFile(file: string | undefined): string | null {
  if (file === undefined) return null;
  try {
    readMerchantsFile(file);
  } catch (err) {
    throw new ConfigError(`MERCHANTS_FILE ${(err as Error).message}`);
  }
  return file;
}

/** Reads and checks the configuration. Throws ConfigError with one plain line on a bad value. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = readEnv(source);
  const shows = readShows(env.SHOWS_FILE);
  const webhooks = readWebhooks(env.WEBHOOKS_FILE);
  const liveShow = env.LIVE_SHOW ?? shows[0]!.id;
  if (!shows.some((s) => s.id === liveShow)) throw new ConfigError(`LIVE_SHOW "${liveShow}" is not a configured show`);

  const clickhouse = clickhouseConfig(env);
  const limits = {
    bodyBytes: env.MAX_BODY_BYTES,
    bodyBytesInFlight: env.MAX_BODY_BYTES_IN_FLIGHT,
    batchLines: env.MAX_BATCH_LINES,
    lineBytes: env.MAX_LINE_BYTES,
    pendingOrders: env.MAX_PENDING_ORDERS,
    flushOrders: env.MAX_FLUSH_ORDERS,
  };
  // A body larger than the budget could never be admitted: it would get 503 forever.
  if (limits.bodyBytesInFlight < limits.bodyBytes) {
    throw new ConfigError('MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_BODY_BYTES');
  }
  // A batch larger than the queue could never be admitted: it would get 503 forever.
  if (limits.pendingOrders < limits.batchLines) {
    throw new ConfigError('MAX_PENDING_ORDERS must be at least MAX_BATCH_LINES');
  }

  // Red before amber would skip amber: the wall would go from green straight to red.
  if (env.STALE_RED_SECONDS <= env.STALE_AMBER_SECONDS) {
    throw new ConfigError('STALE_RED_SECONDS must be more than STALE_AMBER_SECONDS');
  }

  const role = env.ROLE;
  const redisUrl = env.REDIS_URL ?? null;
  // Nodes of a split deployment only meet through Redis: alone they would serve nothing.
  if (role !== 'all' && redisUrl === null) throw new ConfigError(`ROLE=${role} needs REDIS_URL`);

  return {
    role,
    redisUrl,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    dataDir: resolve(env.DATA_DIR),
    clickhouse,
    ingestTokens: env.INGEST_TOKENS,
    ingestHmacSecrets: env.INGEST_HMAC_SECRETS,
    viewTokens: env.VIEW_TOKENS,
    shareSecret: env.SHARE_SECRET ?? null,
    adminTokens: env.ADMIN_TOKENS,
    directorTokens: env.DIRECTOR_TOKENS,
    metricsTokens: env.METRICS_TOKENS,
    shows,
    webhooks,
    webPush: webPushConfig(env),
    merchantsFile: checkMerchantsFile(env.MERCHANTS_FILE),
    liveShow,
    clock: env.SHOW_CLOCK,
    categories: env.CATEGORIES,
    limits,
    tickMs: env.TICK_MS,
    presentDelayMs: env.PRESENT_DELAY_MS,
    maxLagMs: env.MAX_EVENT_LOOP_LAG_MS,
    reconcileMs: env.RECONCILE_MS,
    onAirRetentionDays: env.ON_AIR_RETENTION_DAYS,
    maxSocketBufferBytes: env.MAX_SOCKET_BUFFER_BYTES,
    rateLimits: { ingestPerMin: env.RATE_LIMIT_INGEST_PER_MIN, readPerMin: env.RATE_LIMIT_READ_PER_MIN },
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    demo: { scale: env.DEMO_SCALE, speed: env.DEMO_SPEED },
    storeFsync: env.STORE_FSYNC,
    redisStreamMaxBytes: env.REDIS_STREAM_MAX_BYTES,
    stale: { amberMs: env.STALE_AMBER_SECONDS * 1000, redMs: env.STALE_RED_SECONDS * 1000 },
    fleet: {
      silentMs: env.SCREEN_SILENT_MS,
      stallMs: env.SCREEN_STALL_MS,
      minFps: env.SCREEN_MIN_FPS,
      behindMs: env.SCREEN_BEHIND_MS,
      staleMs: env.STALE_RED_SECONDS * 1000,
    },
    feedWatch: {
      windowSeconds: env.FEED_WATCH_WINDOW_SECONDS,
      silentSeconds: env.FEED_WATCH_SILENT_SECONDS,
      silentMinOrders: env.FEED_WATCH_SILENT_MIN_ORDERS,
      rateBandPct: env.FEED_WATCH_RATE_BAND_PCT,
      rateSmoothSeconds: env.FEED_WATCH_RATE_SMOOTH_SECONDS,
      minOrders: env.FEED_WATCH_MIN_ORDERS,
      rejectPct: env.FEED_WATCH_REJECT_PCT,
      skewMs: env.FEED_WATCH_SKEW_MS,
      lateMs: env.FEED_WATCH_LATE_MS,
      latePct: env.FEED_WATCH_LATE_PCT,
    },
    boardCaps: { total: env.MAX_BOARDS, perAddress: env.MAX_BOARDS_PER_ADDRESS },
    replay: {
      maxSessions: env.MAX_REPLAYS,
      maxPerAddress: env.MAX_REPLAYS_PER_ADDRESS,
      maxViewers: env.MAX_REPLAY_VIEWERS,
      idleMs: env.REPLAY_IDLE_MS,
    },
  };
}
