import { quantiles, round, type Quantiles } from './stats.js';

interface Flush {
  atMs: number;
  rows: number;
  ms: number;
  requests: number;
  prepareMs: number;
  engineMs: number;
}

export interface FlushSummary {
  flushes: number;
  rows_per_flush_mean: number;
  requests_per_flush_mean: number;
  flush_ms: Quantiles;
  /**
   * Share of the window with an INSERT in the engine (one at a time: 100 = always busy). The
   * next batch is prepared meanwhile, so whole flushes overlap and their sum says little.
   */
  writer_busy_percent: number;
  /** Share of the window the JS thread spent preparing batches (dedup, encoding). */
  prepare_busy_percent: number;
  engine_ms: Quantiles;
  prepare_ms: Quantiles;
}

/**
 * Reads the server's log (pino JSON lines at LOG_LEVEL=debug): the writer's one
 * line per flush, and every warning or error.
 */
export class ServerLog {
  private flushes: Flush[] = [];
  readonly warnings: string[] = [];

  line(text: string): void {
    if (!text.startsWith('{')) {
      if (text.trim()) this.warnings.push(text.slice(0, 300));
      return;
    }
    let entry: {
      level?: number;
      time?: number;
      msg?: string;
      rows?: number;
      ms?: number;
      requests?: number;
      prepareMs?: number;
      engineMs?: number;
    };
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      return;
    }
    if ((entry.level ?? 0) >= 40) this.warnings.push(text.slice(0, 300));
    if (entry.msg === 'flush' && typeof entry.rows === 'number' && typeof entry.ms === 'number') {
      this.flushes.push({
        atMs: entry.time ?? Date.now(),
        rows: entry.rows,
        ms: entry.ms,
        requests: entry.requests ?? 0,
        // Older servers logged no phases: the whole flush was the engine's turn.
        prepareMs: entry.prepareMs ?? 0,
        engineMs: entry.engineMs ?? entry.ms,
      });
    }
  }

  /** Flushes that ended within [fromMs, toMs] (epoch ms); null when the server logged none. */
  window(fromMs: number, toMs: number): FlushSummary | null {
    const f = this.flushes.filter((x) => x.atMs >= fromMs && x.atMs <= toMs);
    if (f.length === 0) return null;
    const total = (k: 'rows' | 'ms' | 'requests' | 'prepareMs' | 'engineMs') => f.reduce((s, x) => s + x[k], 0);
    return {
      flushes: f.length,
      rows_per_flush_mean: Math.round(total('rows') / f.length),
      requests_per_flush_mean: round(total('requests') / f.length),
      flush_ms: quantiles(f.map((x) => x.ms)),
      writer_busy_percent: round((100 * total('engineMs')) / (toMs - fromMs)),
      prepare_busy_percent: round((100 * total('prepareMs')) / (toMs - fromMs)),
      engine_ms: quantiles(f.map((x) => x.engineMs)),
      prepare_ms: quantiles(f.map((x) => x.prepareMs)),
    };
  }
}
