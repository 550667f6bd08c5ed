/**
 * Loads merchants' reference data (display names, provinces, cities, locations) into the store:
 * a CSV or JSON file (docs/reference-data.md), or the simulator's merchants. A merchant loaded
 * again replaces its former row; the live node reads them at its next start. Stop the server
 * first when it runs on embedded chDB (one process per data directory).
 *
 *   npm run load-merchants -- --file merchants.csv
 *   npm run load-merchants -- --sim [--seed 1111] [--write merchants.csv]
 */
import { writeFileSync } from 'node:fs';
import { flag, readFlags } from '../../shared/cli/args.js';
import type { MerchantRecord } from '../../shared/merchants.js';
import { merchantsCsv, simMerchants } from '../../shared/sim/merchants.js';
import { ConfigError, loadConfig } from '../config.js';
import { MerchantsFileError, readMerchantsFile } from '../merchants.js';
import { openStore } from '../store/client.js';
import { insertMerchants } from '../store/merchants.js';
import { migrate } from '../store/schema.js';

const flags = readFlags({
  name: 'load-merchants',
  usage: 'npm run load-merchants -- --file PATH | --sim [flags]',
  about:
    "Loads merchants' reference data into the store: names for the rankings, locations for the arcs.\n" +
    'Stop the server first when it runs on embedded chDB (one process per data dir).',
  flags: {
    file: flag.string({ description: 'a CSV (with a header) or JSON file of merchants' }),
    sim: flag.boolean({ description: "the simulator's merchants (m1 ... m27000) instead of a file" }),
    seed: flag.int({ description: 'simulator seed (with --sim)', default: 1111, min: 0, max: 2 ** 32 - 1 }),
    write: flag.string({ description: "with --sim: write the merchants to this CSV file, don't load them" }),
  },
  footer: 'The store is configured from the environment as for the server (DATA_DIR, CLICKHOUSE_URL, ...).',
});

async function main(): Promise<void> {
  if ((flags.file === undefined) === !flags.sim) throw new ConfigError('give either --file PATH or --sim');
  const merchants: MerchantRecord[] = flags.sim ? simMerchants(flags.seed) : readMerchantsFile(flags.file!);
  if (flags.write !== undefined) {
    writeFileSync(flags.write, merchantsCsv(merchants));
    console.log(`load-merchants: wrote ${merchants.length} merchants to ${flags.write}`);
    return;
  }
  const config = loadConfig();
  const store = openStore(config);
  try {
    await migrate(store);
    const started = performance.now();
    await insertMerchants(store, merchants, Date.now());
    const located = merchants.filter((m) => m.lon !== null).length;
    console.log(
      `load-merchants: loaded ${merchants.length} merchants (${located} with a location) in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(`load-merchants: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError || err instanceof MerchantsFileError ? 2 : 1);
});
