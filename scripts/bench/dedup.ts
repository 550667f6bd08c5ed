/**
 * `npm run bench:dedup [-- --keys 300000000]`: the single-node dedup's fingerprint set over a
 * day of order keys. Each batch is claimed (hashed, looked up: a miss) and committed (added), as
 * the writer does; then stored keys are looked up again (hits) and as many unseen keys (misses,
 * counting false positives). Prints bytes per key (from the tables and from the process), the
 * longest synchronous step (timed per batch, and the event-loop delay around them), lookups per
 * second, and the false positives against the expected N x unseen / 2^58.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
// In-process on purpose, like the seek bench: the set itself is what is measured.
import { FingerprintSet, orderFingerprintInto } from '../../server/domain/fingerprints.js';
import { flag, readFlags } from '../../shared/cli/args.js';
import { progressBar } from '../../shared/cli/progress.js';
import { mixSeed } from '../../shared/sim/random.js';

interface Flags {
  keys: number;
  batch: number;
  lookups: number;
  unseen: number;
  seed: number;
}

const COMMAND = {
  name: 'bench:dedup',
  usage: 'npm run bench:dedup [-- flags]',
  about: `The dedup fingerprint set (server/domain/fingerprints.ts) over a day of order keys, in
commit-sized batches: bytes per key, the longest synchronous step, lookups per second and
false positives on unseen keys. Run with --expose-gc (npm run does) for clean memory figures.`,
  flags: {
    keys: flag.int({
      description: 'keys stored (a whole day: 300000000, ~2.5 GB and several minutes)',
      default: 20_000_000,
      min: 1,
      max: 2_000_000_000,
    }),
    batch: flag.int({
      description: 'keys per claim/commit step, as MemoryClaims steps',
      default: 8192,
      min: 1,
      max: 10_000_000,
    }),
    lookups: flag.int({
      description: 'lookups of stored keys for the hit rate (min(keys, 10000000))',
      min: 0,
      max: 2_000_000_000,
    }),
    unseen: flag.int({
      description: 'lookups of never-stored keys, counting false positives (as many as --keys)',
      min: 0,
      max: 2_000_000_000,
    }),
    seed: flag.int({ description: 'key seed', default: 1, min: 0, max: 2 ** 32 - 1 }),
  },
};

function readDedupFlags(): Flags {
  const f = readFlags(COMMAND);
  return {
    keys: f.keys,
    batch: f.batch,
    lookups: f.lookups ?? Math.min(f.keys, 10_000_000),
    unseen: f.unseen ?? f.keys,
    seed: f.seed,
  };
}

/**
 * Keys shaped like the simulator's (`<year>-<second>-<n>`, base 36, ~3,200 a second), made from
 * the seed; unseen keys come from another year. Built as one string and split, so each key is a
 * flat string like one parsed from a request.
 */
function keysOf(seed: number, stored: boolean, from: number, count: number): string[] {
  const year = stored ? 'd' : 'u';
  const salt = mixSeed(seed, stored ? 1 : 2).toString(36);
  const parts: string[] = new Array<string>(count);
  for (let k = from; k < from + count; k++) {
    parts[k - from] = `${year}${salt}-${Math.floor(k / 3217).toString(36)}-${(k % 3217).toString(36)}`;
  }
  return parts.join('\n').split('\n');
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A progress bar on a terminal, a line per 10 % otherwise. */
/** A bar per phase on a terminal; every 10 % as a line otherwise (the log of a long run). */
function progress(label: string, total: number): (done: number) => void {
  const tty = process.stderr.isTTY === true;
  const bar = progressBar(`bench:dedup ${label}`, total, tty);
  let shown = -1;
  return (done) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === shown || (!tty && pct % 10 !== 0)) return;
    shown = pct;
    if (!tty) process.stderr.write(`${label} ${pct}%\n`);
    bar.update(done);
    if (done >= total) bar.done();
  };
}

function memory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

