/**
 * Command-line flags for every command (scripts, benches, server tools): one typed spec
 * with descriptions and defaults, parsed by node:util `parseArgs` (strict: an unknown
 * flag or a stray argument is an error), numbers and choices checked, `--help` generated.
 * A bad flag is one line on stderr naming it, and exit code 2.
 */
import { parseArgs } from 'node:util';

/** One flag: how it reads its raw text, what `--help` says of it. */
export interface Flag<T> {
  readonly kind: 'string' | 'boolean';
  readonly description: string;
  /** Shown in `--help` after the flag name: `--scale X`. */
  readonly placeholder: string;
  /** The value when the flag is absent (undefined for an optional flag). */
  readonly fallback: T;
  /** Shown in `--help` in parentheses; omitted when there is none. */
  readonly shownDefault: string | null;
  /** Reads the raw text; throws FlagError with the reason (without the flag's name). */
  readonly read: (raw: string) => T;
}

export type FlagSpec = Record<string, Flag<unknown>>;
export type FlagValues<S extends FlagSpec> = { [K in keyof S]: S[K] extends Flag<infer T> ? T : never };

/** A bad flag: printed as one line, exit 2. */
export class FlagError extends Error {
  override name = 'FlagError';
}

interface Base {
  description: string;
  placeholder?: string;
}
interface Range {
  min?: number;
  max?: number;
  /** The minimum itself is not allowed: (min, max]. */
  above?: boolean;
}

function make<T>(
  kind: 'string' | 'boolean',
  o: Base,
  placeholder: string,
  fallback: T,
  read: (raw: string) => T,
  shownDefault: string | null,
): Flag<T> {
  return { kind, description: o.description, placeholder: o.placeholder ?? placeholder, fallback, shownDefault, read };
}

function rangeText(r: Range, integer: boolean): string {
  const { min, max, above } = r;
  const what = integer ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) {
    return integer && !above ? `${what} in ${min}..${max}` : `${what} in ${above ? '(' : '['}${min}, ${max}]`;
  }
  if (min !== undefined) return above ? `${what} above ${min}` : `${what} >= ${min}`;
  if (max !== undefined) return `${what} <= ${max}`;
  return what;
}

function numberReader(r: Range, integer: boolean): (raw: string) => number {
  return (raw) => {
    const text = raw.replaceAll('_', '').trim();
    const n = text === '' ? NaN : Number(text);
    const bad =
      !Number.isFinite(n) ||
      (integer && !Number.isInteger(n)) ||
      (r.min !== undefined && (r.above ? n <= r.min : n < r.min)) ||
      (r.max !== undefined && n > r.max);
    if (bad) throw new FlagError(`must be ${rangeText(r, integer)}, got "${raw}"`);
    return n;
  };
}

function shown(v: unknown): string | null {
  return v === undefined ? null : String(v);
}

function num(o: Base & Range & { default?: number }, integer: boolean): Flag<number | undefined> {
  return make('string', o, integer ? 'N' : 'X', o.default, numberReader(o, integer), shown(o.default));
}

/** The flag builders: each gives a typed Flag for a spec. */
export const flag = {
  /** A number; `min`/`max` bound it, `above` makes the minimum exclusive. */
  number: num as {
    (o: Base & Range & { default: number }): Flag<number>;
    (o: Base & Range): Flag<number | undefined>;
  },
  /** An integer (underscores allowed as separators: 10_000_000). */
  int: ((o: Base & Range & { default?: number }) => num(o, true)) as {
    (o: Base & Range & { default: number }): Flag<number>;
    (o: Base & Range): Flag<number | undefined>;
  },
  /** Free text. */
  string: ((o: Base & { default?: string }) => make('string', o, 'S', o.default, (raw) => raw, shown(o.default))) as {
    (o: Base & { default: string }): Flag<string>;
    (o: Base): Flag<string | undefined>;
  },
  /** One of a fixed set of words. */
  choice: <const C extends string>(o: Base & { choices: readonly C[]; default: C }): Flag<C> =>
    make(
      'string',
      o,
      o.choices.join('|'),
      o.default,
      (raw) => {
        if (!(o.choices as readonly string[]).includes(raw)) {
          throw new FlagError(`must be one of ${o.choices.join(', ')}, got "${raw}"`);
        }
        return raw as C;
      },
      o.default,
    ),
  /** Present or not. */
  boolean: (o: Base): Flag<boolean> => make('boolean', o, '', false, () => true, null),
  /** Anything else: `read` throws FlagError with the reason. */
  custom: <T>(o: Base & { default: T; shownDefault?: string; read: (raw: string) => T }): Flag<T> =>
    make('string', o, 'S', o.default, o.read, o.shownDefault ?? shown(o.default)),
};

