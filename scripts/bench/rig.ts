import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanoutReport } from './fanout-worker.js';
import { ServerLog, type FlushSummary } from './flushes.js';
import { LoopProbe } from './loop-probe.js';
import type { LoadCommand, LoadResult } from './load-worker.js';
import type { Params } from './params.js';
import { ask, readProc, startNode } from './proc.js';
import { startServer, type BenchServer } from './server.js';
import { Sampler, type Usage } from './sampler.js';
import { addCounts, quantiles, round, sum, type Quantiles } from './stats.js';

type Proc = ReturnType<typeof startNode>;

const TOKEN = 'bench-token-0123456789abcdef';

/** One open-loop run at a fixed rate. */
export interface Attempt {
  name: string;
  target: number;
  achieved: number;
  /** Achieved ~ target, nothing shed or skipped, latency not growing. */
  held: boolean;
  usage: Usage;
  writer: FlushSummary | null;
  /** GET /healthz answer times during the run: the server's event-loop stalls. */
  healthz: Quantiles;
  sendToAccept: Quantiles;
  summary: Record<string, unknown>;
}

/** Summed answers of the load processes for one run. */
export function merged(results: LoadResult[]) {
  const elapsedS =
    (Math.max(...results.map((r) => r.lastAnswerAtMs)) - Math.min(...results.map((r) => r.startedAtMs))) / 1000;
  return {
    statuses: results.reduce<Record<string, number>>((a, r) => addCounts(a, r.statuses), {}),
    /** Every answered 200 in send order: [ms since start, duration ms, accepted]. */
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a[0] - b[0]),
    elapsedS,
    accepted: sum(results.map((r) => r.accepted)),
    duplicates: sum(results.map((r) => r.duplicates)),
    rejected: sum(results.map((r) => r.rejected)),
    skipped: sum(results.map((r) => r.skipped)),
    missingRetryAfter: sum(results.map((r) => r.missingRetryAfter)),
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
  };
}

/**
 * The server under test and its outside clients: load processes posting orders,
 * live-board client processes, one probe client, and /proc sampling.
 */
export class Rig {
  readonly serverLog = new ServerLog();
  private readonly dataDir: string;
  private server!: BenchServer;
  private loads: Proc[] = [];
  private sockets: Proc[] = [];
  private sampler!: Sampler;
  private probe!: LoopProbe;
  /** Rejects if the server exits before finish(): every phase races against it. */
  private exited: Promise<never> = new Promise(() => undefined);
  clientsConnected = 0;