/** Median, 99th percentile and longest of the timed growths (the longest may be a preemption). */
function growthTimes(ms: number[]): string {
  if (ms.length === 0) return 'none timed';
  const sorted = Float64Array.from(ms).sort();
  const at = (q: number) => fmt(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, 2);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms of ${fmt(ms.length)} timed`;
}

/** Synchronous steps: wall time (what the event loop feels) and CPU time (without preemption). */
class Steps {
  totalMs = 0;
  maxMs = 0;
  private maxCpuMs = 0;
  private firstMs = 0;
  private firstCpuMs = 0;

  keys = 0;
  private readonly all: number[] = [];
  /** Steps over 50 ms, and how many of them the kernel preempted (another process ran meanwhile). */
  private slow = 0;
  private slowPreempted = 0;

  time(warmup: boolean, step: () => number): void {
    const cpu = process.cpuUsage();
    const switches = process.resourceUsage().involuntaryContextSwitches;
    const t = performance.now();
    this.keys += step();
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (!warmup && ms > 50) {
      this.slow++;
      if (process.resourceUsage().involuntaryContextSwitches > switches) this.slowPreempted++;
    }
    this.totalMs += ms;
    if (warmup) {
      this.firstMs = ms;
      this.firstCpuMs = cpuMs;
    } else {
      this.all.push(ms);
      this.maxMs = Math.max(this.maxMs, ms);
      this.maxCpuMs = Math.max(this.maxCpuMs, cpuMs);
    }
  }

  longest(): string {
    const sorted = Float64Array.from(this.all).sort();
    const p99 = sorted[Math.floor(0.99 * (sorted.length - 1))] ?? 0;
    return `${fmt(this.maxMs, 1)} ms (CPU ${fmt(this.maxCpuMs, 1)} ms, p99 ${fmt(p99, 1)} ms, ${fmt(this.slow)} over 50 ms of which ${fmt(this.slowPreempted)} preempted)`;
  }

  warmup(): string {
    return `${fmt(this.firstMs, 1)} ms (CPU ${fmt(this.firstCpuMs, 1)} ms)`;
  }
}

async function main(flags: Flags): Promise<void> {
  const { keys: n, batch } = flags;
  const fp = new Uint32Array(2 * batch);
  const before = memory();
  const set = new FingerprintSet();
  const loop = monitorEventLoopDelay({ resolution: 1 });

  // Claim (hash, look up) then commit (add) each batch, as the writer does; each is one
  // synchronous step. The first batch runs while the JIT warms up and is reported apart.
  const claims = new Steps();
  const commits = new Steps();
  let growingBatches = 0;
  // Every other commit is timed add by add instead, for the longest single add: a shard's growth.
  const growths: number[] = [];
  let present = 0;
  const show = progress('adding', n);
  for (let from = 0; from < n; from += batch) {
    const count = Math.min(batch, n - from);
    const ids = keysOf(flags.seed, true, from, count);
    await turn();
    if (from === batch) loop.enable();
    claims.time(from === 0, () => {
      for (let i = 0; i < count; i++) {
        orderFingerprintInto(ids[i]!, 'sale', fp, 2 * i);
        if (set.mayHaveFingerprint(fp[2 * i]!, fp[2 * i + 1]!)) present++;
      }
      return count;
    });
    await turn();
    const bytes = set.bytes;
    if ((from / batch) % 2 === 1) {
      for (let i = 0; i < count; i++) {
        const before = set.bytes;
        const t = performance.now();
        set.addFingerprint(fp[2 * i]!, fp[2 * i + 1]!);
        const ms = performance.now() - t;
        if (set.bytes !== before) growths.push(ms);
      }
    } else {
      commits.time(from === 0, () => {
        for (let i = 0; i < count; i++) set.addFingerprint(fp[2 * i]!, fp[2 * i + 1]!);
        return count;
      });
    }
    if (set.bytes !== bytes) growingBatches++;
    show(from + count);
  }
  await turn();
  loop.disable();
  const after = memory();

  /** Looks up `total` keys, `batch` at a time (`keysAt(done, count)`), timed: how many the set had, and the ms. */
  const lookUp = async (label: string, total: number, keysAt: (done: number, count: number) => string[]) => {
    let ms = 0;
    let found = 0;
    const shown = progress(label, total);
    for (let done = 0; done < total;) {
      const count = Math.min(batch, total - done);
      const ids = keysAt(done, count);
      const t = performance.now();
      for (let i = 0; i < count; i++) if (set.mayHave(ids[i]!)) found++;
      ms += performance.now() - t;
      done += count;
      shown(done);
      await turn();
    }
    return { found, ms };
  };
  // Hits: stored keys again, spread over the day.
  const stride = Math.max(1, Math.floor(n / Math.max(1, flags.lookups)));
  const { found: hits, ms: hitMs } = await lookUp('hits', flags.lookups, (done, count) =>
    keysOf(flags.seed, true, (done * stride) % Math.max(1, n - count), count),
  );
  // Misses: keys never stored; a hit is a false positive.
  const { found: falsePositives, ms: missMs } = await lookUp('unseen', flags.unseen, (done, count) =>
    keysOf(flags.seed, false, done, count),
  );

  const perKey = (bytes: number) => fmt(bytes / n, 2);
  const expected = (flags.unseen * n) / 2 ** 58;
  const rate = (count: number, ms: number) => (ms > 0 ? fmt((count * 1000) / ms) : '-');
  console.log(`keys stored        ${fmt(set.size)} of ${fmt(n)} (${fmt(present)} found present before their add)`);
  console.log(
    `bytes per key      ${perKey(set.bytes)} in the tables (${mb(set.bytes)}); process: rss +${perKey(after.rss - before.rss)}, array buffers +${perKey(after.arrayBuffers - before.arrayBuffers)} (rss ${mb(after.rss)})`,
  );
  console.log(
    `longest step       claim ${claims.longest()}, commit ${commits.longest()} per ${fmt(batch)} keys (${fmt(growingBatches)} of ${fmt(Math.ceil(n / batch))} commits grew a shard; a shard's growth: ${growthTimes(growths)}); first batch (JIT warm-up): claim ${claims.warmup()}, commit ${commits.warmup()}`,
  );
  console.log(
    `event-loop delay   max ${fmt(loop.max / 1e6, 1)} ms, p99 ${fmt(loop.percentile(99) / 1e6, 1)} ms after warm-up (key generation steps included); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `throughput         claim ${rate(n, claims.totalMs)}/s (hash + miss), commit ${rate(commits.keys, commits.totalMs)}/s (add), lookups: hits ${rate(flags.lookups, hitMs)}/s, unseen ${rate(flags.unseen, missMs)}/s (hash included)`,
  );
  console.log(
    `false positives    ${fmt(falsePositives)} of ${fmt(flags.unseen)} unseen keys (expected ${expected.toPrecision(2)}); hits ${fmt(hits)} of ${fmt(flags.lookups)}`,
  );
  console.log(
    `bench:dedup: ${fmt(n)} keys, ${perKey(set.bytes)} B/key, longest step ${fmt(Math.max(claims.maxMs, commits.maxMs), 1)} ms, loop delay max ${fmt(loop.max / 1e6, 1)} ms, ${rate(flags.unseen, missMs)} unseen lookups/s, ${fmt(falsePositives)} false positives`,
  );
  if (hits !== flags.lookups || set.size !== n) {
    console.error('bench:dedup: a stored key went missing');
    process.exitCode = 1;
  }
}

const flags = readDedupFlags();
await main(flags);
