import { ERRORS } from '../../shared/errors.js';

const BEGIN =
  '<!-- error codes: generated from shared/errors.ts by node --import tsx scripts/error-docs.ts --write -->';
const END = '<!-- error codes: end -->';

/** docs/api.md's table of every code, printed from shared/errors.ts. */
export function errorTable(): string {
  const rows = Object.entries(ERRORS).map(([code, e]) => `| ${e.status} | \`${code}\` | ${e.about} |`);
  return ['| status | code | meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

/** The table between the markers of `doc` as it stands (null: the markers are missing). */
export function docsErrorTable(doc: string): string | null {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END, from);
  if (from < 0 || to < 0) return null;
  return doc.slice(from + BEGIN.length, to).trim() + '\n';
}

/** `doc` with the table between its markers printed again from shared/errors.ts; the rest unchanged. */
export function withErrorTable(doc: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END, from);
  if (from < 0 || to < 0) throw new Error(`docs/api.md has no ${BEGIN} … ${END} section`);
  return `${doc.slice(0, from)}${BEGIN}\n\n${errorTable()}\n${doc.slice(to)}`;
}
