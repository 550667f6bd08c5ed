/**
 * One load process: pre-made NDJSON bodies posted to the server in the order
 * they were made (their event times move forward, see payload.ts), either closed
 * loop (K requests always in flight) or open loop (a body every interval, whether
 * or not earlier ones were answered). Driven by run.ts over IPC.
 */
import { Agent } from 'node:http';
import { Payloads } from './payload.js';
import { bookAccepted, postOrders, type Answer, type Poster } from './post.js';

export interface LoadInit {
  url: string;
  token: string;
  seed: number;
  batch: number;
  /** Distinguishes this process's order ids from every other's. */
  id: string;
}

export type LoadCommand =
  | { type: 'prepare'; tag: string; bodies: number }
  | { type: 'closed'; concurrency: number; durationMs: number }
  | { type: 'open'; ordersPerS: number; durationMs: number; maxInFlight: number }
  | { type: 'exit' };

export interface LoadResult {
  type: 'result';
  /** Bodies sent, by HTTP status ("error" for no answer). */
  statuses: Record<string, number>;
  /** 503/429 answers without a Retry-After header. */
  missingRetryAfter: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Per answered 200: [ms from the run start to the send, request duration ms, orders accepted]. */
  latencies: [number, number, number][];
  /** Open loop: sends that were due but skipped (no body left or too many in flight). */
  skipped: number;
  /** Wall-clock epoch ms of the run's start and of its last answer. */
  startedAtMs: number;
  lastAnswerAtMs: number;
  firstError: string | null;
}

const init = JSON.parse(process.argv[2] ?? '{}') as LoadInit;
const payloads = new Payloads(init.seed, init.batch);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const poster: Poster = { target: new URL('/api/v1/orders', init.url), agent, token: init.token, timeoutMs: 60_000 };
let pool: Buffer[] = [];

function newResult(): LoadResult {
  return {
    type: 'result',
    statuses: {},
    missingRetryAfter: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    latencies: [],
    skipped: 0,
    startedAtMs: Date.now(),
    lastAnswerAtMs: Date.now(),
    firstError: null,
  };
}

/** Sends one body and books the answer. A shed body was not stored, so it goes back to the pool. */
async function send(body: Buffer, r: LoadResult, t0: number): Promise<Answer['status']> {
  const sentAt = performance.now();
  const a = await postOrders(poster, body);
  const ms = performance.now() - sentAt;
  r.lastAnswerAtMs = Date.now();
  r.statuses[String(a.status)] = (r.statuses[String(a.status)] ?? 0) + 1;
  if (a.status === 200) {
    const accepted = bookAccepted(r, a.body);
    if (accepted !== null) r.latencies.push([Math.round(sentAt - t0), Math.round(ms * 10) / 10, accepted]);
  } else if (a.status === 503 || a.status === 429) {
    if (a.retryAfter === null) r.missingRetryAfter++;
    pool.push(body);
  } else {
    r.firstError ??= a.error ?? `${a.status}: ${a.body.slice(0, 200)}`;
  }
  return a.status;
}

async function closedLoop(concurrency: number, durationMs: number): Promise<LoadResult> {
  const r = newResult();
  const t0 = performance.now();
  const lane = async () => {
    while (performance.now() - t0 < durationMs) {
      // Oldest first: the bodies' event times move forward through the pool.
      const body = pool.shift();
      if (!body) {
        r.skipped++;
        return;
      }
      const status = await send(body, r, t0);
      // A closed-loop client backs off as told (Retry-After is 1 s) instead of spinning on 503s.
      if (status === 503 || status === 429) await new Promise((res) => setTimeout(res, 1000));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return r;
}

async function openLoop(ordersPerS: number, durationMs: number, maxInFlight: number): Promise<LoadResult> {
  const r = newResult();
  const intervalMs = (init.batch / ordersPerS) * 1000;
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let k = 0; k * intervalMs < durationMs; k++) {
    const wait = t0 + k * intervalMs - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const body = inFlight.size < maxInFlight ? pool.shift() : undefined;
    if (!body) {
      r.skipped++;
      continue;
    }
    const p = send(body, r, t0).then(() => void inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return r;
}

process.on('message', (cmd: LoadCommand) => {
  void (async () => {
    if (cmd.type === 'prepare') {
      pool = payloads.bodies(`${init.id}${cmd.tag}`, cmd.bodies).map((b) => Buffer.from(b));
      process.send!({ type: 'prepared', bodies: pool.length });
    } else if (cmd.type === 'closed') {
      process.send!(await closedLoop(cmd.concurrency, cmd.durationMs));
    } else if (cmd.type === 'open') {
      process.send!(await openLoop(cmd.ordersPerS, cmd.durationMs, cmd.maxInFlight));
    } else {
      agent.destroy();
      process.exit(0);
    }
  })();
});
process.on('disconnect', () => process.exit(0));
