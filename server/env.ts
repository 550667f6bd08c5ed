import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { DEFAULT_CATEGORIES } from '../shared/order.js';
import { WEB_PUSH_SERVICES } from '../shared/web-push.js';

// Every environment variable the server reads, in one schema: name, type, default, allowed values and
// a one-line description. server/config.ts reads the environment through it; docs/configuration.md's
// table and .env.example are checked against it (tests/unit/config-docs.test.ts). Extra keywords, which
// JSON Schema ignores: `mustBe` (the allowed values in words, for errors and docs), `secret` (a bad
// value is never echoed), `docDefault` (the default in words, when it is not a fixed value).

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** An integer setting: default, inclusive bounds and what it means. */
function int(def: number, min: number, max: number, description: string) {
  return Type.Integer({ default: def, minimum: min, maximum: max, description });
}

/** A comma-separated list of tokens or secrets, each checked on its own. */
function secrets(minLength: number, description: string, printable = true) {
  const item = printable
    ? Type.String({ minLength, pattern: '^[\\x21-\\x7e]+$', mustBe: `at least ${minLength} printable characters` })
    : Type.String({ minLength, mustBe: `at least ${minLength} characters` });
  return Type.Array(item, { default: [], description, secret: true });
}

const IDENTIFIER = { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', mustBe: 'a plain identifier' };

/** A path to a PEM file, read at start (only with an https:// CLICKHOUSE_URL). */
function pem(description: string) {
  return Type.Optional(Type.String({ description, mustBe: 'a path to a PEM file' }));
}

export const EnvSchema = Type.Object({
  ROLE: Type.Union([Type.Literal('all'), Type.Literal('ingest'), Type.Literal('push')], {
    default: 'all',
    description: 'all: everything; ingest: ingest API and writer; push: board and sockets, no store',
  }),
  REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://[^\\s]+$',
      mustBe: 'a redis:// or rediss:// URL',
      secret: true,
      description: 'relays broadcasts between nodes, claims orders across ingest nodes (ROLE ingest, push)',
    }),
  ),
  HOST: Type.String({ default: '127.0.0.1', mustBe: 'an address or host name', description: 'address to listen on' }),
  PORT: int(3000, 0, 65535, 'port to listen on (0: any free port)'),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level (debug: one line per flush)' },
  ),
  DATA_DIR: Type.String({
    default: 'data',
    mustBe: 'a directory',
    description: 'embedded ClickHouse (chDB) data directory',
  }),
  CLICKHOUSE_URL: Type.Optional(
    Type.String({
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
      mustBe: 'an http:// or https:// URL',
      secret: true,
      docDefault: 'unset (chDB)',
      description: 'a ClickHouse server to use instead of chDB',
    }),
  ),
  CLICKHOUSE_USER: Type.String({ default: 'default', description: 'user on CLICKHOUSE_URL' }),
  CLICKHOUSE_PASSWORD: Type.String({ default: '', secret: true, description: 'password on CLICKHOUSE_URL' }),
  CLICKHOUSE_DATABASE: Type.String({ default: 'gmv', ...IDENTIFIER, description: 'database of every table' }),
  CLICKHOUSE_CLUSTER: Type.Optional(
    Type.String({ ...IDENTIFIER, description: 'cluster for replicated, sharded tables (docs/deploy.md)' }),
  ),
  CLICKHOUSE_CA_CERT: pem('CA of an https:// CLICKHOUSE_URL (unset: system CAs)'),
  CLICKHOUSE_CLIENT_CERT: pem('client certificate for mutual TLS (with the key and the CA)'),
  CLICKHOUSE_CLIENT_KEY: pem('key of CLICKHOUSE_CLIENT_CERT'),
  INGEST_TOKENS: secrets(16, 'bearer tokens that may send orders (npm start needs one); several rotate'),
  INGEST_HMAC_SECRETS: secrets(32, 'when set, ingest also needs X-GMV-Signature (docs/security.md)', false),
  VIEW_TOKENS: secrets(16, 'tokens that may read the board, socket and read API (none: open)'),
  ADMIN_TOKENS: secrets(16, 'tokens for director and admin actions, such as minting share links'),
  DIRECTOR_TOKENS: secrets(
    16,
    "tokens of the director's console, /director (admin tokens too; none of either: closed)",
  ),
  METRICS_TOKENS: secrets(16, 'tokens that may scrape /metrics (admin tokens too; none of either: closed)'),
  SHARE_SECRET: Type.Optional(
    Type.String({ minLength: 32, mustBe: 'at least 32 characters', secret: true, description: 'signs share links' }),
  ),
  SHOWS_FILE: Type.Optional(
    Type.String({
      docDefault: 'built-in 2015 and 2014',
      mustBe: 'a path to a JSON file',
      description: 'a JSON array of shows (fields: docs/deploy.md#shows)',
    }),
  ),
  MERCHANTS_FILE: Type.Optional(
    Type.String({
      docDefault: 'none',
      mustBe: 'a CSV or JSON file',
      description: "merchants' names and locations, stored at start (docs/reference-data.md)",
    }),
  ),
  WEBHOOKS_FILE: Type.Optional(
    Type.String({
      docDefault: 'none',
      mustBe: 'a JSON file',
      description: 'alerts (docs/alerts.md)',
    }),
  ),
  WEB_PUSH_VAPID_PUBLIC_KEY: Type.Optional(
    Type.String({
      pattern: '^B[A-Za-z0-9_-]{86}$',
      mustBe: 'a P-256 public key, base64url (87 characters): npx web-push generate-vapid-keys',
      docDefault: 'none (Web Push off)',
      description: 'Web Push to /exec subscribers (docs/alerts.md#web-push): VAPID public key',
    }),
  ),
  WEB_PUSH_VAPID_PRIVATE_KEY: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]{43}$',
      mustBe: 'a P-256 private key, base64url (43 characters)',
      secret: true,
      docDefault: 'none',
      description: 'its private key (both keys and WEB_PUSH_SUBJECT, or none)',
    }),
  ),
  WEB_PUSH_SUBJECT: Type.Optional(
    Type.String({
      pattern: '^(mailto:[^\\s@]+@[^\\s@]+|https://[^\\s]+)$',
      mustBe: 'a mailto: or https:// URL',
      docDefault: 'none',
      description: 'who push services may contact about our messages (VAPID `sub`)',
    }),
  ),
  WEB_PUSH_EVENTS: Type.Array(
    Type.Union(
      ['milestone', 'milestone-revised', 'stale', 'fresh'].map((t) => Type.Literal(t)),
      { mustBe: '"milestone", "milestone-revised", "stale" or "fresh"' },
    ),
    {
      default: ['milestone', 'milestone-revised'],
      minItems: 1,
      description: 'Web Push: the alerts pushed (docs/alerts.md)',
    },
  ),
  WEB_PUSH_SERVICES: Type.Array(
    Type.String({
      pattern: '^https?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
      mustBe: 'an origin such as https://fcm.googleapis.com (a leading *. matches subdomains)',
    }),
    {
      default: [...WEB_PUSH_SERVICES],
      docDefault: "Chrome's, Firefox's, Safari's and Edge's",
      description: 'Web Push: origins a subscription endpoint may have',
    },
  ),
  WEB_PUSH_MAX_SUBSCRIPTIONS: int(1000, 1, 100_000, 'Web Push: most devices subscribed at once'),
  WEB_PUSH_RETRY_ATTEMPTS: int(8, 1, 20, 'Web Push: most attempts of one message, the first included'),
  WEB_PUSH_RETRY_FIRST_DELAY_MS: int(1000, 1, 600_000, 'Web Push: wait before the second attempt, then doubled'),
  LIVE_SHOW: Type.Optional(
    Type.String({ docDefault: 'the first show', mustBe: 'a show id', description: 'id of the show on air' }),
  ),
  SHOW_CLOCK: Type.Union([Type.Literal('wall'), Type.Literal('events')], {
    default: 'wall',
    description: "board's clock: real time, or the newest event time (simulations; the demo's)",
  }),
  CATEGORIES: Type.Array(
    Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', mustBe: '[a-z0-9_-], 1-32 characters' }),
    {
      default: [...DEFAULT_CATEGORIES],
      docDefault: `${DEFAULT_CATEGORIES.slice(0, 2).join(', ')}, … ${DEFAULT_CATEGORIES.at(-1)} (${DEFAULT_CATEGORIES.length})`,
      description: 'categories an order may have',
    },
  ),
  MAX_BODY_BYTES: int(16 * MiB, KiB, 256 * MiB, 'largest request body'),
  MAX_BODY_BYTES_IN_FLIGHT: int(256 * MiB, KiB, 16 * GiB, 'ingest bodies received at once (beyond: 503)'),
  MAX_BATCH_LINES: int(50_000, 1, 500_000, 'most orders in one request'),
  MAX_LINE_BYTES: int(4 * KiB, 256, 64 * KiB, 'longest NDJSON line'),
  MAX_PENDING_ORDERS: int(300_000, 1000, 10_000_000, 'orders queued for the writer (beyond: 503)'),
  MAX_FLUSH_ORDERS: int(200_000, 100, 1_000_000, 'most orders in one INSERT'),
  STORE_FSYNC: Type.Boolean({
    default: false,
    description: 'fsync every part before acknowledging (halves capacity; docs/reliability.md)',
  }),
  TICK_MS: int(100, 100, 10_000, 'least time between two broadcasts'),
  PRESENT_DELAY_MS: int(
    150,
    0,
    5000,
    'boards show each message this long after it is sent, all at once (longer: fan-out slack; shorter: less lag)',
  ),
  MAX_EVENT_LOOP_LAG_MS: int(1000, 50, 60_000, 'event-loop delay (p99) past which ingest sheds load'),
  ON_AIR_RETENTION_DAYS: int(400, 1, 3650, 'days the on-air record (what every broadcast showed; /audit) is kept'),
  RECONCILE_MS: int(5000, 200, 3_600_000, 'how often the live state is checked against ClickHouse'),
  MAX_SOCKET_BUFFER_BYTES: int(4 * MiB, 64 * KiB, GiB, 'a board with more unsent bytes is dropped'),
  RATE_LIMIT_INGEST_PER_MIN: int(6000, 1, 10_000_000, 'ingest requests a minute per token (beyond: 429)'),
  RATE_LIMIT_READ_PER_MIN: int(1200, 1, 10_000_000, 'read API requests a minute per address (beyond: 429)'),
  REQUEST_TIMEOUT_MS: int(30_000, 500, 600_000, "time for a request's headers and body (beyond: 408)"),
  REDIS_STREAM_MAX_BYTES: int(256 * MiB, 32 * MiB, 64 * GiB, 'bytes the Redis stream between nodes keeps'),
  STALE_AMBER_SECONDS: int(5, 1, 3600, "boards' freshness mark turns amber when no order has arrived for this long"),
  STALE_RED_SECONDS: int(15, 2, 86_400, 'and red from this long (more than STALE_AMBER_SECONDS)'),
  SCREEN_SILENT_MS: int(
    2000,
    1100,
    60_000,
    'the console flags a screen silent when no report came for this long (frozen tab, cut link)',
  ),
  SCREEN_STALL_MS: int(
    2000,
    100,
    60_000,
    'the console flags a screen not painting when it painted no frame for this long',
  ),
  SCREEN_MIN_FPS: int(20, 1, 240, 'the console flags a screen slow below this many frames a second'),
  SCREEN_BEHIND_MS: int(
    2000,
    100,
    60_000,
    'the console flags a screen behind when newer figures have been out this long',
  ),
  FEED_WATCH_WINDOW_SECONDS: int(10, 1, 600, 'feed watch: seconds judged for rejections, late orders, skew'),
  FEED_WATCH_SILENT_SECONDS: int(60, 5, 3600, 'feed watch: a channel or country with no order this long is silent'),
  FEED_WATCH_SILENT_MIN_ORDERS: int(30, 1, 10_000_000, "feed watch: if last year's same seconds had this many"),
  FEED_WATCH_RATE_BAND_PCT: int(40, 1, 1000, "feed watch: orders/s off last year's x this year's ratio by this %"),
  FEED_WATCH_RATE_SMOOTH_SECONDS: int(5, 1, 60, 'feed watch: seconds the rate is averaged over'),
  FEED_WATCH_MIN_ORDERS: int(50, 1, 10_000_000, 'feed watch: least orders in a window to judge a share or the rate'),
  FEED_WATCH_REJECT_PCT: int(2, 1, 100, "feed watch: a sender's rejected lines, % of its lines, that alarm"),
  FEED_WATCH_SKEW_MS: int(
    10_000,
    100,
    86_400_000,
    "feed watch: a sender's median arrival minus event time that alarms",
  ),
  FEED_WATCH_LATE_MS: int(
    5000,
    100,
    86_400_000,
    'feed watch: an order committed this long after its event time is late',
  ),
  FEED_WATCH_LATE_PCT: int(5, 1, 100, 'feed watch: late orders, % of the orders, that alarm'),
  MAX_BOARDS: int(10_000, 1, 1_000_000, 'live boards per node'),
  MAX_BOARDS_PER_ADDRESS: int(1500, 1, 1_000_000, 'live boards from one address'),
  MAX_REPLAYS: int(16, 1, 1000, 'server-driven replays at once (docs/replay.md)'),
  MAX_REPLAYS_PER_ADDRESS: int(4, 1, 1000, 'replays created from one address at once'),
  MAX_REPLAY_VIEWERS: int(200, 1, 100_000, 'viewers of one replay'),
  REPLAY_IDLE_MS: int(60_000, 1000, 86_400_000, 'how long a replay nobody watches lives'),
  DEMO_SCALE: Type.String({
    default: '0.005',
    pattern: '^[0-9]*\\.?[0-9]+$',
    mustBe: 'a decimal number',
    description: "npm run demo: share of the day's orders",
  }),
  DEMO_SPEED: Type.String({
    default: '20',
    pattern: '^[0-9]*\\.?[0-9]+$',
    mustBe: 'a decimal number',
    description: 'npm run demo: time compression',
  }),
});

