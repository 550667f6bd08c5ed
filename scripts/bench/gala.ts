/**
 * `npm run bench:gala [-- --scale 0.02 --to 00:00:30]`: the gala's opening as it
 * happens. The simulator's segment is generated before any timing into a temp
 * NDJSON file with an index (bodies per 100 ms slice of each send-second, the
 * sales sent up to each second's end, the exact totals by the server's own
 * rules); then the server starts on a fresh data dir, `--senders` processes post
 * the bodies at the show's pace and a real socket.io board records its gross.
 * lag(s) = first time the board shows every sale sent up to the end of second s,
 * minus the time s ended. At the end the board, GET /api/v1/totals (live and from
 * the store) and the generated set must agree exactly. Prints a table and a
 * summary line, writes bench/results/gala-latest.json and a dated copy. Reports,
 * never fails on figures: exit 1 only when the harness fails, 2 on a bad flag.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TotalsPart, TotalsResponse } from '../../shared/protocol.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import type { BoardProgress, BoardReport } from './gala-board.js';
import { progressBar, type Progress } from '../../shared/cli/progress.js';
import { GIVE_UP_MS, readGalaFlags, type GalaFlags } from './gala-flags.js';
import { GalaClock, secondLags, secondQuantiles } from './gala-lag.js';
import { galaTable, ingestChecks, mergeSenders, totalsChecks, type GalaResult } from './gala-report.js';
import type { SenderInit, SenderProgress, SenderResult } from './gala-sender.js';
import { bodyLimits, writeSegment, type SegmentIndex } from './gala-segment.js';
import { GALA_TOKEN, GalaServer } from './gala-server.js';
import { ThreadSampler } from './gala-threads.js';
import { ask, killAll, machine, machineBusy, readProc, startNode } from './proc.js';
import { Sampler } from './sampler.js';
import { addCounts, round, sum } from './stats.js';

const log = (s: string) => process.stderr.write(`bench:gala: ${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const hhmmss = (s: number) => new Date(s * 1000).toISOString().slice(11, 19);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Share of answered bodies a sender posts a second time, as the simulator does. */
const RESEND_SHARE = 0.005;
/** Environment variables of the server's limits and tuning worth recording with the figures. */
const SERVER_KNOBS = /^(MAX_|UV_THREADPOOL_SIZE$|TICK_MS$|RECONCILE_MS$|NODE_OPTIONS$|REQUEST_TIMEOUT_MS$)/;
/** After the last body is answered, how long the board may stand still before the run stops waiting. */
const BOARD_QUIET_MS = 30_000;

let tmp: string | null = null;
let keep = false;
function cleanup(): void {
  killAll();
  if (tmp && !keep) rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress.done();
    log(`stopped by ${signal}`);
    cleanup();
    process.exit(130);
  });
}
process.once('exit', cleanup);

/** The progress bar of the current phase (generating, sending), on a terminal only. */
const progress = {
  bar: null as Progress | null,
  draw(f: number, text: string): void {
    this.bar ??= progressBar('bench:gala', 1000);
    this.bar.update(Math.round(Math.min(1, f) * 1000), text);
  },
  done(): void {
    this.bar?.done();
    this.bar = null;
  },
};

