import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
    // Scripts are outside clients: they speak HTTP and import only shared/.
    files: ['scripts/**/*.ts'],
    ignores: ['scripts/bench/engine-*.ts', 'scripts/bench/seek*.ts', 'scripts/bench/fullday.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/client/**'] }] },
  },
  {
    // The raw-engine measurement runs the server's own schema and row format, and the seek
    // bench the replay's own seek in-process (server time, no socket), on purpose.
    files: ['scripts/bench/engine-*.ts', 'scripts/bench/seek*.ts', 'scripts/bench/fullday.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/client/**'] }] },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', 'fastify*', '@clickhouse/*', 'chdb*'] }] },
  },
);
