/**
 * The engine alone: the server's `orders` schema (with its materialized views) in
 * a chDB data dir of its own, and the same orders inserted back to back, in the
 * same format and with the same settings as the server's writer, with no HTTP,
 * validation or dedup in front. Run as a child of run.ts; answers over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { ENGINE_DDL, engineRows, insertSql, type EngineStyle } from './engine-schema.js';
import { Payloads } from './payload.js';
import { quantiles, type Quantiles } from './stats.js';

export interface EngineParams {
  seed: number;
  batch: number;
  /** One timed run per entry: orders per INSERT and how settings are sent. */
  runs: { block: number; style: EngineStyle }[];
  /** Time per run, ms. */
  durationMs: number;
}

export interface EngineRun {
  style: EngineStyle;
  block: number;
  inserts: number;
  orders: number;
  seconds: number;
  ordersPerS: number;
  insertMs: Quantiles;
}

async function main(params: EngineParams): Promise<EngineRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gmv-bench-engine-'));
  const session = new Session(dir);
  try {
    for (const ddl of ENGINE_DDL) await session.queryAsync(ddl);
    const largest = Math.max(...params.runs.map((r) => r.block));
    // A pool of distinct orders, reused round-robin (a plain MergeTree keeps repeats).
    const count = Math.max(20, Math.ceil((2 * largest) / params.batch));
    const rows = new Payloads(params.seed, params.batch)
      .bodies('e', count)
      .map((b) => engineRows(b).toString('latin1'));
    const runs: EngineRun[] = [];
    for (const { block, style } of params.runs) {
      const per = Math.max(1, Math.round(block / params.batch));
      const payloads: string[] = [];
      for (let i = 0; i + per <= rows.length; i += per)
        payloads.push(insertSql(style, rows.slice(i, i + per).join('')));
      const ms: number[] = [];
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < params.durationMs) {
        const t = performance.now();
        await session.queryAsync(payloads[n % payloads.length]!);
        ms.push(performance.now() - t);
        n++;
      }
      const seconds = (performance.now() - started) / 1000;
      const orders = n * per * params.batch;
      const stored = Number((await session.queryAsync('SELECT count() FROM gmv.orders', { format: 'TSV' })).text());
      if (stored !== orders) throw new Error(`engine: stored ${stored} rows, inserted ${orders}`);
      runs.push({
        style,
        block: per * params.batch,
        inserts: n,
        orders,
        seconds,
        ordersPerS: orders / seconds,
        insertMs: quantiles(ms),
      });
      // Each run starts empty, with no merges left over from the one before: every table
      // the schema has (rollups come and go with migrations).
      await session.queryAsync('TRUNCATE ALL TABLES FROM gmv');
    }
    return runs;
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const params = JSON.parse(process.argv[2] ?? '{}') as EngineParams;
main(params).then(
  (runs) => process.send!({ type: 'engine', runs }, () => process.exit(0)),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