  constructor(
    private readonly p: Params,
    private readonly log: (s: string) => void,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'gmv-bench-server-'));
  }

  get serverPid(): number {
    return this.server.pid;
  }

  async start(): Promise<void> {
    const { p } = this;
    this.server = await startServer(
      {
        DATA_DIR: this.dataDir,
        INGEST_TOKENS: TOKEN,
        // debug adds one line per flush (rows, ms): the writer's own account of where time goes.
        LOG_LEVEL: 'debug',
        SHOW_CLOCK: 'events',
        ...(p.maxPending ? { MAX_PENDING_ORDERS: String(p.maxPending) } : {}),
      },
      { onLine: (l) => this.serverLog.line(l) },
    );
    this.exited = this.server.exited;
    const { url } = this.server;
    this.log(`server ready at ${url} (pid ${this.serverPid})`);

    this.loads = Array.from({ length: p.loadProcs }, (_, i) =>
      startNode('scripts/bench/load-worker.ts', [
        JSON.stringify({ url, token: TOKEN, seed: p.seed + i, batch: p.batch, id: `w${i}` }),
      ]),
    );
    const per = Math.ceil(p.clients / p.fanoutProcs);
    this.sockets = Array.from({ length: p.fanoutProcs }, (_, i) =>
      startNode('scripts/bench/fanout-worker.ts', [
        JSON.stringify({ url, clients: Math.max(0, Math.min(per, p.clients - i * per)), probe: false }),
      ]),
    );
    this.sockets.push(startNode('scripts/bench/fanout-worker.ts', [JSON.stringify({ url, clients: 1, probe: true })]));
    this.probe = new LoopProbe(url);
    const pids = (ps: Proc[]) => ps.map((x) => ({ pid: x.proc.pid! }));
    this.sampler = new Sampler(
      {
        server: [{ pid: this.serverPid }],
        server_js_thread: [{ pid: this.serverPid, tid: this.serverPid }],
        load: pids(this.loads),
        clients: pids(this.sockets),
        bench: [{ pid: process.pid }],
      },
      new Set(['server_js_thread']),
    );
  }

  /** Connects the live clients while the load processes make their first bodies. */
  async connect(firstBodiesPerProc: number): Promise<void> {
    const [connected] = await Promise.all([
      Promise.all(
        this.sockets.map((f) => ask<{ connected: number }>(f.proc, { type: 'connect' }, 'connected', 120_000)),
      ),
      this.prepare('cap', firstBodiesPerProc),
    ]);
    this.clientsConnected = sum(connected.slice(0, -1).map((c) => c.connected));
  }

  /** Closed loop: orders/s answered after the warm-up, and the writer's flushes meanwhile. */
  async capacity(): Promise<{
    ordersPerS: number;
    writer: FlushSummary | null;
    poolRanDry: boolean;
    error: string | null;
  }> {
    const { p } = this;
    await this.phase('capacity');
    const at = Date.now();
    const results = await this.everyLoad(
      { type: 'closed', concurrency: p.concurrency, durationMs: p.capacityS * 1000 },
      (p.capacityS + 120) * 1000,
    );
    const m = merged(results);
    if (m.accepted === 0) throw new Error(`the closed loop got no order accepted: ${m.firstError ?? 'no answer'}`);
    await this.phase(null);
    let orders = 0;
    for (const r of results) {
      for (const [sent, dur, accepted] of r.latencies) {
        const done = (sent + dur) / 1000;
        if (done >= p.warmupS && done <= p.capacityS) orders += accepted;
      }
    }
    return {
      ordersPerS: orders / (p.capacityS - p.warmupS),
      writer: this.serverLog.window(at + p.warmupS * 1000, at + p.capacityS * 1000),
      poolRanDry: m.skipped > 0,
      error: m.firstError,
    };
  }

  /** One open-loop run at `target` orders/s for the sustained duration. */
  async attempt(n: number, target: number): Promise<Attempt> {
    const { p } = this;
    const name = `sustained-${n}`;
    await this.prepare(`s${n}`, (target / p.loadProcs) * (p.sustainedS / p.batch) + 2);
    this.log(`open loop at ${fmt(target)} orders/s for ${p.sustainedS} s`);
    const { results, usage, healthz, writer } = await this.sampledOpenLoop(
      name,
      target,
      p.sustainedS,
      p.maxInFlight,
      120,
    );
    const m = merged(results);
    const achieved = m.accepted / Math.max(p.sustainedS, m.elapsedS);
    const third = Math.floor(m.latencies.length / 3);
    const early = quantiles(m.latencies.slice(0, third).map((l) => l[1])).p50;
    const late = quantiles(m.latencies.slice(-third).map((l) => l[1])).p50;
    // A backlog that grows shows as latency that keeps rising through the run.
    const growing = late > 2 * early && late - early > 100;
    const shed = sum(Object.entries(m.statuses).map(([k, v]) => (k === '200' ? 0 : v)));
    const held = achieved >= 0.95 * target && shed === 0 && m.skipped === 0 && !growing;
    this.log(`achieved ${fmt(achieved)} orders/s, ${held ? 'held' : 'not held'} (p50 ${early} -> ${late} ms)`);
    return {
      name,
      target,
      achieved,
      held,
      usage,
      writer,
      healthz,
      sendToAccept: quantiles(m.latencies.map((l) => l[1])),
      summary: {
        target_orders_per_s: target,
        achieved_orders_per_s: Math.round(achieved),
        held,
        statuses: m.statuses,
        skipped_sends: m.skipped,
        send_to_accept_p50_first_third_ms: early,
        send_to_accept_p50_last_third_ms: late,
        send_to_accept_p50_by_fifth_ms: fifths(m.latencies, p.sustainedS * 1000),
        drain_s: round(m.elapsedS - p.sustainedS, 2),
        duplicates: m.duplicates,
        rejected_lines: m.rejected,
        first_error: m.firstError,
      },
    };
  }

  /** Open loop above capacity; shed bodies were not stored, so they go back into the pool. */
  async overload(rate: number, sustained: number) {
    const { p } = this;
    await this.prepare('ov', (sustained / p.loadProcs) * ((1.5 * p.overloadS) / p.batch) + p.overloadInFlight);
    this.log(`overload: open loop at ${fmt(rate)} orders/s for ${p.overloadS} s`);
    const { results, ...sampled } = await this.sampledOpenLoop('overload', rate, p.overloadS, p.overloadInFlight, 180);
    return { ...merged(results), ...sampled };
  }

  /**
   * Every load process in open loop, `ordersPerS` in all for `seconds` (answers awaited up to
   * `graceS` more), with the server's CPU, its event-loop stalls and its flushes sampled meanwhile.
   */
  private async sampledOpenLoop(
    phase: string,
    ordersPerS: number,
    seconds: number,
    maxInFlight: number,
    graceS: number,
  ) {
    await this.phase(phase);
    this.sampler.start();
    this.probe.start();
    const at = Date.now();
    const results = await this.everyLoad(
      { type: 'open', ordersPerS: ordersPerS / this.p.loadProcs, durationMs: seconds * 1000, maxInFlight },
      (seconds + graceS) * 1000,
    );
    const usage = this.sampler.stop();
    const healthz = await this.probe.stop();
    const writer = this.serverLog.window(at, Date.now());
    await this.phase(null);
    return { results, usage, healthz, writer };
  }

  /** Collects the clients' samples, stops every process, removes the data dir. */
  async finish(): Promise<{ reports: FanoutReport[]; rssEndMb: number }> {
    const reports = await Promise.all(
      this.sockets.map((f) => ask<FanoutReport>(f.proc, { type: 'report' }, 'report', 30_000)),
    );
    for (const l of this.loads) l.proc.send({ type: 'exit' });
    const rssEndMb = readProc(this.serverPid)?.rssMb ?? NaN;
    await this.server.stop();
    this.remove();
    return { reports, rssEndMb };
  }

  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private everyLoad(cmd: LoadCommand, timeoutMs: number): Promise<LoadResult[]> {
    const all = Promise.all(this.loads.map((l) => ask<LoadResult>(l.proc, cmd, 'result', timeoutMs)));
    return Promise.race([all, this.exited]);
  }

  private async prepare(tag: string, bodiesPerProc: number): Promise<void> {
    const bodies = Math.ceil(bodiesPerProc);
    const all = Promise.all(this.loads.map((l) => ask(l.proc, { type: 'prepare', tag, bodies }, 'prepared', 300_000)));
    await Promise.race([all, this.exited]);
  }

  private async phase(name: string | null): Promise<void> {
    await Promise.all(this.sockets.map((f) => ask(f.proc, { type: 'phase', name }, 'phase-set', 10_000)));
  }
}

/** Median request duration of the requests sent in each fifth of the run: a backlog shows as a rising line. */
function fifths(latencies: [number, number, number][], durationMs: number): number[] {
  return [0, 1, 2, 3, 4].map(
    (i) => quantiles(latencies.filter(([sent]) => Math.floor((sent / durationMs) * 5) === i).map((l) => l[1])).p50,
  );
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
