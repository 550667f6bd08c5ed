import { quantiles, type Quantiles } from './stats.js';

/**
 * Polls GET /healthz every `everyMs` while running: the answer time is how long a
 * trivial request waits for the server's event loop, so JS-side stalls show up
 * here and not in chDB's insert time.
 */
export class LoopProbe {
  private samples: number[] = [];
  private running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly everyMs = 200,
  ) {}

  start(): void {
    this.samples = [];
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        const t = performance.now();
        try {
          const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
          await res.arrayBuffer();
          this.samples.push(performance.now() - t);
        } catch {
          this.samples.push(performance.now() - t);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, this.everyMs - (performance.now() - t))));
      }
    })();
  }

  async stop(): Promise<Quantiles> {
    this.running = false;
    await this.done;
    return quantiles(this.samples);
  }
}
