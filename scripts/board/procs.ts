import { spawn, type ChildProcess } from 'node:child_process';

/** A child process of the bench, its output kept for failure messages. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs `node --import tsx <script> ...args` (the simulator, load-day) as its own process. */
export function run(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    // Bounded: a long run must not grow the bench's own memory.
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resolves with the exit code; rejects with the output if it is not 0. */
export function finished(p: Proc, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    p.child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}:\n${p.output()}`)),
    );
  });
}
