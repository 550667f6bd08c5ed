import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parseRate } from './money.js';
import { parseTimestamp } from './time.js';

const DECIMAL = '^[0-9]+(\\.[0-9]+)?$';

/**
 * A show as configured (one entry of SHOWS_FILE): the day being broadcast. Fields with a default may be
 * left out of the file; unknown fields are refused, so a misspelt one cannot fall back to its default.
 */
export const ShowConfigSchema = Type.Object(
  {
    /** Short id used in URLs and storage, e.g. "2015". */
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', mustBe: 'a-z, 0-9 and "-", 1-32 characters' }),
    name: Type.String({ minLength: 1, mustBe: 'a non-empty string' }),
    /** RFC 3339 start with offset, e.g. "2015-11-11T00:00:00+08:00". */
    start: Type.String({ mustBe: 'an RFC 3339 time with an offset' }),
    durationHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 31, mustBe: 'a number of hours in (0, 744]' }),
    /** IANA time zone of the show's own clock, e.g. "Asia/Shanghai". */
    timeZone: Type.String({ default: 'Asia/Shanghai', mustBe: 'an IANA time zone' }),
    /** Currency GMV is kept in. */
    currency: Type.Literal('CNY', { default: 'CNY', mustBe: '"CNY"' }),
    /** CNY per unit of each accepted currency, as decimal strings. */
    rates: Type.Record(Type.String(), Type.String({ pattern: DECIMAL, mustBe: 'a decimal string (CNY per unit)' }), {
      default: { CNY: '1' },
      mustBe: 'an object of decimal strings by currency code',
    }),
    /** Milestones in CNY, decimal strings. */
    milestones: Type.Array(Type.String({ pattern: DECIMAL, mustBe: 'a decimal string (CNY)' }), {
      default: [],
      mustBe: 'an array of decimal strings (CNY)',
    }),
    /** Events this many seconds before the start or after the end still belong to the show. */
    graceSeconds: Type.Integer({ minimum: 0, maximum: 86_400, default: 3600, mustBe: 'an integer in 0..86400' }),
    /** Id of the show this one is compared against ("last year"). */
    compareTo: Type.Optional(Type.String({ mustBe: 'a show id' })),
    /** The day's target in CNY, a decimal string: the exec screen shows the pace needed to reach it. */
    target: Type.Optional(Type.String({ pattern: DECIMAL, mustBe: 'a decimal string (CNY)' })),
  },
  { additionalProperties: false },
);

/** A show as configured, its defaults filled in. */
export type ShowConfig = Static<typeof ShowConfigSchema>;

/** A show with its times and rates resolved for fast checks. */
export interface Show extends ShowConfig {
  startMs: number;
  endMs: number;
  ratesMicro: ReadonlyMap<string, number>;
}

export function resolveShow(cfg: ShowConfig): Show {
  const start = parseTimestamp(cfg.start);
  if (!start.ok) throw new Error(`show "${cfg.id}": start ${cfg.start}: ${start.message}`);
  try {
    new Intl.DateTimeFormat('en', { timeZone: cfg.timeZone });
  } catch {
    throw new Error(`show "${cfg.id}": timeZone ${cfg.timeZone} is not an IANA time zone`);
  }
  const ratesMicro = new Map<string, number>();
  for (const [code, rate] of Object.entries(cfg.rates)) {
    if (!/^[A-Z]{3}$/.test(code)) throw new Error(`show "${cfg.id}": rates: currency code ${code} is not ISO 4217`);
    ratesMicro.set(code, parseRate(rate));
  }
  if (ratesMicro.get('CNY') !== 1_000_000) throw new Error(`show "${cfg.id}": rates must map CNY to 1`);
  return { ...cfg, startMs: start.ms, endMs: start.ms + cfg.durationHours * 3_600_000, ratesMicro };
}

/** The first thing wrong with one entry, as `show "<id>": <field> <problem>`. */
function showProblem(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  const who = typeof id === 'string' ? `show "${id}"` : `show #${index + 1}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${who} must be a JSON object`;
  const known = Object.keys(ShowConfigSchema.properties);
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined) return `${who}: unknown field "${unknown}"`;
  const [first] = Value.Errors(ShowConfigSchema, raw);
  if (first === undefined) return `${who} is not valid`;
  if (first.keyword === 'required') {
    const missing = (first.params as { requiredProperties?: string[] }).requiredProperties ?? [];
    return `${who}: ${missing.join(', ')} missing`;
  }
  const path = first.instancePath.slice(1).split('/');
  return `${who}: ${path.join('.')} must be ${wordsFor(path) ?? first.message.replace(/^must be /, '')}`;
}

/** What the value at a path of a show must be, in words, from the schema's `mustBe`. */
function wordsFor(path: string[]): string | undefined {
  let schema: TSchema | undefined = ShowConfigSchema.properties[path[0] as keyof ShowConfig];
  for (const _ of path.slice(1)) {
    if (schema === undefined) return undefined;
    schema = Type.IsArray(schema) ? schema.items : Type.IsRecord(schema) ? Type.RecordValue(schema) : undefined;
  }
  return (schema as { mustBe?: string } | undefined)?.mustBe;
}

/**
 * Checks a parsed SHOWS_FILE (a non-empty array of shows), fills in the defaults and resolves each show.
 * Throws one line naming the show and the field that is wrong.
 */
export function parseShows(input: unknown): Show[] {
  if (!Array.isArray(input) || input.length === 0) throw new Error('must be a non-empty JSON array');
  const configs = input.map((raw: unknown, i) => {
    const filled: unknown = Value.Default(ShowConfigSchema, structuredClone(raw));
    if (!Value.Check(ShowConfigSchema, filled)) throw new Error(showProblem(filled, i));
    return filled;
  });
  const ids = new Set<string>();
  for (const c of configs) {
    if (ids.has(c.id)) throw new Error(`show "${c.id}": id is used twice`);
    ids.add(c.id);
  }
  return configs.map(resolveShow);
}

/** The show whose window (with grace) contains the event time, if any. */
export function findShow(shows: readonly Show[], ms: number): Show | undefined {
  for (const s of shows) {
    if (ms >= s.startMs - s.graceSeconds * 1000 && ms < s.endMs + s.graceSeconds * 1000) return s;
  }
  return undefined;
}

const DEFAULT_RATES = { CNY: '1', USD: '6.3643', EUR: '6.8519', JPY: '0.051722', HKD: '0.821', GBP: '9.6786' };

/** Defaults: the 2015 gala and the 2014 day it is compared with. */
export const DEFAULT_SHOWS: ShowConfig[] = [
  {
    id: '2015',
    name: '11.11 Global Shopping Festival 2015',
    start: '2015-11-11T00:00:00+08:00',
    durationHours: 24,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rates: DEFAULT_RATES,
    milestones: ['100000000', '1000000000', '10000000000', '50000000000', '100000000000'],
    graceSeconds: 3600,
    compareTo: '2014',
  },
  {
    id: '2014',
    name: '11.11 Shopping Festival 2014',
    start: '2014-11-11T00:00:00+08:00',
    durationHours: 24,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rates: { CNY: '1', USD: '6.1395', EUR: '7.6546', JPY: '0.053667', HKD: '0.7918', GBP: '9.8045' },
    milestones: ['100000000', '1000000000', '10000000000', '50000000000'],
    graceSeconds: 3600,
  },
];
