/**
 * The engine alone, on its own: `node --import tsx scripts/bench/engine-only.ts`.
 * Inserts the bench's orders back to back into chDB with the server's schema (or a
 * variant of it, see engineDdl), rows and INSERT settings, and reports orders/s per
 * variant and INSERT size. Variants run interleaved, round after round, so a box
 * that gets busier halfway hurts every variant alike; the summary is the median.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { ORDER_COLUMNS, INSERTED_TABLES, INSERT_SETTINGS } from '../../server/tools/engine.js';
import { FlagError, flag, readFlags } from '../../shared/cli/args.js';
import { engineDdl, engineRows, insertSql } from './engine-schema.js';
import { Payloads } from './payload.js';
import { quantiles } from './stats.js';

interface Flags {
  variants: string[];
  blocks: number[];
  durationMs: number;
  rounds: number;
  style: 'raw' | 'sql';
  pool: number | null;
  batch: number;
  seed: number;
  settleS: number;
  fsync: boolean;
}

const positiveList = (raw: string): number[] =>
  raw.split(',').map((b) => {
    const n = Number(b);
    if (!Number.isInteger(n) || n <= 0) throw new FlagError(`must be positive integers, comma-separated, got "${raw}"`);
    return n;
  });

const COMMAND = {
  name: 'engine-only',
  usage: 'node --import tsx scripts/bench/engine-only.ts [flags]',
  about: "The engine's share of an INSERT: orders inserted back to back into chDB, no server.",
  flags: {
    variants: flag.custom({
      description: 'schema variants, comma-separated: current | schema<N>, each optionally -<rollup> or -by_ts',
      default: ['current'],
      placeholder: 'LIST',
      read: (raw) => {
        const variants = raw.split(',');
        for (const v of variants) {
          try {
            engineDdl(v);
          } catch (err) {
            throw new FlagError(`has a bad variant "${v}": ${(err as Error).message}`);
          }
        }
        return variants;
      },
    }),
    blocks: flag.custom({
      description: 'orders per INSERT, comma-separated',
      default: [5000, 50000],
      placeholder: 'LIST',
      read: positiveList,
    }),
    duration: flag.int({ description: 'seconds per timed run', default: 10, min: 1 }),
    rounds: flag.int({
      description: 'rounds over every variant and block; the summary is the median',
      default: 3,
      min: 1,
    }),
    style: flag.choice({
      description: "raw (Buffer, as the server's writer) or sql (rows inline)",
      choices: ['raw', 'sql'],
      default: 'raw',
    }),
    pool: flag.int({ description: "chDB's merge pool (background_pool_size), at connect (chDB's default)", min: 1 }),
    batch: flag.int({ description: 'orders per generated body', default: 5000, min: 1 }),
    seed: flag.int({ description: 'simulator seed', default: 1111, min: 1 }),
    settle: flag.int({
      description: 'before each run, wait up to S seconds for the box to be idle',
      default: 0,
      min: 0,
    }),
    fsync: flag.boolean({ description: "every inserted table fsyncs its parts (the server's STORE_FSYNC=1)" }),
  },
};

function engineFlags(): Flags {
  const f = readFlags(COMMAND);
  return {
    variants: f.variants,
    blocks: f.blocks,
    durationMs: f.duration * 1000,
    rounds: f.rounds,
    style: f.style,
    pool: f.pool ?? null,
    batch: f.batch,
    seed: f.seed,
    settleS: f.settle,
    fsync: f.fsync,
  };
}

/** An INSERT joins whole generated bodies: about `block` rows. */
function rowsPerInsert(block: number, batch: number): number {
  return Math.max(1, Math.round(block / batch)) * batch;
}

interface Run {
  variant: string;
  block: number;
  ordersPerS: number;
  /** CPU time of the engine's threads (merges included) per order: steadier than orders/s on a shared box. */
  cpuUsPerOrder: number;
  /** The quickest INSERT of the run, ms: the least disturbed by other work on the box. */
  fastest: number;
  p50: number;
  p95: number;
}