async function getTotals(url: string): Promise<TotalsResponse | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) {
      log(`GET ${url.replace(/^http:\/\/[^/]+/, '')} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      return null;
    }
    return (await res.json()) as TotalsResponse;
  } catch (err) {
    log(`GET ${url} failed: ${(err as Error).message}`);
    return null;
  }
}

async function generate(f: GalaFlags, dir: string): Promise<SegmentIndex> {
  log(`generating ${f.year} ${hhmmss(f.from)}-${hhmmss(f.to)} at scale ${f.scale} (seed ${f.seed}) into ${dir}`);
  const index = await writeSegment({
    ...f,
    file: join(dir, 'segment.ndjson'),
    indexFile: join(dir, 'index.json'),
    limits: bodyLimits(),
    onProgress: (s, lines) => progress.draw((s + 1 - f.from) / (f.to - f.from), `${hhmmss(s)} ${fmt(lines)} lines`),
  });
  progress.done();
  const e = index.expected;
  log(
    `${fmt(e.lines)} lines (${fmt(e.sales)} sales, ${fmt(e.refunds)} refunds), ${fmt(index.bytes / 2 ** 20)} MB ` +
      `in ${index.generateS.toFixed(1)} s`,
  );
  return index;
}

async function main(): Promise<void> {
  const f = readGalaFlags();
  keep = f.keepData;
  const date = new Date();
  const notes: string[] = [];
  const idleBusy = await machineBusy(1000);
  if (idleBusy > 15) {
    log(`the machine is already ${idleBusy.toFixed(0)}% busy: figures will be low`);
    notes.push(`before the run the machine was ${idleBusy.toFixed(0)}% busy with other work`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'gmv-gala-'));
  const index = await generate(f, tmp);
  const bodies = sum(index.seconds.map((s) => s.batches.length));
  const expected = index.expected;

  const show = resolveShow(DEFAULT_SHOWS.find((s) => s.id === String(f.year))!);
  const server = new GalaServer(join(tmp, 'data'), show.id);
  await server.start();
  log(`server ready at ${server.url} (pid ${server.pid})`);

  const board = startNode('scripts/bench/gala-board.ts', [JSON.stringify({ url: server.url })]);
  const boardReady = await Promise.race([
    ask<{ gross: TotalsPart }>(board.proc, {}, 'ready', 60_000),
    server.exited,
  ]).catch((err: Error) => {
    throw new Error(`the board client did not get a snapshot: ${err.message}\n${board.output()}`);
  });
  const baseline = boardReady.gross.orders;
  if (baseline !== 0) notes.push(`the board started at ${baseline} orders, not 0`);
  let boardOrders = baseline;
  let boardChangedAt = Date.now();
  board.proc.on('message', (m: BoardProgress) => {
    if (m?.type !== 'progress') return;
    boardOrders = m.orders;
    boardChangedAt = Date.now();
  });

  const senders = Array.from({ length: f.senders }, (_, id) => {
    const init: SenderInit = {
      id,
      senders: f.senders,
      url: server.url,
      token: GALA_TOKEN,
      indexFile: join(tmp!, 'index.json'),
      seed: f.seed,
      speed: f.speed,
      inFlight: f.inFlight,
      resendShare: RESEND_SHARE,
    };
    return startNode('scripts/bench/gala-sender.ts', [JSON.stringify(init)]);
  });
  await Promise.all(senders.map((s) => ask(s.proc, {}, 'ready', 60_000)));
  const sent = new Map<number, SenderProgress>();
  for (const s of senders) {
    s.proc.on('message', (m: SenderProgress) => {
      if (m?.type === 'progress') sent.set(m.id, m);
    });
  }

  const sampler = new Sampler(
    {
      server: [{ pid: server.pid }],
      server_js_thread: [{ pid: server.pid, tid: server.pid }],
      senders: senders.map((s) => ({ pid: s.proc.pid! })),
      board: [{ pid: board.proc.pid! }],
      bench: [{ pid: process.pid }],
    },
    new Set(['server_js_thread']),
  );
  const threads = new ThreadSampler(server.pid);
  const clock = new GalaClock(Date.now() + 1000, f.from, f.speed);
  const lastEnd = clock.secondEnd(f.to - 1);
  const timeoutMs = lastEnd - Date.now() + GIVE_UP_MS + 5 * 60_000;
  log(
    `sending ${fmt(expected.lines)} lines in ${fmt(bodies)} bodies over ${round((f.to - f.from) / f.speed)} s ` +
      `(${f.senders} senders x ${f.inFlight} in flight)`,
  );
  const done = senders.map((s) =>
    ask<SenderResult>(s.proc, { type: 'go', wallStartMs: clock.wallStartMs }, 'done', timeoutMs),
  );
  await sleep(clock.wallStartMs - Date.now());
  sampler.start();
  threads.start();
  const total = baseline + expected.sales;
  const ticker = setInterval(() => {
    const showNow = Math.min(f.to, f.from + ((Date.now() - clock.wallStartMs) / 1000) * f.speed);
    const p = [...sent.values()];
    progress.draw(
      (showNow - f.from) / (f.to - f.from),
      `${hhmmss(showNow)} bodies ${fmt(sum(p.map((x) => x.answered)))}/${fmt(bodies)}, ` +
        `board ${fmt(boardOrders - baseline)}/${fmt(expected.sales)}, retries ${fmt(sum(p.map((x) => x.retries)))}`,
    );
  }, 250);
  const results = await Promise.race([Promise.all(done), server.exited]);
  const harness = results.find((r) => r.firstError?.startsWith('sender '));
  if (harness) throw new Error(harness.firstError!);

  // The board catches up, or stands still for BOARD_QUIET_MS (orders lost, or stuck).
  const answeredAllAt = Date.now();
  while (boardOrders < total && Date.now() - Math.max(boardChangedAt, answeredAllAt) < BOARD_QUIET_MS) {
    await sleep(100);
  }
  const endAt = Date.now();
  const usage = sampler.stop();
  const threadReport = threads.stop();
  clearInterval(ticker);
  progress.done();
  // A little longer: a board that goes past the generated count would show it now.
  await sleep(1500);
  const boardReport = await ask<BoardReport>(board.proc, { type: 'report' }, 'report', 30_000);
  const live = await getTotals(`${server.url}/api/v1/totals`);
  const atIso = new Date(show.endMs + show.graceSeconds * 1000 - 1).toISOString();
  const stored = await getTotals(`${server.url}/api/v1/totals?at=${encodeURIComponent(atIso)}`);
  const rssEndMb = readProc(server.pid)?.rssMb ?? NaN;
  board.proc.send({ type: 'exit' });
  for (const s of senders) s.proc.send({ type: 'exit' });
  await server.stop();

  // Per send-second: when its last body was answered 200 (the latest over the senders).
  const answered = new Map<number, number | null>();
  for (const r of results) {
    for (const [s, at] of r.answeredAt) {
      const prev = answered.get(s);
      answered.set(s, at === null || prev === null ? null : Math.max(prev ?? 0, at));
    }
  }
  for (const sec of index.seconds) if (!answered.has(sec.s)) answered.set(sec.s, clock.secondEnd(sec.s));
  const seconds = secondLags(clock, index.seconds, boardReport.changes, baseline, answered);
  const reached = boardReport.changes.find(([, orders]) => orders >= total);
  const flushesIn = server.flushLines.filter((x) => x.atMs >= clock.wallStartMs && x.atMs <= endAt);

  const senderTotals = mergeSenders(results, f.inFlight);
  const checks = [
    ...totalsChecks('board', expected, boardReport.gross, boardReport.net),
    ...totalsChecks('GET /api/v1/totals', expected, live?.gross ?? null, live?.net ?? null),
    ...totalsChecks('store (totals ?at= show end)', expected, stored?.gross ?? null, stored?.net ?? null),
    ...ingestChecks(expected, senderTotals),
  ];
  const peak = index.seconds.reduce((a, s) => (s.sales > a.sales ? s : a), index.seconds[0]!);
  if (usage.otherCpuPercent > 20) {
    notes.push(`other processes used ${usage.otherCpuPercent}% of a core during the run: a shared machine`);
  }
  notes.push(
    'a body is sent at the end of its slice (when an upstream has all of its orders); late events and refunds ' +
      'carried into a second go in its first slice',
  );

  const result: GalaResult = {
    date: date.toISOString(),
    params: {
      year: f.year,
      scale: f.scale,
      from: hhmmss(f.from),
      to: hhmmss(f.to),
      speed: f.speed,
      seed: f.seed,
      senders: f.senders,
      batch_ms: f.batchMs,
      in_flight_per_sender: f.inFlight,
      resend_share: RESEND_SHARE,
      body_limits: index.limits,
      server_env: {
        SHOW_CLOCK: 'events',
        LOG_LEVEL: 'debug',
        RATE_LIMIT_INGEST_PER_MIN: 10_000_000,
        // Server settings passed in the bench's environment (the rest are the server's defaults).
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => SERVER_KNOBS.test(k))),
      },
    },
    machine: machine(),
    segment: {
      lines: expected.lines,
      sales: expected.sales,
      refunds: expected.refunds,
      invalid: expected.invalid,
      gross_gmv: checks[1]!.expected as string,
      bytes: index.bytes,
      bodies,
      peak_second: { s: peak.s, sales: peak.sales },
      generate_s: round(index.generateS),
    },
    run: {
      send_s: round((lastEnd - clock.wallStartMs) / 1000, 2),
      drain_s: reached ? round((reached[0] - lastEnd) / 1000, 2) : null,
      board_caught_up: reached !== undefined,
    },
    lag_ms: secondQuantiles(seconds.map((s) => s.lagMs)),
    accept_lag_ms: secondQuantiles(seconds.map((s) => s.acceptLagMs)),
    senders: senderTotals,
    board: {
      snapshots: boardReport.snapshots,
      ticks: boardReport.ticks,
      seq_gaps: boardReport.seqGaps,
      resyncs: boardReport.resyncs,
      disconnects: boardReport.disconnects,
      tick_lag_ms: boardReport.tickLagMs,
      commit_to_screen_ms: boardReport.commitToScreenMs,
      first_error: boardReport.firstError,
    },
    server: {
      cpu_percent: usage.cpuPercent.server ?? NaN,
      js_thread_cpu_percent: usage.cpuPercent.server_js_thread ?? NaN,
      rss_mb_max: usage.rssMbMax.server ?? NaN,
      rss_mb_end: round(rssEndMb),
      threads: threadReport.groups,
      threads_unattributed_cpu_percent: threadReport.unattributedCpuPercent,
      machine_cpu_percent: usage.machineCpuPercent,
      other_processes_cpu_percent: usage.otherCpuPercent,
      machine_busy_before_percent: round(idleBusy),
      writer: server.window(clock.wallStartMs, endAt),
      flush_triggers: flushesIn.reduce<Record<string, number>>(
        (a, x) => addCounts(a, { [x.trigger ?? '(none)']: 1 }),
        {},
      ),
      log: server.log,
    },
    clients: {
      cpu_percent: {
        senders: usage.cpuPercent.senders ?? NaN,
        board: usage.cpuPercent.board ?? NaN,
        bench: usage.cpuPercent.bench ?? NaN,
      },
      rss_mb_max: { senders: usage.rssMbMax.senders ?? NaN, board: usage.rssMbMax.board ?? NaN },
    },
    exact: checks.every((c) => c.ok),
    checks,
    series: {
      seconds,
      server: threadReport.series,
      flushes: flushesIn.map((x) => [x.atMs - clock.wallStartMs, x.rows, x.ms, x.trigger]),
    },
    notes,
  };

  mkdirSync(f.out, { recursive: true });
  const json = JSON.stringify(result, null, 2) + '\n';
  const stamp = date.toISOString().slice(0, 19).replace(/:/g, '-');
  writeFileSync(join(f.out, 'gala-latest.json'), json);
  writeFileSync(join(f.out, `gala-${stamp}.json`), json);
  console.log(galaTable(result));
  if (keep) log(`kept ${tmp} (segment.ndjson, index.json, data/)`);
  const lag = result.lag_ms;
  console.log(
    `bench:gala: ${fmt(expected.sales)} sales over ${result.run.send_s} s (x${f.speed}): lag p50 ${lag.p50} ` +
      `p99 ${lag.p99} max ${lag.max} ms, ${fmt(senderTotals.retries)} retries, ` +
      `${result.exact ? 'exact' : 'NOT EXACT'}; wrote ${join(f.out, 'gala-latest.json')} and gala-${stamp}.json`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    progress.done();
    console.error(`bench:gala: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