/** A command: its name (the prefix of its error lines), how it is run, what it does, its flags. */
export interface Command<S extends FlagSpec> {
  name: string;
  usage: string;
  /** A paragraph or two under the usage line. */
  about?: string;
  flags: S;
  /** After the flags: environment variables, examples. */
  footer?: string;
}

/** The generated `--help` text. */
export function helpText<S extends FlagSpec>(cmd: Command<S>): string {
  const rows = Object.entries(cmd.flags).map(([name, f]) => {
    const left = `--${name}${f.kind === 'string' ? ` ${f.placeholder}` : ''}`;
    const right = f.description + (f.shownDefault === null ? '' : ` (${f.shownDefault})`);
    return [left, right] as const;
  });
  rows.push(['--help', 'this text']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [`usage: ${cmd.usage}`, ''];
  if (cmd.about) lines.push(cmd.about, '');
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}${r}`);
  if (cmd.footer) lines.push('', cmd.footer);
  return lines.join('\n');
}

/** node's parseArgs messages run over several sentences and lines: one short line instead. */
function parseArgsMessage(message: string, argv: string[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (option && message.includes('ambiguous')) {
    const value = argv[argv.indexOf(option) + 1] ?? '';
    return `${option} needs a value, and "${value}" looks like a flag: write ${option}=${value}`;
  }
  if (option && message.includes('argument missing')) return `${option} needs a value`;
  if (option && message.startsWith('Unknown option')) return `unknown flag ${option}`;
  return message.split('\n')[0]!.split('. ')[0]!;
}

/** Parses argv against the spec: the values, or null for `--help`; throws FlagError (one line) otherwise. */
export function parseFlags<S extends FlagSpec>(cmd: Command<S>, argv: string[]): FlagValues<S> | null {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, f] of Object.entries(cmd.flags)) options[name] = { type: f.kind };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new FlagError(parseArgsMessage((err as Error).message, argv));
  }
  if (values.help) return null;
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cmd.flags)) {
    const raw = values[name];
    if (raw === undefined) out[name] = f.fallback;
    else if (typeof raw === 'boolean') out[name] = raw;
    else {
      try {
        out[name] = f.read(raw);
      } catch (err) {
        if (!(err instanceof FlagError)) throw err;
        throw new FlagError(`--${name} ${err.message}`);
      }
    }
  }
  return out as FlagValues<S>;
}

/**
 * The command's flags from the process's argv. `--help` prints the help and exits 0;
 * a bad flag prints one line (`name: --flag must be ...`) on stderr and exits 2.
 * `check` may throw FlagError for rules across flags (--to after --from).
 */
export function readFlags<S extends FlagSpec>(
  cmd: Command<S>,
  argv = process.argv.slice(2),
  check?: (values: FlagValues<S>) => void,
): FlagValues<S> {
  let values: FlagValues<S> | null;
  try {
    values = parseFlags(cmd, argv);
    if (values !== null) check?.(values);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`${cmd.name}: ${err.message} (see --help)\n`);
    process.exit(2);
  }
  if (values === null) {
    process.stdout.write(`${helpText(cmd)}\n`);
    process.exit(0);
  }
  return values;
}

/** Seconds since midnight from "hh:mm[:ss]" or whole seconds, within 0..max. */
export function secondOfDay(max: number): (raw: string) => number {
  return (raw) => {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
    const s = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isInteger(s) || s < 0 || s > max || (m && (Number(m[2]) > 59 || Number(m[3] ?? 0) > 59))) {
      throw new FlagError(`must be hh:mm[:ss] or whole seconds in 0..${max}, got "${raw}"`);
    }
    return s;
  };
}
