import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, readFlags } from '../shared/cli/args.js';
import { merchantsCsv, simMerchants } from '../shared/sim/merchants.js';
import { ConfigError, loadConfig } from './config.js';
import { ENV_HELP, SERVER_FLAGS, envWith, runServer } from './server.js';
import { storedOrders } from './store/bulk.js';
import { loadDay } from './tools/day.js';

const flags = readFlags({
  name: 'gmv-live demo',
  usage: 'npm run demo -- [flags]',
  about:
    'The server on embedded ClickHouse plus the simulator streaming an 11.11 day, time-compressed.\n' +
    'A restart resumes the day where the stored data ends.',
  flags: {
    ...SERVER_FLAGS,
    scale: flag.number({ description: "share of the day's orders (DEMO_SCALE; 0.005)", min: 0, above: true, max: 1 }),
    speed: flag.number({ description: 'show-seconds per wall second (DEMO_SPEED; 20)', min: 0, above: true }),
  },
  footer: ENV_HELP,
});

/**
 * `npm run demo`: the server on embedded ClickHouse plus the simulator streaming
 * an 11.11 day, time-compressed. The board's clock follows the simulated time.
 * A restart resumes the day where the stored data ends.
 */
async function main(): Promise<void> {
  const token = randomBytes(24).toString('hex');
  const env = {
    SHOW_CLOCK: 'events',
    ...envWith(flags),
    ...(flags.scale !== undefined ? { DEMO_SCALE: String(flags.scale) } : {}),
    ...(flags.speed !== undefined ? { DEMO_SPEED: String(flags.speed) } : {}),
    INGEST_TOKENS: [process.env.INGEST_TOKENS, token].filter(Boolean).join(','),
  };
  let config;
  try {
    config = loadConfig(withSimMerchants(env));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gmv-live demo: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const { url, app } = await runServer(config);
  if (app.role !== 'all') throw new Error(`the demo runs one node that does everything, not ROLE=${app.role}`);
  const show = app.live.show;
  const newest = app.live.board.newestEventMs;
  const from = newest === null ? 0 : Math.max(0, Math.floor((newest - show.startMs) / 1000) + 1);
  const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: show.timeZone }).format(show.startMs));
  const { scale, speed } = config.demo;
  const base = url.replace('127.0.0.1', 'localhost');
  console.log(
    [
      '',
      `gmv-live demo: ${show.name}, simulated at scale ${scale} and ${speed}x speed from ${clock(from)}`,
      `  the board        ${base}/`,
      `  the exec screen  ${base}/exec     replays: ${base}/replay`,
      `  post orders      POST ${base}/api/v1/orders  (Authorization: Bearer ${token})`,
      `  Ctrl-C to stop; starting again resumes the day.`,
      '',
    ].join('\n'),
  );

  // Last year's day, for the comparison, loaded once in bulk at the same scale.
  const lastYear = config.shows.find((s) => s.id === show.compareTo);
  if (lastYear && (await storedOrders(app.store, lastYear.id)) === 0) {
    const lastYearNumber = Number(
      new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: lastYear.timeZone }).format(lastYear.startMs),
    );
    console.log(`gmv-live demo: loading last year's day (${lastYear.name}) at scale ${scale} ...`);
    const ctx = { shows: config.shows, categories: new Set(config.categories) };
    let reported = 0;
    const r = await loadDay(app.store, ctx, {
      year: lastYearNumber,
      scale: Number(scale),
      seed: 2014,
      onProgress: (n, second) => {
        if (second - reported >= 4 * 3600)
          console.log(`gmv-live demo: ... ${n} orders, ${Math.round(second / 864)}% of the day`);
        if (second - reported >= 4 * 3600) reported = second;
      },
    });
    console.log(`gmv-live demo: loaded ${r.orders} orders of last year in ${(r.ms / 1000).toFixed(1)} s`);
    await app.live.loadLastYear();
  }

  const script = fileURLToPath(new URL('../scripts/simulate.ts', import.meta.url));
  const sim = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      script,
      '--year',
      String(year),
      '--scale',
      scale,
      '--speed',
      speed,
      '--from',
      String(from),
      '--url',
      url,
      '--quiet',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, INGEST_TOKEN: token } },
  );
  sim.on('exit', (code, signal) => {
    if (signal === null) app.log.info({ code }, 'simulator finished; the board stays up (Ctrl-C to stop)');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => sim.kill('SIGTERM'));
}

/**
 * Without a MERCHANTS_FILE: the simulator's merchants (names, places, locations) written to the
 * data directory, so the rankings show names and the arcs start where the merchants are.
 */
function withSimMerchants(env: Record<string, string>): Record<string, string> {
  if (env.MERCHANTS_FILE !== undefined) return env;
  const { dataDir } = loadConfig(env);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo-merchants.csv');
  writeFileSync(file, merchantsCsv(simMerchants(1111)));
  return { ...env, MERCHANTS_FILE: file };
}

function clock(second: number): string {
  return new Date(second * 1000).toISOString().slice(11, 19);
}

void main();
