import { freePort, startNode, waitReady } from './proc.js';

/** The server under test, as a child process of a bench. */
export interface BenchServer {
  url: string;
  pid: number;
  proc: ReturnType<typeof startNode>['proc'];
  /** The tail of its stdout and stderr. */
  output: () => string;
  /** Rejects when the server exits before stop(): race a phase against it. */
  exited: Promise<never>;
  /** SIGTERM (the server finishes its in-flight batches), SIGKILL after `graceMs`. */
  stop: () => Promise<void>;
}

/**
 * Starts server/server.ts on loopback on a free port with `env` on top of the bench's
 * environment (pass DATA_DIR, INGEST_TOKENS and what the bench needs), and waits until
 * GET /readyz answers. Every bench starts its server through here.
 */
export async function startServer(
  env: Record<string, string>,
  opts: { onLine?: (line: string) => void; readyMs?: number; graceMs?: number } = {},
): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { proc, output } = startNode(
    'server/server.ts',
    [],
    { HOST: '127.0.0.1', ...env, PORT: String(port) },
    opts.onLine,
  );
  let stopping = false;
  const exited = new Promise<never>((_, reject) => {
    proc.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`the server exited (${signal ?? code}) mid-run:\n${output()}`));
    });
  });
  exited.catch(() => undefined);
  const stop = (): Promise<void> => {
    stopping = true;
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), opts.graceMs ?? 15_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };
  await waitReady(`${url}/readyz`, proc, opts.readyMs ?? 60_000, output);
  return { url, pid: proc.pid!, proc, output, exited, stop };
}
