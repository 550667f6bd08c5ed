import { cpus } from 'node:os';
import { readMachineCpu, readProc } from './proc.js';

export interface Usage {
  /** CPU of the group's processes, percent of one core (200 = both cores of a 2-core machine). */
  cpuPercent: Record<string, number>;
  /** Busy share of the whole machine, percent of all cores. */
  machineCpuPercent: number;
  /**
   * CPU used by processes that are not part of the bench (percent of one core):
   * anything well above zero means the figures were taken on a shared, busy machine.
   */
  otherCpuPercent: number;
  /** Resident memory of each group's processes: largest sample and last sample, MB. */
  rssMbMax: Record<string, number>;
  rssMbEnd: Record<string, number>;
}

/** A process, or with `tid` one of its threads. */
export interface Target {
  pid: number;
  tid?: number;
}

/**
 * Samples /proc every `everyMs` for named groups of processes (the server, its JS
 * thread, the load processes, the socket clients) between start() and stop().
 */
export class Sampler {
  private timer: NodeJS.Timeout | null = null;
  private first = new Map<string, number>();
  private firstAt = 0;
  private firstMachine = { busy: 0, total: 0 };
  private rssMax = new Map<string, number>();
  private rssEnd = new Map<string, number>();

  constructor(
    private readonly groups: Record<string, Target[]>,
    /** Groups that are part of another group (a thread of a sampled process): not added to the total. */
    private readonly parts: ReadonlySet<string> = new Set(),
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.firstAt = performance.now();
    this.firstMachine = readMachineCpu();
    this.rssMax.clear();
    for (const [name, pids] of Object.entries(this.groups)) this.first.set(name, this.read(name, pids).cpuS);
    this.timer = setInterval(() => {
      for (const [name, pids] of Object.entries(this.groups)) this.read(name, pids);
    }, this.everyMs);
  }

  stop(): Usage {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const seconds = (performance.now() - this.firstAt) / 1000;
    const machine = readMachineCpu();
    const usage: Usage = {
      cpuPercent: {},
      otherCpuPercent: 0,
      machineCpuPercent: round1(
        (100 * (machine.busy - this.firstMachine.busy)) / Math.max(1, machine.total - this.firstMachine.total),
      ),
      rssMbMax: {},
      rssMbEnd: {},
    };
    let ours = 0;
    for (const [name, pids] of Object.entries(this.groups)) {
      const { cpuS } = this.read(name, pids);
      usage.cpuPercent[name] = round1((100 * (cpuS - (this.first.get(name) ?? 0))) / seconds);
      usage.rssMbMax[name] = round1(this.rssMax.get(name) ?? 0);
      usage.rssMbEnd[name] = round1(this.rssEnd.get(name) ?? 0);
      if (!this.parts.has(name)) ours += usage.cpuPercent[name]!;
    }
    usage.otherCpuPercent = round1(Math.max(0, usage.machineCpuPercent * cpus().length - ours));
    return usage;
  }

  private read(name: string, targets: Target[]): { cpuS: number } {
    let cpuS = 0;
    let rss = 0;
    for (const t of targets) {
      const p = readProc(t.pid, t.tid);
      if (!p) continue;
      cpuS += p.cpuS;
      rss += p.rssMb;
    }
    this.rssMax.set(name, Math.max(this.rssMax.get(name) ?? 0, rss));
    this.rssEnd.set(name, rss);
    return { cpuS };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
