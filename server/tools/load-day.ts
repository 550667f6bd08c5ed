/**
 * Loads a previous day (2014 by default) straight into ClickHouse, for the board's
 * "against last year" and for replays. Runs on the same data as the server, so stop
 * the server first when using embedded chDB (one process per data directory).
 *
 *   npm run load-day -- --year 2014 --scale 0.01 [--seed 1111] [--replace]
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { openStore } from '../store/client.js';
import { dropShow, loadDay, storedOrders } from '../store/bulk.js';
import { migrate } from '../store/schema.js';
import { progressBar } from './progress.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      year: { type: 'string', default: '2014' },
      scale: { type: 'string', default: '0.01' },
      seed: { type: 'string', default: '1111' },
      replace: { type: 'boolean', default: false },
    },
  });
  const year = Number(values.year);
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  if (!Number.isInteger(year) || !(scale > 0 && scale <= 1) || !Number.isInteger(seed)) {
    throw new ConfigError('--year must be a year, --scale in (0, 1], --seed an integer');
  }
  const config = loadConfig();
  const show = config.shows.find((s) => s.start.startsWith(String(year)));
  if (!show) throw new ConfigError(`no configured show starts in ${year}`);

  const store = openStore(config);
  try {
    await migrate(store);
    const existing = await storedOrders(store, show.id);
    if (existing > 0 && !values.replace) {
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
