import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Benchmarks that measure server code in process, so they may import server/ (never client/). */
const IN_PROCESS_BENCHES = [
  'scripts/bench/engine-*.ts',
  'scripts/bench/seek*.ts',
  'scripts/bench/fullday.ts',
  'scripts/bench/parse.ts',
  'scripts/bench/dedup.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: no framework, transport or storage code.
    files: ['server/domain/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'fastify*',
            '@fastify/*',
            'socket.io*',
            '@clickhouse/*',
            'chdb*',
            'react*',
            'd3*',
            '**/store/**',
            '**/live/**',
            '**/routes/**',
          ],
        },
      ],
    },
  },
  {
    // The store is a port: only store/ talks to ClickHouse (and the engine benches' seam, tools/engine.ts).
    files: ['server/**/*.ts'],
    ignores: ['server/store/**', 'server/tools/engine.ts', 'server/domain/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@clickhouse/*', 'chdb*'] }] },
  },
  {
    // Scripts are outside clients: they speak HTTP and import only shared/.
    files: ['scripts/**/*.ts'],
    ignores: IN_PROCESS_BENCHES,
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/client/**'] }] },
  },
  {
    // In process, on purpose: the engine benches (engine-*.ts, with engine-only and engine-reads,
    // and fullday.ts) run the server's own schema, row format, settings and reads; the seek bench
    // the replay's own seek (server time, no socket); bench:parse the ingest decoder; bench:dedup
    // the fingerprint set.
    files: IN_PROCESS_BENCHES,
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/client/**'] }] },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', 'fastify*', '@clickhouse/*', 'chdb*'] }] },
  },
);
