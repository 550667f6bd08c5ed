import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { runServer } from './server.js';

/**
 * `npm run demo`: the server on embedded ClickHouse plus the simulator streaming
 * an 11.11 day, time-compressed. The board's clock follows the simulated time.
 * A restart resumes the day where the stored data ends.
 */
async function main(): Promise<void> {
  const token = randomBytes(24).toString('hex');
  const env = {
    SHOW_CLOCK: 'events',
    ...process.env,
    INGEST_TOKENS: [process.env.INGEST_TOKENS, token].filter(Boolean).join(','),
  };
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gmv-live demo: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const { url, app } = await runServer(config);
  const show = app.live.show;
  const newest = app.live.board.newestEventMs;
  const from = newest === null ? 0 : Math.max(0, Math.floor((newest - show.startMs) / 1000) + 1);
  const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: show.timeZone }).format(show.startMs));
  const { scale, speed } = config.demo;
  const board = `${url.replace('127.0.0.1', 'localhost')}/`;
  app.log.info({ url, show: show.id, from, scale, speed }, 'demo started');
  console.log(`\ngmv-live demo: the board is at ${board}  (Ctrl-C to stop)\n`);

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

void main();
