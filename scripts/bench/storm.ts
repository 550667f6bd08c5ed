/**
 * `npm run bench:storm`: a reconnect storm on a node holding a whole day. A day of the
 * simulator (2015, --scale) is loaded, the server started on it (the live show's clock at
 * the day's last event), then N boards connect at once and M of them ask for a resync every
 * 100 ms while orders keep arriving. Prints /healthz and ingest latency idle and during the
 * storm, how many boards got a snapshot and how fast, the snapshot's size and the server's RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, readFlags } from '../../shared/cli/args.js';
import { GALA_TOKEN, GalaServer } from './gala-server.js';
import { ask, killAll, readProc, startNode } from './proc.js';
import { quantiles } from './stats.js';
import type { StormReport } from './storm-boards.js';

const COMMAND = {
  name: 'bench:storm',
  usage: 'npm run bench:storm -- [flags]',
  about:
    'A reconnect storm on a node holding a whole day: N boards connect at once, M of them resync\n' +
    'every 100 ms while orders keep arriving.',
  flags: {
    scale: flag.number({
      description: 'share of the 2015 day to store (0.005: 2.4 M orders)',
      default: 0.005,
      min: 0,
      above: true,
      max: 1,
    }),
    boards: flag.int({ description: 'boards connecting at once', default: 1000, min: 1 }),
    resyncing: flag.int({ description: 'of them asking for a resync every 100 ms', default: 50, min: 0 }),
    seconds: flag.number({
      description: 'length of the storm, and of the idle baseline before it',
      default: 20,
      min: 0,
      above: true,
    }),
    out: flag.string({ description: 'where the JSON goes', default: 'bench/results', placeholder: 'DIR' }),
  },
};

/** Probes /healthz every 100 ms and posts 100 new orders every 200 ms, until `ms` have passed. */
async function probe(url: string, ms: number, serverPid: number, tag: string) {
  const health: number[] = [];
  const ingest: number[] = [];
  let ingestFailed = 0;
  let rssMax = 0;
  let n = 0;
  const until = Date.now() + ms;
  const healthLoop = (async () => {
    while (Date.now() < until) {
      const t = performance.now();
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      health.push(performance.now() - t);
      rssMax = Math.max(rssMax, readProc(serverPid)?.rssMb ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const ingestLoop = (async () => {
    while (Date.now() < until) {
      const lines = Array.from({ length: 100 }, () => {
        const i = n++;
        const s = 59 - (i % 60);
        return JSON.stringify({
          order_id: `storm-${tag}-${i}`,
          ts: `2015-11-11T23:59:${String(s).padStart(2, '0')}.500+08:00`,
          amount: '19.99',
          currency: 'CNY',
          country: 'CN',
          channel: 'mobile',
          category: 'apparel',
          merchant_id: 'm1',
        });
      });
      const t = performance.now();
      const res = await fetch(`${url}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GALA_TOKEN}`, 'content-type': 'application/x-ndjson' },
        body: lines.join('\n') + '\n',
        signal: AbortSignal.timeout(15_000),
      }).catch(() => null);
      if (!res?.ok) ingestFailed++;
      await res?.arrayBuffer().catch(() => undefined);
      ingest.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.all([healthLoop, ingestLoop]);
  return { health: quantiles(health), ingest: quantiles(ingest), ingestFailed, rssMaxMb: Math.round(rssMax) };
}

async function main(): Promise<void> {
  const f = readFlags(COMMAND);
  const dir = mkdtempSync(join(tmpdir(), 'gmv-bench-storm-'));
  const server = new GalaServer(dir, '2015');
  try {
    console.log(`storm: loading the 2015 day at scale ${f.scale} ...`);
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'server/tools/load-day.ts', '--year', '2015', '--scale', String(f.scale)],
      {
        env: { ...process.env, DATA_DIR: dir },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    console.log(`storm: loaded in ${Math.round((performance.now() - t0) / 1000)} s; starting the server`);
    await server.start();
    const totals = (await (await fetch(`${server.url}/api/v1/totals`)).json()) as { gross: { orders: number } };
    console.log(`storm: ${totals.gross.orders.toLocaleString('en')} orders stored; idle baseline for ${f.seconds} s`);
    const idle = await probe(server.url, f.seconds * 1000, server.pid, 'idle');

    const worker = startNode('scripts/bench/storm-boards.ts', [
      JSON.stringify({ url: server.url, boards: f.boards, resyncing: f.resyncing }),
    ]);
    await new Promise<void>((resolve) => worker.proc.once('message', () => resolve()));
    console.log(`storm: ${f.boards} boards connect at once, ${f.resyncing} resync every 100 ms, for ${f.seconds} s`);
    worker.proc.send({ type: 'open' });
    const storm = await probe(server.url, f.seconds * 1000, server.pid, 'storm');
    const boards = await ask<StormReport>(worker.proc, { type: 'report' }, 'report', 10_000);
    await ask(worker.proc, { type: 'close' }, 'closed', 10_000).catch(() => undefined);

    const ms = (q: { p50: number; p99: number }) => `p50 ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms`;
    console.log(
      `gmv-live storm bench, ${new Date().toISOString()}: ${totals.gross.orders.toLocaleString('en')} orders stored`,
    );
    console.log(`  /healthz idle                 ${ms(idle.health)}`);
    console.log(`  /healthz in the storm         ${ms(storm.health)}          bar: p99 <= 100 ms`);
    console.log(`  ingest (100 orders) idle      ${ms(idle.ingest)}, failed ${idle.ingestFailed}`);
    console.log(
      `  ingest in the storm           ${ms(storm.ingest)}, failed ${storm.ingestFailed}   bar: p99 <= 2x idle`,
    );
    console.log(
      `  boards with a snapshot        ${boards.withSnapshot} of ${f.boards}` +
        (boards.allSnapshotsMs === null ? '' : `, all within ${(boards.allSnapshotsMs / 1000).toFixed(2)} s`) +
        `   bar: all within 5 s`,
    );
    console.log(
      `  snapshots delivered           ${boards.snapshots.toLocaleString('en')} (${boards.snapshotBytes.toLocaleString('en')} bytes each as JSON)`,
    );
    console.log(
      `  connect errors                ${boards.connectErrors}${boards.firstError ? ` (${boards.firstError})` : ''}`,
    );
    console.log(`  server RSS max idle / storm   ${idle.rssMaxMb} MB / ${storm.rssMaxMb} MB`);
    mkdirSync(f.out, { recursive: true });
    const file = join(f.out, `storm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ flags: f, storedOrders: totals.gross.orders, idle, storm, boards }, null, 2));
    console.log(`storm: wrote ${file}`);
  } finally {
    await server.stop();
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  killAll();
  process.exit(1);
});
