import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** What a hook can be told of (docs/alerts.md). */
export const ALERT_TYPES = ['milestone', 'milestone-revised', 'stale', 'fresh'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** The body a hook is sent: our own signed JSON, or the incoming-webhook format of a chat. */
export const HOOK_FORMATS = ['json', 'slack', 'dingtalk', 'wecom'] as const;
export type HookFormat = (typeof HOOK_FORMATS)[number];

const RetrySchema = Type.Object(
  {
    /** Most attempts of one delivery, the first included. */
    attempts: Type.Integer({ minimum: 1, maximum: 20, default: 8, mustBe: 'an integer in 1..20' }),
    /** Wait before the second attempt; doubled before each further one, ms. */
    firstDelayMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 1000, mustBe: 'an integer in 1..600000' }),
    /** Longest wait between two attempts, ms. */
    maxDelayMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 60_000, mustBe: 'an integer in 1..3600000' }),
  },
  { additionalProperties: false, default: {}, mustBe: 'an object: attempts, firstDelayMs, maxDelayMs' },
);

/**
 * One webhook as configured (one entry of WEBHOOKS_FILE). Fields with a default may be left out;
 * unknown fields are refused, so a misspelt one cannot fall back to its default.
 */
export const HookConfigSchema = Type.Object(
  {
    /** Short name, unique: in logs, metrics (label `hook`) and errors. */
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', mustBe: 'a-z, 0-9, "_" and "-", 1-32 characters' }),
    /** Where the POST goes: http:// or https:// only. */
    url: Type.String({ mustBe: 'an http:// or https:// URL' }),
    format: Type.Union([Type.Literal('json'), Type.Literal('slack'), Type.Literal('dingtalk'), Type.Literal('wecom')], {
      default: 'json',
      mustBe: HOOK_FORMATS.map((f) => `"${f}"`).join(', '),
    }),
    /** json: signs each body (X-GMV-Signature); dingtalk: signs the URL (timestamp, sign). Others: refused. */
    secret: Type.Optional(Type.String({ minLength: 16, mustBe: 'at least 16 characters' })),
    /** What the hook wants to be told of. */
    events: Type.Array(
      Type.Union(
        [Type.Literal('milestone'), Type.Literal('milestone-revised'), Type.Literal('stale'), Type.Literal('fresh')],
        {
          mustBe: ALERT_TYPES.map((t) => `"${t}"`).join(', '),
        },
      ),
      {
        minItems: 1,
        uniqueItems: true,
        default: ['milestone', 'milestone-revised'],
        mustBe: `a non-empty array of ${ALERT_TYPES.map((t) => `"${t}"`).join(', ')}`,
      },
    ),
    /** One attempt waits this long for the answer, ms. */
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000, mustBe: 'an integer in 100..60000' }),
    retry: RetrySchema,
  },
  { additionalProperties: false },
);

/** A hook as configured, its defaults filled in. */
export type Hook = Static<typeof HookConfigSchema>;
// The schema's literals and the lists above name the same things.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _formats: Same<Hook['format'], HookFormat> = true;
const _types: Same<Hook['events'][number], AlertType> = true;
void _formats;
void _types;
export type RetryPolicy = Static<typeof RetrySchema>;

/** The first thing wrong with one entry, as `hook "<name>": <field> <problem>`. */
function hookProblem(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  const who = typeof name === 'string' ? `hook "${name}"` : `hook #${index + 1}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${who} must be a JSON object`;
  const unknown = unknownField(HookConfigSchema, raw as Record<string, unknown>);
  if (unknown !== undefined) return `${who}: unknown field "${unknown}"`;
  const [first] = Value.Errors(HookConfigSchema, raw);
  if (first === undefined) return `${who} is not valid`;
  if (first.keyword === 'required') {
    const missing = (first.params as { requiredProperties?: string[] }).requiredProperties ?? [];
    const at = first.instancePath.slice(1).split('/').filter(Boolean);
    return `${who}: ${[...at, missing.join(', ')].join('.')} missing`;
  }
  const path = first.instancePath.slice(1).split('/');
  return `${who}: ${path.join('.')} must be ${wordsFor(path) ?? first.message.replace(/^must be /, '')}`;
}

/** An unknown field of the entry or of its `retry`, as a dotted path. */
function unknownField(schema: typeof HookConfigSchema, raw: Record<string, unknown>): string | undefined {
  const known = Object.keys(schema.properties);
  const top = Object.keys(raw).find((k) => !known.includes(k));
  if (top !== undefined) return top;
  const retry = raw.retry;
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) return undefined;
  const inner = Object.keys(retry).find((k) => !Object.keys(RetrySchema.properties).includes(k));
  return inner === undefined ? undefined : `retry.${inner}`;
}

/** What the value at a path of a hook must be, in words, from the schema's `mustBe`. */
function wordsFor(path: string[]): string | undefined {
  let schema: TSchema | undefined = HookConfigSchema.properties[path[0] as keyof Hook];
  for (const key of path.slice(1)) {
    if (schema === undefined) return undefined;
    if (Type.IsArray(schema)) schema = schema.items;
    else if (Type.IsObject(schema)) schema = (schema.properties as Record<string, TSchema>)[key];
    else schema = undefined;
  }
  return (schema as { mustBe?: string } | undefined)?.mustBe;
}

/**
 * Checks a parsed WEBHOOKS_FILE (a JSON array of hooks, possibly empty), fills in the defaults
 * and checks what the schema cannot: URLs, unique names, secrets only where they sign something.
 * Throws one line naming the hook and the field that is wrong.
 */
export function parseWebhooks(input: unknown): Hook[] {
  if (!Array.isArray(input)) throw new Error('must be a JSON array of hooks');
  const hooks = input.map((raw: unknown, i) => {
    const filled: unknown = Value.Default(HookConfigSchema, structuredClone(raw));
    if (!Value.Check(HookConfigSchema, filled)) throw new Error(hookProblem(filled, i));
    return filled;
  });
  const names = new Set<string>();
  for (const h of hooks) {
    const who = `hook "${h.name}"`;
    if (names.has(h.name)) throw new Error(`${who}: name is used twice`);
    names.add(h.name);
    const url = URL.canParse(h.url) ? new URL(h.url) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new Error(`${who}: url must be an http:// or https:// URL`);
    }
    if (url.username !== '' || url.password !== '') throw new Error(`${who}: url must not hold a user or password`);
    if (h.secret !== undefined && h.format !== 'json' && h.format !== 'dingtalk') {
      throw new Error(`${who}: secret signs only "json" and "dingtalk" hooks (${h.format} URLs carry their key)`);
    }
    if (h.retry.maxDelayMs < h.retry.firstDelayMs) {
      throw new Error(`${who}: retry.maxDelayMs must be at least retry.firstDelayMs`);
    }
  }
  return hooks;
}
