import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem, type } from 'node:os';
import { freePort } from '../lib/net.js';
import { round } from './stats.js';

export { freePort };

const live = new Set<ChildProcess>();

/** Every child still running is killed when the bench exits, however it exits. */
export function killAll(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/**
 * Starts `node --import tsx <file>` directly (so `pid` is the real process), with
 * IPC; keeps the tail of its output and hands each complete output line to `onLine`.
 */
export function startNode(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  onLine?: (line: string) => void,
): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let out = '';
  let partial = '';
  const keep = (d: Buffer) => {
    const text = d.toString();
    out = (out + text).slice(-20_000);
    if (!onLine) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  return { proc, output: () => out };
}

/** Sends a message and resolves with the child's next message of `replyType`; rejects if it exits first. */
export function ask<T>(proc: ChildProcess, message: object, replyType: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${replyType}" from child in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string }) => {
      if (m?.type === replyType) done(null, m as T);
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before "${replyType}"`));
    function done(err: Error | null, value?: T) {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    if (Object.keys(message).length > 0) proc.send(message);
  });
}

/** Waits until GET `url` answers 200, for at most `ms`. */
export async function waitReady(url: string, proc: ChildProcess, ms: number, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready in ${ms / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) and resident memory from /proc: of a whole process
 * (all threads), or of one thread with `tid` (the main thread's tid is the pid).
 */
export function readProc(pid: number, tid?: number): { cpuS: number; rssMb: number } | null {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(f[11]) + Number(f[12])) / CLK_TCK;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuS, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function readMachineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Busy share of the whole machine over `ms`, percent of all cores. */
export async function machineBusy(ms: number): Promise<number> {
  const a = readMachineCpu();
  await new Promise((r) => setTimeout(r, ms));
  const b = readMachineCpu();
  return (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
}

/** The machine a bench ran on, as its report states it. */
export function machine(): { cores: number; memory_gb: number; node: string; cpu_model: string; os: string } {
  return {
    cores: cpus().length,
    memory_gb: round(totalmem() / 2 ** 30),
    node: process.versions.node,
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    os: type(),
  };
}
