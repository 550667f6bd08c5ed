import { formatFen } from '../../shared/money.js';
import type { TotalsPart } from '../../shared/protocol.js';
import type { FlushSummary } from './flushes.js';
import type { SecondLag, SecondQuantiles } from './gala-lag.js';
import type { Expected } from './gala-segment.js';
import type { LogSummary } from './gala-server.js';
import type { ThreadReport } from './gala-threads.js';
import type { SenderResult } from './gala-sender.js';
import { addCounts, quantiles, sum, type Quantiles } from './stats.js';

/** One exactness check: a figure the server shows against the generated set. */
export interface Check {
  what: string;
  expected: string | number;
  got: string | number | null;
  ok: boolean;
}

/** gala-latest.json. */
export interface GalaResult {
  date: string;
  params: Record<string, unknown>;
  machine: Record<string, unknown>;
  segment: {
    lines: number;
    sales: number;
    refunds: number;
    invalid: number;
    gross_gmv: string;
    bytes: number;
    bodies: number;
    peak_second: { s: number; sales: number };
    generate_s: number;
  };
  run: {
    /** Wall seconds from the start to the last second's end: (to - from) / speed. */
    send_s: number;
    /** From the last second's end until the board showed every sale (null: it never did). */
    drain_s: number | null;
    board_caught_up: boolean;
  };
  lag_ms: SecondQuantiles;
  accept_lag_ms: SecondQuantiles;
  senders: {
    processes: number;
    in_flight_each: number;
    bodies: number;
    statuses: Record<string, number>;
    retries: number;
    /** The first answer of each retried kind, as the server gave it. */
    retry_reasons: Record<string, string>;
    missing_retry_after: number;
    resends: number;
    resent_lines: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    failed_bodies: number;
    failed_lines: number;
    send_late_ms: Quantiles;
    send_to_accept_ms: Quantiles;
    first_error: string | null;
  };
  board: {
    snapshots: number;
    ticks: number;
    seq_gaps: number;
    resyncs: number;
    disconnects: number;
    tick_lag_ms: Quantiles;
    commit_to_screen_ms: Quantiles;
    first_error: string | null;
  };
  server: {
    cpu_percent: number;
    js_thread_cpu_percent: number;
    rss_mb_max: number;
    rss_mb_end: number;
    threads: ThreadReport['groups'];
    threads_unattributed_cpu_percent: number;
    machine_cpu_percent: number;
    other_processes_cpu_percent: number;
    machine_busy_before_percent: number;
    writer: FlushSummary | null;
    flush_triggers: Record<string, number>;
    log: LogSummary;
  };
  clients: { cpu_percent: Record<string, number>; rss_mb_max: Record<string, number> };
  exact: boolean;
  checks: Check[];
  series: {
    /** Per send-second: sales, cumulative sales, its end (ms since start), lag and accept lag. */
    seconds: SecondLag[];
    /** Server, once a second: [ms since start, CPU % of a core, RSS MB, threads]. */
    server: ThreadReport['series'];
    /** Flushes: [ms since start, rows, ms, trigger]. */
    flushes: [number, number, number, string | null][];
  };
  notes: string[];
}

/** The senders' answers, summed. */
export function mergeSenders(results: readonly SenderResult[], inFlight: number): GalaResult['senders'] {
  const total = (k: 'bodies' | 'retries' | 'missingRetryAfter' | 'resends' | 'resentLines' | 'accepted') =>
    sum(results.map((r) => r[k]));
  return {
    processes: results.length,
    in_flight_each: inFlight,
    bodies: total('bodies'),
    statuses: results.reduce<Record<string, number>>((a, r) => addCounts(a, r.statuses), {}),
    retries: total('retries'),
    retry_reasons: Object.assign({}, ...results.map((r) => r.retryReasons)) as Record<string, string>,
    missing_retry_after: total('missingRetryAfter'),
    resends: total('resends'),
    resent_lines: total('resentLines'),
    accepted: total('accepted'),
    duplicates: sum(results.map((r) => r.duplicates)),
    rejected: sum(results.map((r) => r.rejected)),
    failed_bodies: sum(results.map((r) => r.failed)),
    failed_lines: sum(results.map((r) => r.failedLines)),
    send_late_ms: quantiles(results.flatMap((r) => r.sendLateMs)),
    send_to_accept_ms: quantiles(results.flatMap((r) => r.sendToAcceptMs)),
    first_error: results.find((r) => r.firstError)?.firstError ?? null,
  };
}

/** Gross and net of one source against the generated set. */
export function totalsChecks(name: string, e: Expected, gross: TotalsPart | null, net: TotalsPart | null): Check[] {
  const netOrders = e.sales - e.refunds;
  const netGmv = formatFen(e.grossFen - e.refundFen);
  return [
    { what: `${name} gross orders`, expected: e.sales, got: gross?.orders ?? null, ok: gross?.orders === e.sales },
    {
      what: `${name} gross gmv`,
      expected: formatFen(e.grossFen),
      got: gross?.gmv ?? null,
      ok: gross?.gmv === formatFen(e.grossFen),
    },
    { what: `${name} net orders`, expected: netOrders, got: net?.orders ?? null, ok: net?.orders === netOrders },
    { what: `${name} net gmv`, expected: netGmv, got: net?.gmv ?? null, ok: net?.gmv === netGmv },
  ];
}

