import { ServerLog, type FlushSummary } from './flushes.js';
import { startServer, type BenchServer } from './server.js';

export const GALA_TOKEN = 'gala-bench-token-0123456789abcdef';

/** One flush line of the server log, as far as it could be read. */
export interface FlushLine {
  atMs: number;
  rows: number;
  ms: number;
  duplicates: number | null;
  trigger: string | null;
}

/** What the server's log said during a run: flushes, warnings and errors, the writer's summaries. */
export interface LogSummary {
  lines: number;
  flushLines: number;
  warnings: number;
  errors: number;
  /** Warning and error lines counted by message. */
  byMessage: Record<string, number>;
  first: string[];
  /** The writer's 'flush summary' lines (one per 10 s), fields as logged. */
  summaries: Record<string, unknown>[];
}

/**
 * The server under test as a child process, as Rig.start does: server/server.ts on
 * loopback with a temp data dir, a free port, its own ingest token, the show clock
 * following events and debug logs (one line per flush). The rate limiter is
 * raised out of the way; every other limit is the server's default, so 503s with
 * Retry-After are the server's own load shedding. Log lines are read defensively:
 * a line that is not JSON, or a flush line without rows or ms, is just counted.
 */
export class GalaServer {
  readonly flushes = new ServerLog();
  readonly flushLines: FlushLine[] = [];
  readonly log: LogSummary = {
    lines: 0,
    flushLines: 0,
    warnings: 0,
    errors: 0,
    byMessage: {},
    first: [],
    summaries: [],
  };
  url = '';
  private server!: BenchServer;
  /** Rejects when the server exits before stop(). */
  exited: Promise<never> = new Promise(() => undefined);

  constructor(
    private readonly dataDir: string,
    private readonly liveShow: string,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  output(): string {
    return this.server.output();
  }

  async start(): Promise<void> {
    this.server = await startServer(
      {
        DATA_DIR: this.dataDir,
        INGEST_TOKENS: GALA_TOKEN,
        LIVE_SHOW: this.liveShow,
        SHOW_CLOCK: 'events',
        LOG_LEVEL: 'debug',
        RATE_LIMIT_INGEST_PER_MIN: '10000000',
        RATE_LIMIT_READ_PER_MIN: '100000',
      },
      { onLine: (l) => this.line(l), readyMs: 120_000 },
    );
    this.url = this.server.url;
    this.exited = this.server.exited;
  }

  /** The writer's flushes that ended within [fromMs, toMs]. */
  window(fromMs: number, toMs: number): FlushSummary | null {
    return this.flushes.window(fromMs, toMs);
  }

  /** SIGTERM (the server finishes its in-flight batches), SIGKILL after 15 s. */
  stop(): Promise<void> {
    return this.server?.stop() ?? Promise.resolve();
  }

  private line(text: string): void {
    if (!text.trim()) return;
    this.log.lines++;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(text) as Record<string, unknown>;
      if (e === null || typeof e !== 'object') throw new Error('not an object');
    } catch {
      this.note('(not JSON) ' + text.slice(0, 80), text, false);
      return;
    }
    const level = typeof e.level === 'number' ? e.level : 0;
    const msg = typeof e.msg === 'string' ? e.msg : '(no msg)';
    if (level >= 40) this.note(msg, text, level >= 50);
    if (msg === 'flush' && typeof e.rows === 'number' && typeof e.ms === 'number') {
      this.log.flushLines++;
      this.flushes.line(text);
      this.flushLines.push({
        atMs: typeof e.time === 'number' ? e.time : Date.now(),
        rows: e.rows,
        ms: e.ms,
        duplicates: typeof e.duplicates === 'number' ? e.duplicates : null,
        trigger: typeof e.trigger === 'string' ? e.trigger : null,
      });
    } else if (msg === 'flush summary' && this.log.summaries.length < 10_000) {
      const { level: _l, pid: _p, hostname: _h, ...fields } = e;
      this.log.summaries.push(fields);
    }
  }

  private note(key: string, text: string, error: boolean): void {
    if (error) this.log.errors++;
    else this.log.warnings++;
    // A bounded table: messages past the 50th distinct one are counted together.
    const k = key in this.log.byMessage || Object.keys(this.log.byMessage).length < 50 ? key : '(other messages)';
    this.log.byMessage[k] = (this.log.byMessage[k] ?? 0) + 1;
    if (this.log.first.length < 10) this.log.first.push(text.slice(0, 400));
  }
}
