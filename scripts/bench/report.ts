import type { FlushSummary } from './flushes.js';
import type { Quantiles } from './stats.js';

/** The figures the gala asks for; the bench reports against them and never fails on them. */
export const TARGETS = {
  sustained_orders_per_s: 140_000,
  accept_to_tick_p99_ms: 250,
  ratio_to_engine: 0.8,
  fanout_clients: 1000,
  tick_hz: 10,
  tick_lag_p99_ms: 50,
};

export interface BenchResult {
  date: string;
  mode: 'quick' | 'full';
  params: Record<string, unknown>;
  machine: { cores: number; memory_gb: number; node: string; cpu_model: string; os: string };
  ingest: {
    sustained_orders_per_s: number;
    sustained_ok: boolean;
    target_orders_per_s: number;
    capacity_closed_loop_orders_per_s: number;
    engine_raw_orders_per_s: number;
    ratio_to_engine: number;
    /** The writer's flushes during the closed loop (after warm-up) and the sustained run, from the server log. */
    writer_capacity: FlushSummary | null;
    writer_sustained: FlushSummary | null;
    attempts: Record<string, unknown>[];
    engine: { method: string; runs: { style: string; block: number; ordersPerS: number }[] };
  };
  latency: { accept_to_tick_ms: Quantiles; send_to_accept_ms: Quantiles };
  fanout: {
    clients: number;
    connected: number;
    processes: number;
    tick_lag_ms: Quantiles;
    ticks_per_client_per_s: number;
    seq_gaps: number;
    disconnects: number;
    first_error: string | null;
  };
  server: {
    cpu_percent: number;
    /** CPU of the server's main (JavaScript) thread alone; 100 = saturated. */
    js_thread_cpu_percent: number;
    rss_mb: number;
    rss_mb_end: number;
    machine_cpu_percent: number;
    /** CPU of processes outside the bench during the sustained run, percent of one core (should be ~0). */
    other_processes_cpu_percent: number;
    machine_busy_before_percent: number;
    /** GET /healthz answer times polled during the sustained run: how long a request waits for the event loop. */
    healthz_ms: Quantiles;
    cpu_percent_by_process: Record<string, number>;
    warnings: number;
    first_warning: string | null;
  };
  overload: {
    target_orders_per_s: number;
    duration_s: number;
    shed_status_codes: Record<string, number>;
    missing_retry_after: number;
    accepted_orders_per_s: number;
    send_to_accept_ms: Quantiles;
    tick_lag_ms: Quantiles;
    rss_mb_max: number;
    healthz_ms: Quantiles;
    writer: FlushSummary | null;
    client_skipped_sends: number;
  };
  targets: typeof TARGETS;
  notes: string[];
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
const meets = (ok: boolean) => (ok ? 'meets' : 'below');

/** The table printed at the end of a run. */
export function table(r: BenchResult): string {
  const i = r.ingest;
  const rows: [string, string, string][] = [
    [
      'ingest sustained (open loop, HTTP)',
      `${int(i.sustained_orders_per_s)} orders/s`,
      `>= ${int(TARGETS.sustained_orders_per_s)}: ${meets(i.sustained_orders_per_s >= TARGETS.sustained_orders_per_s)}`,
    ],
    ['  held without backlog', i.sustained_ok ? 'yes' : 'NO (see attempts)', ''],
    ['  capacity (closed loop)', `${int(i.capacity_closed_loop_orders_per_s)} orders/s`, ''],
    ['  writer flushes (sustained)', writer(i.writer_sustained), ''],
    ['engine raw (chDB, same rows)', `${int(i.engine_raw_orders_per_s)} orders/s`, ''],
    [
      '  engine runs (rows per INSERT)',
      i.engine.runs.map((e) => `${e.style} ${e.block}: ${int(e.ordersPerS)}/s`).join(', '),
      '',
    ],
    [
      'server / engine',
      i.ratio_to_engine.toFixed(2),
      `>= ${TARGETS.ratio_to_engine}: ${meets(i.ratio_to_engine >= TARGETS.ratio_to_engine)}`,
    ],
    ['send -> accept p50 / p95 / p99', q3(r.latency.send_to_accept_ms), ''],
    [
      'accept -> tick p50 / p95 / p99',
      q3(r.latency.accept_to_tick_ms),
      `p99 <= ${TARGETS.accept_to_tick_p99_ms} ms: ${meets(r.latency.accept_to_tick_ms.p99 <= TARGETS.accept_to_tick_p99_ms)}`,
    ],
    [
      'fan-out clients (connected)',
      `${r.fanout.connected} of ${r.fanout.clients}`,
      `${TARGETS.fanout_clients}: ${meets(r.fanout.connected >= TARGETS.fanout_clients)}`,
    ],
    [
      '  ticks per client per s',
      r.fanout.ticks_per_client_per_s.toFixed(1),
      `${TARGETS.tick_hz} Hz: ${meets(r.fanout.ticks_per_client_per_s >= TARGETS.tick_hz * 0.95)}` +
        (i.writer_sustained
          ? ` (ticks follow commits: ${flushRate(i.writer_sustained, r)} flushes/s, +1/s heartbeat)`
          : ''),
    ],
    [
      '  tick lag p50 / p99',
      `${ms(r.fanout.tick_lag_ms.p50)} / ${ms(r.fanout.tick_lag_ms.p99)}`,
      `p99 <= ${TARGETS.tick_lag_p99_ms} ms: ${meets(r.fanout.tick_lag_ms.p99 <= TARGETS.tick_lag_p99_ms)}`,
    ],
    [
      'server CPU (sustained)',
      `${r.server.cpu_percent}% of a core, JS thread ${r.server.js_thread_cpu_percent}%`,
      `machine ${r.server.machine_cpu_percent}% busy; not the bench: ${r.server.other_processes_cpu_percent}% of a core`,
    ],
    [
      '  event-loop wait (GET /healthz) p50 / p99',
      `${ms(r.server.healthz_ms.p50)} / ${ms(r.server.healthz_ms.p99)}`,
      '',
    ],
    ['server RSS (sustained, max)', `${int(r.server.rss_mb)} MB`, ''],
    [
      `overload at ${int(r.overload.target_orders_per_s)}/s`,
      codes(r.overload.shed_status_codes),
      `goodput ${int(r.overload.accepted_orders_per_s)}/s`,
    ],
    [
      '  send -> accept p50 / p99 (200s)',
      `${ms(r.overload.send_to_accept_ms.p50)} / ${ms(r.overload.send_to_accept_ms.p99)}`,
      `503/429 without Retry-After: ${r.overload.missing_retry_after}`,
    ],
    ['  RSS max under overload', `${int(r.overload.rss_mb_max)} MB`, ''],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const m = r.machine;
  return [
    `gmv-live bench (${r.mode}), ${r.date}: ${m.cores} cores ${m.cpu_model}, ${m.memory_gb} GB, Node ${m.node}`,
    ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
    ...r.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}

function flushRate(w: FlushSummary, r: BenchResult): string {
  return (w.flushes / Number(r.params.sustained_s)).toFixed(1);
}

function writer(w: FlushSummary | null): string {
  if (!w) return 'n/a (no flush lines in the server log)';
  return (
    `${int(w.rows_per_flush_mean)} rows each, p50 ${ms(w.flush_ms.p50)}, engine busy ${w.writer_busy_percent}%, ` +
    `JS preparing ${w.prepare_busy_percent}%`
  );
}

function q3(q: Quantiles): string {
  return `${ms(q.p50)} / ${ms(q.p95)} / ${ms(q.p99)}`;
}

function codes(c: Record<string, number>): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
