import { Type, type TSchema } from 'typebox';
import { EnvSchema, mustBe } from './env.js';

// The configuration's documentation, printed from EnvSchema: docs/configuration.md's table and .env.example.
// tests/unit/config-docs.test.ts fails when either differs from what is printed here.

type Doc = TSchema & {
  description?: string;
  default?: unknown;
  docDefault?: string;
  minimum?: number;
  maximum?: number;
};

const UNITS: [number, string][] = [
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

/** A figure as people read it: bytes in KiB/MiB/GiB when whole, other numbers with thousands separators. */
function figure(name: string, n: number): string {
  if (name.includes('BYTES')) {
    for (const [size, unit] of UNITS) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return n >= 10_000 && !name.endsWith('PORT') ? n.toLocaleString('en-US') : String(n);
}

/** The default as the table shows it. */
function shownDefault(name: string, s: Doc): string {
  if (s.docDefault !== undefined) return s.docDefault;
  const d = s.default;
  if (d === undefined) return 'unset';
  if (typeof d === 'number') return figure(name, d);
  if (typeof d === 'boolean') return d ? '1' : '0';
  if (Array.isArray(d)) return d.length === 0 ? 'none' : d.join(', ');
  return d === '' ? 'empty' : String(d);
}

/** The allowed values in words. */
function allowed(name: string, s: Doc): string {
  const { minimum, maximum } = s;
  if (Type.IsInteger(s)) return `${figure(name, minimum!)}–${figure(name, maximum!)}`;
  if (Type.IsBoolean(s)) return '0 or 1 (false or true)';
  if (Type.IsUnion(s)) return s.anyOf.map((l) => (l as { const: string }).const).join(', ');
  if (Type.IsArray(s)) return `comma-separated, each ${mustBe(s.items)}`;
  const words = (s as { mustBe?: string }).mustBe;
  return words ?? 'any text';
}

function entries(): [string, Doc][] {
  return Object.entries(EnvSchema.properties) as [string, Doc][];
}

/** The configuration table (docs/configuration.md): one row per variable of EnvSchema. */
export function envTable(): string {
  const rows = entries().map(
    ([name, s]) => `| \`${name}\` | ${shownDefault(name, s)} | ${allowed(name, s)} | ${s.description ?? ''} |`,
  );
  return ['| variable | default | allowed | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

/** The value a line of .env.example shows: the default exactly as the variable would be written. */
function written(s: Doc): string {
  const d = s.default;
  if (d === undefined) return '';
  if (typeof d === 'boolean') return d ? '1' : '0';
  if (Array.isArray(d)) return d.join(',');
  return String(d);
}

/** .env.example: every variable, commented out at its default, with what it means and allows. */
export function envExample(): string {
  const head = [
    '# gmv-live: every setting the server reads, each commented out at its default.',
    '# Generated from server/env.ts (node --import tsx scripts/env-docs.ts --env-example); do not edit by hand.',
    '# Empty counts as unset. Use: cp .env.example .env, uncomment what you change, then',
    '#   set -a; . ./.env; set +a; npm start',
  ];
  const blocks = entries().map(([name, s]) => {
    const lines = [`# ${s.description ?? name}`, `# allowed: ${allowed(name, s)}`];
    if (s.docDefault !== undefined) lines.push(`# default: ${s.docDefault}`);
    lines.push(`# ${name}=${written(s)}`);
    return lines.join('\n');
  });
  return [head.join('\n'), ...blocks].join('\n\n') + '\n';
}

/** Where the configuration table lives (the README links to it). */
export const CONFIGURATION_DOC = 'docs/configuration.md';

// The doc keeps the table between these two lines, so that Prettier leaves it compact.
const BEGIN = '<!-- prettier-ignore-start -->';
const END = '<!-- prettier-ignore-end -->';
const NOTE = '<!-- generated from server/env.ts: node --import tsx scripts/env-docs.ts --write -->';

/** The configuration table of the doc as it stands (null: the markers are missing). */
export function configurationTable(readme: string): string | null {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END, from);
  if (from < 0 || to < 0) return null;
  return readme
    .slice(from + BEGIN.length, to)
    .replace(/<!--[^]*?-->/g, '')
    .trim();
}

/** The doc with its configuration table printed again from the schema. */
export function withTable(readme: string): string {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END, from);
  if (from < 0 || to < 0) throw new Error(`${CONFIGURATION_DOC} has no ${BEGIN} … ${END} section`);
  return `${readme.slice(0, from)}${BEGIN}\n\n${NOTE}\n\n${envTable()}\n${readme.slice(to)}`;
}