/** The ingest answers against the generated set: every line accepted once, resends answered as duplicates. */
export function ingestChecks(e: Expected, s: GalaResult['senders']): Check[] {
  return [
    {
      what: 'orders accepted (200 answers)',
      expected: e.lines - e.invalid,
      got: s.accepted,
      ok: s.accepted === e.lines - e.invalid,
    },
    { what: 'lines rejected', expected: e.invalid, got: s.rejected, ok: s.rejected === e.invalid },
    {
      what: 'duplicates answered (>= lines resent)',
      expected: s.resent_lines,
      got: s.duplicates,
      ok: s.duplicates >= s.resent_lines,
    },
    { what: 'bodies given up', expected: 0, got: s.failed_bodies, ok: s.failed_bodies === 0 },
  ];
}

const int = (n: number | null) => (n !== null && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? `${int(n)} ms` : 'n/a');
const q4 = (q: SecondQuantiles) =>
  `${int(q.p50)} / ${int(q.p90)} / ${int(q.p99)} / ${int(q.max)} ms` + (q.missing ? ` (${q.missing} s never)` : '');
const q3 = (q: Quantiles) => `${int(q.p50)} / ${int(q.p99)} / ${int(q.max)} ms`;
const codes = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k}: ${int(v)}`)
    .join(', ') || 'none';

/** The short table printed at the end, then every mismatch, loudly. */
export function galaTable(r: GalaResult): string {
  const p = r.params;
  const s = r.server;
  const threads = s.threads
    .filter((t) => t.cpuPercent >= 1)
    .slice(0, 8)
    .map((t) => `${t.name}${t.threads > 1 ? ` x${t.threads}` : ''} ${t.cpuPercent}%`)
    .join(', ');
  const rows: [string, string][] = [
    [
      'segment',
      `${int(r.segment.sales)} sales (+${int(r.segment.refunds)} refunds), peak ${int(r.segment.peak_second.sales)} ` +
        `in second ${r.segment.peak_second.s}, ${int(r.segment.bodies)} bodies, ${int(r.segment.bytes / 2 ** 20)} MB`,
    ],
    ['lag: second end -> board, p50/p90/p99/max', q4(r.lag_ms)],
    ['  second end -> all its bodies answered 200', q4(r.accept_lag_ms)],
    [
      '  after the last second',
      r.run.board_caught_up ? `board caught up in ${r.run.drain_s} s` : 'BOARD NEVER CAUGHT UP',
    ],
    ['statuses (every answer)', codes(r.senders.statuses)],
    [
      'retries / resends',
      `${int(r.senders.retries)} retries; ${r.senders.resends} bodies resent (${int(r.senders.resent_lines)} lines), ` +
        `${int(r.senders.duplicates)} duplicates answered`,
    ],
    ...(r.senders.first_error
      ? [['  first body given up', r.senders.first_error.slice(0, 120)] as [string, string]]
      : []),
    ...Object.entries(r.senders.retry_reasons).map(([k, v]): [string, string] => [`  first ${k}`, v.slice(0, 120)]),
    ['send late p50/p99/max (queued in the sender)', q3(r.senders.send_late_ms)],
    ['send -> 200 p50/p99/max', q3(r.senders.send_to_accept_ms)],
    [
      'server CPU (% of a core)',
      `${s.cpu_percent}% (JS thread ${s.js_thread_cpu_percent}%); machine ${s.machine_cpu_percent}% busy, ` +
        `others ${s.other_processes_cpu_percent}%`,
    ],
    ['  by thread', threads || 'n/a'],
    ['server RSS max / end', `${int(s.rss_mb_max)} / ${int(s.rss_mb_end)} MB`],
    [
      'writer flushes',
      s.writer
        ? `${int(s.writer.flushes)} flushes, ${int(s.writer.rows_per_flush_mean)} rows each, p50 ${ms(s.writer.flush_ms.p50)}, ` +
          `max ${ms(s.writer.flush_ms.max)}; engine busy ${s.writer.writer_busy_percent}% ` +
          `(INSERT p50 ${ms(s.writer.engine_ms.p50)}), JS preparing ${s.writer.prepare_busy_percent}% ` +
          `(p50 ${ms(s.writer.prepare_ms.p50)})`
        : 'n/a (no flush lines in the server log)',
    ],
    [
      'clients CPU (% of a core)',
      Object.entries(r.clients.cpu_percent)
        .map(([k, v]) => `${k} ${v}%`)
        .join(', '),
    ],
    [
      'board',
      `${int(r.board.ticks)} ticks, ${r.board.seq_gaps} seq gaps, ${r.board.resyncs} resyncs, ` +
        `${r.board.disconnects} disconnects; commit -> screen p50/p99 ${int(r.board.commit_to_screen_ms.p50)} / ` +
        `${int(r.board.commit_to_screen_ms.p99)} ms`,
    ],
    [
      'server log',
      `${int(s.log.warnings)} warnings, ${int(s.log.errors)} errors` +
        (Object.keys(s.log.byMessage).length ? `: ${codes(s.log.byMessage)}` : ''),
    ],
    [
      'exact (board, API, store vs generated)',
      r.exact ? `yes: ${int(r.segment.sales)} orders, CNY ${r.segment.gross_gmv}` : 'NO: see the mismatches below',
    ],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  const m = r.machine;
  return [
    `gmv-live gala bench, ${r.date}: ${p.year} ${p.from}-${p.to}, scale ${p.scale}, speed ${p.speed}, ` +
      `${p.senders} senders; ${m.cores} cores, Node ${m.node}`,
    ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`),
    ...r.checks
      .filter((c) => !c.ok)
      .map((c) => `  !!! MISMATCH ${c.what}: expected ${c.expected}, got ${c.got ?? 'nothing'}`),
    ...r.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}
