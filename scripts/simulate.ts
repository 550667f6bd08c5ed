/**
 * The 11.11 simulator: an outside client that streams a day of orders to the
 * server over HTTP (or writes them as NDJSON). Deterministic for a given seed.
 *
 *   tsx scripts/simulate.ts --year 2015 --scale 0.005 --speed 20 --url http://localhost:3000 --token T
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { DAY_SECONDS } from '../shared/sim/day.js';
import { DayGenerator } from '../shared/sim/generate.js';
import { Sender, sleep, type SendTotals } from './sim/send.js';

const { values: flags } = parseArgs({
  options: {
    year: { type: 'string', default: '2015' },
    scale: { type: 'string', default: '0.001' },
    speed: { type: 'string', default: '1' },
    rate: { type: 'string' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: String(DAY_SECONDS) },
    seed: { type: 'string', default: '1111' },
    out: { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    token: { type: 'string', default: process.env.INGEST_TOKEN ?? '' },
    batch: { type: 'string', default: '5000' },
    resend: { type: 'string', default: '0.005' },
    quiet: { type: 'boolean', default: false },
  },
});

function num(name: keyof typeof flags): number {
  const v = Number(flags[name]);
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number`);
  return v;
}

/** Accepts seconds since midnight or hh:mm[:ss]. */
function second(name: 'from' | 'to'): number {
  const raw = String(flags[name]);
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  const s = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : Number(raw);
  if (!Number.isInteger(s) || s < 0 || s > DAY_SECONDS) throw new Error(`--${name} must be 0..86400 or hh:mm[:ss]`);
  return s;
}

async function main(): Promise<void> {
  const gen = new DayGenerator({
    year: num('year'),
    scale: num('scale'),
    seed: num('seed'),
    ...(flags.rate !== undefined ? { rate: num('rate') } : {}),
  });
  const from = second('from');
  const to = second('to');
  const speed = num('speed');
  const batchSize = num('batch');
  const resendShare = num('resend');
  const started = performance.now();
  const progress = new Progress(from, to, !flags.quiet && process.stderr.isTTY === true);
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

  if (!flags.token) throw new Error('--token (or INGEST_TOKEN) is required to send orders');
  const sender = new Sender(String(flags.url).replace(/\/$/, ''), flags.token);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress.done();
      console.log(`simulate: stopped by ${signal}; ${summary(sender.totals, started)}`);
      process.exit(130);
    });
  }
  const rand = mixRand(num('seed'));
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

/** A one-line progress bar on a terminal; silent otherwise. */
class Progress {
  private last = 0;
  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly on: boolean,
  ) {}
  draw(at: number, text: string): void {
    if (!this.on || performance.now() - this.last < 200) return;
    this.last = performance.now();
    const f = (at - this.from) / Math.max(1, this.to - this.from);
    const bar = '#'.repeat(Math.round(f * 30)).padEnd(30, '.');
    const hh = new Date(at * 1000).toISOString().slice(11, 19);
    process.stderr.write(`\r[${bar}] ${(f * 100).toFixed(1).padStart(5)}% ${hh} ${text}   `);
  }
  done(): void {
    if (this.on) process.stderr.write('\n');
  }
}

main().catch((err: unknown) => {
  console.error(`simulate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
