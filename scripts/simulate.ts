/**
 * The 11.11 simulator: an outside client that streams a day of orders to the
 * server over HTTP (or writes them as NDJSON). Deterministic for a given seed.
 *
 *   tsx scripts/simulate.ts --year 2015 --scale 0.005 --speed 20 --url http://localhost:3000 --token T
 *   tsx scripts/simulate.ts --calibration   # each year's milestones, totals and peak from its curve
 */
import { createWriteStream } from 'node:fs';
import { FlagError, flag, readFlags, secondOfDay } from '../shared/cli/args.js';
import { progressBar } from '../shared/cli/progress.js';
import { YEARS } from '../shared/sim/calibration.js';
import { DAY_SECONDS } from '../shared/sim/day.js';
import { calibrationReport } from '../shared/sim/figures.js';
import { DayGenerator } from '../shared/sim/generate.js';
import { Sender, sleep, type SendTotals } from './sim/send.js';

const second = secondOfDay(DAY_SECONDS);

const flags = readFlags(
  {
    name: 'simulate',
    usage: 'npm run simulate -- [flags]',
    about:
      'Streams a simulated 11.11 day of orders to the server over HTTP (or writes them as NDJSON\n' +
      'with --out). Deterministic for a given seed.',
    flags: {
      year: flag.custom({
        description: `the day to simulate: ${Object.keys(YEARS).join(', ')}`,
        default: 2015,
        placeholder: 'N',
        read: (raw) => {
          if (YEARS[Number(raw)] === undefined) {
            throw new FlagError(`must be a calibrated year (${Object.keys(YEARS).join(', ')}), got "${raw}"`);
          }
          return Number(raw);
        },
      }),
      scale: flag.number({ description: "share of the real day's orders", default: 0.001, min: 0, above: true }),
      speed: flag.number({ description: 'show-seconds per wall second; 0: as fast as possible', default: 1, min: 0 }),
      rate: flag.number({ description: 'orders per second instead of the calibrated curve', min: 0, above: true }),
      from: flag.custom({
        description: 'first second, hh:mm[:ss] or seconds since midnight',
        default: 0,
        placeholder: 'T',
        read: second,
      }),
      to: flag.custom({ description: 'end, exclusive', default: DAY_SECONDS, placeholder: 'T', read: second }),
      seed: flag.int({ description: 'simulator seed', default: 1111, min: 0, max: 2 ** 32 - 1 }),
      out: flag.string({ description: 'write NDJSON to this file instead of sending', placeholder: 'FILE' }),
      url: flag.string({ description: 'the server', default: 'http://127.0.0.1:3000', placeholder: 'URL' }),
      token: flag.string({ description: 'ingest bearer token (INGEST_TOKEN)', placeholder: 'T' }),
      batch: flag.int({ description: 'orders per request body', default: 5000, min: 1 }),
      resend: flag.number({
        description: 'share of batches sent twice, as a retrying client does',
        default: 0.005,
        min: 0,
        max: 1,
      }),
      quiet: flag.boolean({ description: 'no progress bar' }),
      calibration: flag.boolean({
        description: "print each year's figures from its curve at full scale (milestones, totals, peak) and exit",
      }),
    },
  },
  process.argv.slice(2),
  (v) => {
    if (v.to <= v.from) throw new FlagError('--to must be after --from');
  },
);

async function main(): Promise<void> {
  if (flags.calibration) {
    for (const line of calibrationReport(Object.keys(YEARS).map(Number))) console.log(line);
    return;
  }
  const gen = new DayGenerator({
    year: flags.year,
    scale: flags.scale,
    seed: flags.seed,
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
  });
  const { from, to, speed, batch: batchSize, resend: resendShare } = flags;
  const token = flags.token ?? process.env.INGEST_TOKEN ?? '';
  const started = performance.now();
  const bar = progressBar('simulate', to - from, !flags.quiet && process.stderr.isTTY === true);
  const progress = {
    draw: (at: number, text: string) => bar.update(at - from, `${clock(at)} ${text}`),
    done: bar.done,
  };
  let generated = 0;

  if (flags.out) {
    const out = createWriteStream(flags.out);
    for (let s = from; s < to; s++) {
      const lines = gen.second(s);
      generated += lines.length;
      if (lines.length && !out.write(lines.map((l) => l.line).join('\n') + '\n')) {
        await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (s % 600 === 0) progress.draw(s, `${generated} orders`);
    }
    await new Promise<void>((r) => out.end(() => r()));
    progress.done();
    console.log(`simulate: wrote ${generated} orders (${from}s..${to}s of ${gen.calibration.year}) to ${flags.out}`);
    return;
  }

  if (!token) throw new Error('--token (or INGEST_TOKEN) is required to send orders');
  const sender = new Sender(flags.url.replace(/\/$/, ''), token);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress.done();
      console.log(`simulate: stopped by ${signal}; ${summary(sender.totals, started)}`);
      process.exit(130);
    });
  }
  const rand = mixRand(flags.seed);
  let pending: string[] = [];
  const flush = async () => {
    for (let i = 0; i < pending.length; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      await sender.send(batch);
      // Now and then a client resends a whole batch it did not see answered.
      if (rand() < resendShare) await sender.send(batch);
    }
    pending = [];
  };
  const wallStart = performance.now();
  for (let s = from; s < to; s++) {
    if (speed > 0) {
      const due = wallStart + ((s - from) * 1000) / speed;
      const wait = due - performance.now();
      if (wait > 0) {
        await flush();
        await sleep(wait);
      }
    }
    for (const l of gen.second(s)) pending.push(l.line);
    generated += gen.counts[s] ?? 0;
    if (pending.length >= batchSize) await flush();
    if (s % 10 === 0) progress.draw(s, `sent ${sender.totals.sent} accepted ${sender.totals.accepted}`);
  }
  await flush();
  await sender.idle();
  progress.done();
  console.log(`simulate: ${gen.calibration.year} ${from}s..${to}s: ${summary(sender.totals, started)}`);
}

function summary(t: SendTotals, started: number): string {
  const secs = (performance.now() - started) / 1000;
  return (
    `sent ${t.sent} lines in ${t.batches} batches, ${secs.toFixed(1)} s (${Math.round(t.sent / secs)}/s); ` +
    `accepted ${t.accepted}, duplicates ${t.duplicates}, rejected ${t.rejected}, retries ${t.retries}`
  );
}

function mixRand(seed: number): () => number {
  let a = (seed * 2654435761) >>> 0;
  return () => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    return (a >>> 0) / 4294967296;
  };
}

function clock(second: number): string {
  return new Date(second * 1000).toISOString().slice(11, 19);
}

main().catch((err: unknown) => {
  console.error(`simulate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
