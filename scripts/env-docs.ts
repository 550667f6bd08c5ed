/**
 * Prints the configuration's documentation from the server's env schema (server/env.ts): the README's
 * table, or .env.example; `--write` puts both in place. tests/unit/config-docs.test.ts fails when the
 * files in the repository differ from what this prints.
 *
 *   node --import tsx scripts/env-docs.ts [--env-example | --write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- the documentation is printed from the server's own schema
import { envExample, envTable, withTable } from '../server/env-docs.js';
import { FlagError, flag, readFlags } from '../shared/cli/args.js';

const flags = readFlags(
  {
    name: 'env-docs',
    usage: 'node --import tsx scripts/env-docs.ts [flags]',
    about:
      "Prints the README's configuration table (Markdown) from the environment schema in server/env.ts,\n" +
      'or .env.example with every setting at its default.',
    flags: {
      'env-example': flag.boolean({ description: 'print .env.example instead of the table' }),
      write: flag.boolean({ description: "rewrite the README's table and .env.example in place" }),
    },
  },
  process.argv.slice(2),
  (f) => {
    if (f['env-example'] && f.write) throw new FlagError('--env-example and --write do not go together');
  },
);

if (flags.write) {
  writeFileSync('README.md', withTable(readFileSync('README.md', 'utf8')));
  writeFileSync('.env.example', envExample());
  process.stdout.write('env-docs: wrote the configuration table in README.md and .env.example\n');
} else {
  process.stdout.write(flags['env-example'] ? envExample() : envTable());
}
