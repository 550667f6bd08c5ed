/**
 * Prints the configuration's documentation from the server's env schema (server/env.ts): docs/configuration.md's
 * table, or .env.example; `--write` puts both in place. tests/unit/config-docs.test.ts fails when the
 * files in the repository differ from what this prints.
 *
 *   node --import tsx scripts/env-docs.ts [--env-example | --write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- the documentation is printed from the server's own schema
import { CONFIGURATION_DOC, envExample, envTable, withTable } from '../server/env-docs.js';
import { FlagError, flag, readFlags } from '../shared/cli/args.js';

const flags = readFlags(
  {
    name: 'env-docs',
    usage: 'node --import tsx scripts/env-docs.ts [flags]',
    about:
      'Prints the configuration table of docs/configuration.md (Markdown) from the environment schema in server/env.ts,\n' +
      'or .env.example with every setting at its default.',
    flags: {
      'env-example': flag.boolean({ description: 'print .env.example instead of the table' }),
      write: flag.boolean({ description: 'rewrite the table in docs/configuration.md and .env.example in place' }),
    },
  },
  process.argv.slice(2),
  (f) => {
    if (f['env-example'] && f.write) throw new FlagError('--env-example and --write do not go together');
  },
);

if (flags.write) {
  writeFileSync(CONFIGURATION_DOC, withTable(readFileSync(CONFIGURATION_DOC, 'utf8')));
  writeFileSync('.env.example', envExample());
  process.stdout.write(`env-docs: wrote the configuration table in ${CONFIGURATION_DOC} and .env.example\n`);
} else {
  process.stdout.write(flags['env-example'] ? envExample() : envTable());
}
