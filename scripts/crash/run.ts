import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CATEGORIES, validateOrder } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { mulberry32 } from '../../shared/sim/random.js';
import { freePort } from '../lib/net.js';

export interface CrashOptions {
  orders: number;
  kills: number;
  batch: number;
  seed: number;
  log?: (line: string) => void;
}

export interface CrashResult {
  generated: { orders: number; fen: number };
  stored: { orders: number; distinct: number; fen: number };
  kills: number;
  acknowledged: number;
  resentBatches: number;
  /** After every restart, the stored total covered everything acknowledged so far. */
  ackedAlwaysStored: boolean;
  ok: boolean;
}

const TOKEN = 'crash-test-token-0123456789';

/**
 * kill -9 the server at random moments while a client streams a known set of
 * orders, restart it each time, then resend whatever was not acknowledged. At
 * the end the stored orders must equal the generated set exactly.
 */
export async function crashTest(opts: CrashOptions): Promise<CrashResult> {
  const log = opts.log ?? (() => undefined);
  const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };
  const gen = new DayGenerator({ year: 2015, scale: 1, seed: opts.seed, rate: 5000, refundShare: 0, lateShare: 0 });
  const lines: string[] = [];
  let fen = 0;
  for (let s = 0; lines.length < opts.orders; s++) {
    for (const { line, fields } of gen.second(s)) {
      if (lines.length >= opts.orders) break;
      const check = validateOrder(fields, ctx);
      if (!check.ok) throw new Error(check.message);
      fen += check.order.gmv_fen;
      lines.push(line);
    }
  }
  const count = lines.length;
  const batches: string[][] = [];
  for (let i = 0; i < lines.length; i += opts.batch) batches.push(lines.slice(i, i + opts.batch));

  const dir = mkdtempSync(join(tmpdir(), 'gmv-crash-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const rand = mulberry32(opts.seed);
  const acked = new Set<number>();
  let ackedOrders = 0;
  let ackedAlwaysStored = true;
  let server = await start(dir, port);
  try {
    for (let k = 0; k < opts.kills; k++) {
      const pending = batches.map((_, i) => i).filter((i) => !acked.has(i));
      // Stream the pending batches; the kill lands somewhere in the middle.
      // Somewhere within the time the remaining batches take (about 40 ms each here).
      const killAfterMs = k < opts.kills ? 50 + Math.floor(rand() * Math.max(400, pending.length * 40)) : Infinity;
      let killed = false;
      const killer = Number.isFinite(killAfterMs)
        ? setTimeout(() => {
            killed = true;
            server.kill('SIGKILL');
          }, killAfterMs)
        : null;
      await sendAll(
        url,
        batches,
        pending,
        acked,
        (n) => (ackedOrders += n),
        () => killed,
      );
      if (killer) clearTimeout(killer);
      await exited(server);
      server = await start(dir, port);
      const stored = await totals(url);
      if (stored < ackedOrders) ackedAlwaysStored = false;
      log(
        `crash-test: kill ${k + 1}: acknowledged ${ackedOrders}, stored ${stored}, ${batches.length - acked.size} batches to resend`,
      );
    }
    const resentBatches = batches.length - acked.size;
    await sendAll(
      url,
      batches,
      batches.map((_, i) => i).filter((i) => !acked.has(i)),
      acked,
      (n) => (ackedOrders += n),
      () => false,
    );
    log('crash-test: all batches acknowledged; stopping the server');
    server.kill('SIGTERM');
    await exited(server);
    log('crash-test: reading the stored orders');
    const stored = await storedTotals(dir);
    const ok = stored.orders === count && stored.distinct === count && stored.fen === fen && ackedAlwaysStored;
    return {
      generated: { orders: count, fen },
      stored,
      kills: opts.kills,
      acknowledged: ackedOrders,
      resentBatches,
      ackedAlwaysStored,
      ok,
    };
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sendAll(
  url: string,
  batches: string[][],
  which: number[],
  acked: Set<number>,
  onAck: (orders: number) => void,
  stop: () => boolean,
): Promise<void> {
  let next = 0;
  const queue = [...which];
  // Each batch is sent again at most this many times in one pass (a server that stays down ends it).
  const tries = new Map<number, number>();
  const again = (i: number) => {
    const n = (tries.get(i) ?? 0) + 1;
    tries.set(i, n);
    if (n <= 30) queue.push(i);
  };
  const worker = async () => {
    while (next < queue.length && !stop()) {
      const i = queue[next++]!;
      try {
        const res = await fetch(`${url}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` },
          body: batches[i]!.join('\n') + '\n',
        });
        if (!res.ok) {
          // Shed (503: a server just started lags while it rebuilds) or limited (429): sent again
          // after Retry-After, as a real sender does. Anything else is the server's verdict.
          if (res.status === 503 || res.status === 429) {
            const wait = Math.min(5, Number(res.headers.get('retry-after')) || 1) * 1000;
            await new Promise((r) => setTimeout(r, wait));
            again(i);
          }
          continue;
        }
        const a = (await res.json()) as { accepted: number; duplicates: number };
        acked.add(i);
        onAck(a.accepted);
      } catch {
        // The server died under this request: the batch stays unacknowledged (sent again after the restart).
        if (!stop()) again(i);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

function start(dir: string, port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      INGEST_TOKENS: TOKEN,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return proc;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill('SIGKILL');
    throw new Error('server did not become ready');
  })();
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve()),
  );
}

async function totals(url: string): Promise<number> {
  const t = (await (await fetch(`${url}/api/v1/totals`)).json()) as { gross: { orders: number } };
  return t.gross.orders;
}

/** Reads the stored orders straight from the data directory once the server is stopped. */
async function storedTotals(dir: string): Promise<{ orders: number; distinct: number; fen: number }> {
  const { Session } = await import('chdb');
  const session = new Session(dir);
  try {
    const r = await session.queryAsync(
      `SELECT count() AS n, uniqExact(order_id) AS d, toString(sum(gmv) * 100) AS f FROM gmv.orders WHERE show = '2015'`,
      { format: 'JSONEachRow' },
    );
    const row = JSON.parse(r.text()) as { n: string | number; d: string | number; f: string };
    return { orders: Number(row.n), distinct: Number(row.d), fen: Number(row.f.split('.')[0]) };
  } finally {
    session.close();
  }
}