/** The environment as read: every variable converted, checked and defaulted. */
export type Env = Static<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What a bad value must be instead, in words. */
export function mustBe(schema: TSchema): string {
  const s = schema as TSchema & Record<string, unknown>;
  if (typeof s.mustBe === 'string') return s.mustBe;
  if (Type.IsInteger(schema)) return `an integer between ${s.minimum} and ${s.maximum}`;
  if (Type.IsBoolean(schema)) return '1 or 0 (true or false)';
  if (Type.IsUnion(schema)) {
    const names = schema.anyOf.map((l) => `"${(l as { const: string }).const}"`);
    return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  }
  return 'a string';
}

/** Turns a variable's text into the type its schema declares (undefined: unset). */
function fromText(schema: TSchema, raw: string): unknown {
  if (Type.IsInteger(schema)) return Number(raw);
  if (Type.IsBoolean(schema))
    return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : raw;
  if (Type.IsArray(schema)) {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return raw;
}

/** One line naming the variable and what it must be; secrets are never echoed. */
function problem(name: string, schema: TSchema, raw: string, value: unknown): string {
  const secret = (schema as { secret?: boolean }).secret === true;
  if (Type.IsArray(schema) && Array.isArray(value)) {
    const bad = value.find((v) => !Value.Check(schema.items, v)) as string | undefined;
    if (bad !== undefined) {
      return `each ${name} entry must be ${mustBe(schema.items)}${secret ? '' : `, got "${bad}"`}`;
    }
  }
  return `${name} must be ${mustBe(schema)}${secret ? '' : `, got "${raw}"`}`;
}

/**
 * Reads every variable of EnvSchema from `env`: an empty value counts as unset (its default applies).
 * Throws ConfigError naming the first variable whose value is not allowed.
 */
export function readEnv(env: Record<string, string | undefined>): Env {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EnvSchema.properties) as [string, TSchema][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if ('default' in schema) out[name] = structuredClone(schema.default);
      continue;
    }
    const value = fromText(schema, raw);
    if (!Value.Check(schema, value)) throw new ConfigError(problem(name, schema, raw, value));
    out[name] = value;
  }
  return out as Env;
}