/** Share of the box's CPU time that was busy over the next `ms` (from /proc/stat; 0 where there is none). */
async function busyShare(ms: number): Promise<number> {
  const read = () => {
    try {
      const cpu = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { idle: cpu[3]! + cpu[4]!, total: cpu.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: 0, total: 0 };
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}

/** Waits (up to `seconds`) for a moment when other work leaves the box mostly idle. */
async function settle(seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until && (await busyShare(500)) > 0.2);
}

/** CPU time the engine's threads have used so far, µs (its own counters, so the JS thread is not in it). */
async function engineCpuUs(session: Session): Promise<number> {
  const res = await session.queryAsync(
    "SELECT sum(value) FROM system.events WHERE event IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds')",
    { format: 'TSV' },
  );
  return Number(res.text());
}

async function timedRun(session: Session, f: Flags, payloads: Buffer[], block: number, variant: string): Promise<Run> {
  const statements = f.style === 'sql' ? payloads.map((p) => insertSql('clause', p.toString('latin1'))) : null;
  const settings = INSERT_SETTINGS as Record<string, string | number>;
  const ms: number[] = [];
  const cpu = await engineCpuUs(session);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < f.durationMs) {
    const t = performance.now();
    const i = n % payloads.length;
    if (statements) await session.queryAsync(statements[i]!);
    else
      await session.insert({
        table: 'gmv.orders',
        columns: ORDER_COLUMNS,
        format: 'TabSeparated',
        settings,
        values: payloads[i]!,
      });
    ms.push(performance.now() - t);
    n++;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = (await engineCpuUs(session)) - cpu;
  const stored = Number((await session.queryAsync('SELECT count() FROM gmv.orders', { format: 'TSV' })).text());
  if (stored !== n * block) throw new Error(`engine: stored ${stored} rows, inserted ${n * block}`);
  const q = quantiles(ms);
  return {
    variant,
    block,
    ordersPerS: (n * block) / seconds,
    cpuUsPerOrder: used / (n * block),
    fastest: Math.min(...ms),
    p50: q.p50,
    p95: q.p95,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Medians per variant and INSERT size, and each variant against the first one of
 * the same round: on a shared box the load drifts between rounds more than within one.
 */
function summarize(f: Flags, runs: Run[]): void {
  const [base] = f.variants;
  console.log(`median per variant and rows per INSERT: orders/s, CPU µs/order, and per round against ${base}`);
  for (const block of f.blocks.map((b) => rowsPerInsert(b, f.batch))) {
    const of = (variant: string) => runs.filter((r) => r.variant === variant && r.block === block);
    const baseRuns = of(base!);
    for (const variant of f.variants) {
      const mine = of(variant);
      const rate = mine.map((r, i) => r.ordersPerS / baseRuns[i]!.ordersPerS);
      const cpu = mine.map((r, i) => r.cpuUsPerOrder / baseRuns[i]!.cpuUsPerOrder);
      const fastest = Math.min(...mine.map((r) => r.fastest));
      const baseFastest = Math.min(...baseRuns.map((r) => r.fastest));
      console.log(
        `  ${block} ${variant.padEnd(56)} ${String(Math.round(median(mine.map((r) => r.ordersPerS)))).padStart(7)} orders/s` +
          ` ${median(mine.map((r) => r.cpuUsPerOrder)).toFixed(2)} µs/order  fastest ${fastest.toFixed(1)} ms` +
          `   x${median(rate).toFixed(3)} rate  x${median(cpu).toFixed(3)} cpu  x${(fastest / baseFastest).toFixed(3)} fastest`,
      );
    }
  }
}

async function main(f: Flags): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gmv-bench-engine-only-'));
  const session = new Session(dir, f.pool ? { connectionArgs: [`--background_pool_size=${f.pool}`] } : {});
  try {
    const pool = (
      await session.queryAsync("SELECT value FROM system.server_settings WHERE name = 'background_pool_size'", {
        format: 'TSV',
      })
    ).text();
    const largest = Math.max(...f.blocks);
    // A pool of distinct orders, reused round-robin (a plain MergeTree keeps repeats).
    const count = Math.max(20, Math.ceil((2 * largest) / f.batch));
    const bodies = new Payloads(f.seed, f.batch).bodies('e', count).map(engineRows);
    const byBlock = new Map<number, Buffer[]>();
    for (const block of f.blocks) {
      const per = rowsPerInsert(block, f.batch) / f.batch;
      const list: Buffer[] = [];
      for (let i = 0; i + per <= bodies.length; i += per) list.push(Buffer.concat(bodies.slice(i, i + per)));
      byBlock.set(block, list);
    }
    console.log(
      `engine-only: ${f.style} inserts, merge pool ${pool.trim()}, ${f.durationMs / 1000} s per run${f.fsync ? ', fsync' : ''}`,
    );
    const runs: Run[] = [];
    for (let round = 0; round < f.rounds; round++) {
      for (const variant of f.variants) {
        for (const block of f.blocks) {
          // Each run starts from an empty database, with no merges left over.
          await session.queryAsync('DROP DATABASE IF EXISTS gmv SYNC');
          for (const ddl of engineDdl(variant)) await session.queryAsync(ddl);
          if (f.fsync) {
            for (const table of INSERTED_TABLES) {
              await session.queryAsync(
                `ALTER TABLE gmv.${table} MODIFY SETTING fsync_after_insert = 1, fsync_part_directory = 1`,
              );
            }
          }
          if (f.settleS > 0) await settle(f.settleS);
          const per = rowsPerInsert(block, f.batch);
          const r = await timedRun(session, f, byBlock.get(block)!, per, variant);
          runs.push(r);
          console.log(
            `round ${round + 1} ${variant} ${per} rows/INSERT: ${Math.round(r.ordersPerS)} orders/s, ` +
              `${r.cpuUsPerOrder.toFixed(2)} CPU µs/order (fastest ${r.fastest.toFixed(1)} ms, p50 ${r.p50} ms, p95 ${r.p95} ms)`,
          );
        }
      }
    }
    summarize(f, runs);
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main(engineFlags()).catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
