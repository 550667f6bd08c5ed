/**
 * Prints docs/api.md's table of error codes from shared/errors.ts; `--write` puts it in place (only
 * that table changes). tests/unit/error-codes.test.ts fails when docs/api.md differs from what this prints.
 *
 *   node --import tsx scripts/error-docs.ts [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { flag, readFlags } from '../shared/cli/args.js';
import { errorTable, withErrorTable } from './lib/error-docs.js';

const DOC = 'docs/api.md';

const flags = readFlags(
  {
    name: 'error-docs',
    usage: 'node --import tsx scripts/error-docs.ts [flags]',
    about: "Prints docs/api.md's table of every GMV_ERR_* code (Markdown) from shared/errors.ts.",
    flags: { write: flag.boolean({ description: "rewrite docs/api.md's error table in place" }) },
  },
  process.argv.slice(2),
);

if (flags.write) {
  writeFileSync(DOC, withErrorTable(readFileSync(DOC, 'utf8')));
  process.stdout.write(`error-docs: wrote the error table in ${DOC}\n`);
} else {
  process.stdout.write(errorTable());
}
