import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Sheds ingest when the event loop falls behind: past `maxLagMs` of delay the
 * process is saturated, and taking more bodies would only grow memory and make
 * every board late. Reads the loop delay over the last sampling window.
 */
export class LagGuard {
  private readonly histogram: IntervalHistogram;
  private lagMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly maxLagMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lagMs = this.histogram.percentile(99) / 1e6;
      this.histogram.reset();
    }, 500);
    this.timer.unref();
  }

  /** p99 event-loop delay of the last window, ms. */
  get currentLagMs(): number {
    return this.lagMs;
  }

  get overloaded(): boolean {
    return this.lagMs > this.maxLagMs;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
