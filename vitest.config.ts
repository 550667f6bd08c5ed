import { defineConfig } from 'vitest/config';

// Four tiers, each file in its own process (chDB allows one data directory per process).
export default defineConfig({
  test: {
    root: '.',
    pool: 'forks',
    maxWorkers: 2,
    isolate: true,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          // Liveness bounds, not timings: a loaded CI machine runs CPU-bound units (the day generator) slowly.
          testTimeout: 30_000,
          // A non-UTC zone catches date bugs.
          env: { TZ: 'America/Sao_Paulo' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // expect.poll waits this long by default (vitest's 1 s is less than a busy machine's tick).
          expect: { poll: { timeout: 15_000 } },
          env: { TZ: 'Asia/Shanghai' },
        },
      },
      {
        test: {
          // Several real processes (redis-server, a live node, push nodes) per file.
          name: 'scale',
          include: ['tests/scale/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 15_000 } },
          env: { TZ: 'Asia/Shanghai' },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
