import { readdirSync, readFileSync } from 'node:fs';
import { readProc } from './proc.js';
import { round } from './stats.js';

/**
 * What the server's threads are, by name (Node 20, chDB 3.4, seen on Linux). The
 * libuv pool's threads show as "Unknown" once chDB has run a query on them: their
 * number follows UV_THREADPOOL_SIZE.
 */
const ROLES: Record<string, string> = {
  'main (JS)': 'the event loop: HTTP, parse, validate, dedup, SQL text, live board, socket.io',
  Unknown: "libuv's threadpool (UV_THREADPOOL_SIZE): chDB's async queries and inserts run here",
  node: "V8's platform workers (GC, compiler) and Node's other helpers",
  ThreadPool: "chDB's global pool: query pipeline and insert workers",
  MergeMutate: "chDB's background merges",
  BgSchPool: "chDB's background schedule pool",
  BgStrmSchPool: "chDB's background schedule pool (streaming)",
  PoolDelayExec: "chDB's delayed-task pool",
  MemoryWorker: "chDB's memory tracker",
  'libuv-worker': "libuv's threadpool",
};

/** CPU of one group of a process's threads (same name) over a window. */
export interface ThreadGroup {
  /** Thread name (/proc/.../comm); the main thread, which runs the JavaScript, is "main (JS)". */
  name: string;
  /** What threads of that name do, when known. */
  role: string | null;
  /** Distinct threads of that name seen during the window. */
  threads: number;
  cpuS: number;
  /** Percent of one core over the window. */
  cpuPercent: number;
}

export interface ThreadReport {
  windowS: number;
  /** CPU of the whole process (its dead threads included), percent of one core. */
  processCpuPercent: number;
  groups: ThreadGroup[];
  /** Process CPU no sampled thread accounts for: threads that ended between samples. */
  unattributedCpuPercent: number;
  /** Per sample: [ms since start, process CPU % since the previous sample, RSS MB, threads]. */
  series: [atMs: number, cpuPercent: number, rssMb: number, threads: number][];
}

/** USER_HZ: /proc counts CPU time in 1/100 s on every Linux Node runs on. */
const CLK_TCK = 100;

/** utime + stime of a thread in clock ticks, and its name; null once it has gone. */
function readThread(pid: number, tid: string): { ticks: number; name: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    return { ticks: Number(f[11]) + Number(f[12]), name };
  } catch {
    return null;
  }
}

/**
 * Samples every thread of a process (/proc/<pid>/task/<tid>/stat and comm) once a
 * second between start() and stop(), and sums each thread's CPU over the window
 * by thread name: the JS main thread, libuv's pool, V8's workers, chDB's pools.
 * A thread that ends between two samples loses at most a second of CPU; the
 * process total (which keeps it) shows how much.
 */
export class ThreadSampler {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private startCpuS = 0;
  private lastCpuS = 0;
  private lastAt = 0;
  /** Per tid: CPU ticks at its first sample in the window (0 if born after start), at its last, and name. */
  private seen = new Map<string, { first: number; last: number; name: string }>();
  private series: ThreadReport['series'] = [];

  constructor(
    private readonly pid: number,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.seen.clear();
    this.series = [];
    this.sample(true);
    this.startCpuS = this.lastCpuS = readProc(this.pid)?.cpuS ?? 0;
    this.lastAt = this.startedAt;
    this.timer = setInterval(() => this.tick(), this.everyMs);
  }

  stop(): ThreadReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tick();
    const windowS = (performance.now() - this.startedAt) / 1000;
    const byName = new Map<string, { threads: number; ticks: number }>();
    let threadTicks = 0;
    for (const [tid, t] of this.seen) {
      const name = tid === String(this.pid) ? 'main (JS)' : t.name;
      const g = byName.get(name) ?? { threads: 0, ticks: 0 };
      g.threads++;
      g.ticks += t.last - t.first;
      threadTicks += t.last - t.first;
      byName.set(name, g);
    }
    const pct = (s: number) => round((100 * s) / Math.max(windowS, 1e-3));
    const processCpuS = this.lastCpuS - this.startCpuS;
    const groups = [...byName]
      .map(([name, g]) => ({
        role: ROLES[name] ?? null,
        name,
        threads: g.threads,
        cpuS: round(g.ticks / CLK_TCK, 2),
        cpuPercent: pct(g.ticks / CLK_TCK),
      }))
      .sort((a, b) => b.cpuS - a.cpuS || a.name.localeCompare(b.name));
    return {
      windowS: round(windowS, 2),
      processCpuPercent: pct(processCpuS),
      groups,
      unattributedCpuPercent: pct(Math.max(0, processCpuS - threadTicks / CLK_TCK)),
      series: this.series,
    };
  }

  private tick(): void {
    const threads = this.sample(false);
    const p = readProc(this.pid);
    const now = performance.now();
    if (!p) return;
    const cpu = (100 * (p.cpuS - this.lastCpuS)) / Math.max(1e-3, (now - this.lastAt) / 1000);
    this.series.push([Math.round(now - this.startedAt), round(cpu), round(p.rssMb), threads]);
    this.lastCpuS = p.cpuS;
    this.lastAt = now;
  }

  private sample(first: boolean): number {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${this.pid}/task`);
    } catch {
      return 0;
    }
    for (const tid of tids) {
      const t = readThread(this.pid, tid);
      if (!t) continue;
      const known = this.seen.get(tid);
      if (known) {
        known.last = t.ticks;
        known.name = t.name;
      } else this.seen.set(tid, { first: first ? t.ticks : 0, last: t.ticks, name: t.name });
    }
    return tids.length;
  }
}
