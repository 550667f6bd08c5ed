/**
 * Loads a previous day (2014 by default) straight into ClickHouse, for the board's
 * "against last year" and for replays: the simulator's rows (shared/sim), validated
 * as ingest does, handed to the store in bulk. Runs on the same data as the server, so
 * stop the server first when using embedded chDB (one process per data directory).
 *
 *   npm run load-day -- --year 2014 --scale 0.01 [--seed 1111] [--replace]
 */
import { flag, readFlags } from '../../shared/cli/args.js';
import { progressBar } from '../../shared/cli/progress.js';
import { ConfigError, loadConfig } from '../config.js';
import { dropShow, storedOrders } from '../store/bulk.js';
import { openStore } from '../store/client.js';
import { migrate } from '../store/schema.js';
import { loadDay } from './day.js';

const flags = readFlags({
  name: 'load-day',
  usage: 'npm run load-day -- [flags]',
  about:
    "Loads a simulated day into the store, for the board's comparison with last year and for\n" +
    'replays. Stop the server first when it runs on embedded chDB (one process per data dir).',
  flags: {
    year: flag.int({ description: 'the day: a year with a configured show', default: 2014, min: 2009, max: 2100 }),
    scale: flag.number({ description: "share of the real day's orders", default: 0.01, min: 0, above: true, max: 1 }),
    seed: flag.int({ description: 'simulator seed', default: 1111, min: 0, max: 2 ** 32 - 1 }),
    replace: flag.boolean({ description: 'drop the show and load it again when it already holds orders' }),
  },
  footer: 'The store is configured from the environment as for the server (DATA_DIR, CLICKHOUSE_URL, ...).',
});

async function main(): Promise<void> {
  const { year, scale, seed } = flags;
  const config = loadConfig();
  const show = config.shows.find((s) => s.start.startsWith(String(year)));
  if (!show) throw new ConfigError(`no configured show starts in ${year}`);

  const store = openStore(config);
  try {
    await migrate(store);
    const existing = await storedOrders(store, show.id);
    if (existing > 0 && !flags.replace) {
      console.log(`load-day: show ${show.id} already holds ${existing} orders; use --replace to load it again`);
      return;
    }
    if (existing > 0) await dropShow(store, show.id);
    const bar = progressBar('load-day', 86_400);
    const ctx = { shows: config.shows, categories: new Set(config.categories) };
    const r = await loadDay(store, ctx, { year, scale, seed, onProgress: (n, s) => bar.update(s, `${n} orders`) });
    bar.done();
    console.log(
      `load-day: loaded ${r.orders} orders of ${year} (scale ${scale}) into show ${r.show} in ` +
        `${(r.ms / 1000).toFixed(1)} s (${Math.round((r.orders * 1000) / r.ms)} orders/s)`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(`load-day: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
