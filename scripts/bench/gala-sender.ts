/**
 * One gala sender process: posts its share of the segment's bodies (every
 * `senders`-th one) as NDJSON when each one's send time comes round, with up to
 * `inFlight` requests outstanding, retrying 429/503 after Retry-After and network
 * errors with back-off, as a real upstream would. Now and then (seeded) it sends
 * an answered body again, so the server's dedup is exercised. Driven by gala.ts
 * over IPC: `ready` after loading, `go` with the wall start, `done` at the end.
 */
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { mixSeed, mulberry32 } from '../../shared/sim/random.js';
import { GIVE_UP_MS } from './gala-flags.js';
import { GalaClock, batchSendTime } from './gala-lag.js';
import type { SegmentIndex } from './gala-segment.js';
import { bookAccepted, postOrders, type Poster } from './post.js';

export interface SenderInit {
  id: number;
  senders: number;
  url: string;
  token: string;
  indexFile: string;
  seed: number;
  speed: number;
  inFlight: number;
  /** Share of answered bodies sent a second time. */
  resendShare: number;
}

export type SenderCommand = { type: 'go'; wallStartMs: number } | { type: 'exit' };

export interface SenderProgress {
  type: 'progress';
  id: number;
  bodies: number;
  answered: number;
  accepted: number;
  retries: number;
}

export interface SenderResult {
  type: 'done';
  id: number;
  bodies: number;
  lines: number;
  /** Every answer by HTTP status ("error": no answer), retries and resends included. */
  statuses: Record<string, number>;
  retries: number;
  /** The first answer of each retried kind ("503", "error"): its body or error message, shortened. */
  retryReasons: Record<string, string>;
  /** 429/503 answers without a Retry-After header. */
  missingRetryAfter: number;
  resends: number;
  resentLines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Bodies given up on (an answer other than 200/429/503, or too many retries). */
  failed: number;
  failedLines: number;
  firstError: string | null;
  /** Per body: how late its first send left after its due time (queued behind requests in flight), ms. */
  sendLateMs: number[];
  /** Per body answered 200: first send to that answer, retries included, ms. */
  sendToAcceptMs: number[];
  /** Per send-second of its bodies: wall ms of the last 200 (null when a body never got one). */
  answeredAt: [second: number, atMs: number | null][];
}

const init = JSON.parse(process.argv[2] ?? '{}') as SenderInit;
const index = JSON.parse(readFileSync(init.indexFile, 'utf8')) as SegmentIndex;
const agent = new Agent({ keepAlive: true, maxSockets: init.inFlight + 2 });
const poster: Poster = { target: new URL('/api/v1/orders', init.url), agent, token: init.token, timeoutMs: 120_000 };
const rand = mulberry32(mixSeed(init.seed, 0x5e4d + init.id));

interface Body {
  second: number;
  due: number;
  start: number;
  end: number;
  lines: number;
}

/** This sender's bodies in send order: the n-th body of the segment goes to sender n % senders. */
function myBodies(clock: GalaClock): Body[] {
  const out: Body[] = [];
  let n = 0;
  for (const sec of index.seconds) {
    for (const [slice, start, end, lines] of sec.batches) {
      if (n++ % init.senders !== init.id) continue;
      out.push({ second: sec.s, due: clock.wallAt(batchSendTime(sec.s, slice, index.batchMs)), start, end, lines });
    }
  }
  return out;
}

const r: SenderResult = {
  type: 'done',
  id: init.id,
  bodies: 0,
  lines: 0,
  statuses: {},
  retries: 0,
  retryReasons: {},
  missingRetryAfter: 0,
  resends: 0,
  resentLines: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  failed: 0,
  failedLines: 0,
  firstError: null,
  sendLateMs: [],
  sendToAcceptMs: [],
  answeredAt: [],
};
const answered = new Map<number, number | null>();

const sleep = (ms: number) => new Promise((res) => setTimeout(res, Math.max(0, ms)));

/** Posts one body until it is answered 200 (true) or given up (false). */
async function deliver(buf: Buffer, lines: number): Promise<boolean> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let attempt = 1; ; attempt++) {
    const a = await postOrders(poster, buf);
    const key = String(a.status);
    r.statuses[key] = (r.statuses[key] ?? 0) + 1;
    if (a.status === 200) {
      bookAccepted(r, a.body);
      return true;
    }
    const retriable = a.status === 429 || a.status === 503 || a.status === 'error';
    if (!retriable || Date.now() > giveUpAt) {
      r.firstError ??= a.error ?? `${a.status}: ${a.body.slice(0, 200)}`;
      r.failed++;
      r.failedLines += lines;
      return false;
    }
    r.retries++;
    r.retryReasons[key] ??= (a.error ?? a.body).slice(0, 200);
    if (a.status === 'error') await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
    else {
      const retryAfterS = a.retryAfter === null || !Number.isFinite(Number(a.retryAfter)) ? null : Number(a.retryAfter);
      if (retryAfterS === null) r.missingRetryAfter++;
      await sleep((retryAfterS ?? 1) * 1000);
    }
  }
}

async function run(wallStartMs: number): Promise<void> {
  const clock = new GalaClock(wallStartMs, index.from, init.speed);
  const bodies = myBodies(clock);
  for (const b of bodies) if (!answered.has(b.second)) answered.set(b.second, 0);
  const fh = await open(index.file, 'r');
  const inFlight = new Set<Promise<void>>();
  const progress = setInterval(() => {
    const p: SenderProgress = {
      type: 'progress',
      id: init.id,
      bodies: r.bodies,
      answered: r.bodies - inFlight.size,
      accepted: r.accepted,
      retries: r.retries,
    };
    process.send!(p);
  }, 500);
  try {
    for (const b of bodies) {
      // Read ahead of the due time: the file is page cache, a body is a few MB at most.
      const buf = Buffer.allocUnsafe(b.end - b.start);
      const { bytesRead } = await fh.read(buf, 0, buf.length, b.start);
      if (bytesRead !== buf.length) throw new Error(`short read at ${b.start}: ${bytesRead} of ${buf.length}`);
      await sleep(b.due - Date.now());
      while (inFlight.size >= init.inFlight) await Promise.race(inFlight);
      const sentAt = Date.now();
      r.sendLateMs.push(Math.round(sentAt - b.due));
      r.bodies++;
      r.lines += b.lines;
      const p: Promise<void> = (async () => {
        const ok = await deliver(buf, b.lines);
        const at = Date.now();
        if (ok) r.sendToAcceptMs.push(at - sentAt);
        const prev = answered.get(b.second);
        answered.set(b.second, !ok || prev === null ? null : Math.max(prev ?? 0, at));
        // A client that did not see an answer sends the same body again: the server must count it once.
        if (ok && rand() < init.resendShare) {
          r.resends++;
          r.resentLines += b.lines;
          await deliver(buf, b.lines);
        }
      })().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(progress);
    await fh.close();
  }
  r.answeredAt = [...answered];
  process.send!(r);
}

process.on('message', (cmd: SenderCommand) => {
  if (cmd.type === 'go') {
    run(cmd.wallStartMs).catch((err: unknown) => {
      r.firstError = `sender ${init.id}: ${err instanceof Error ? err.message : String(err)}`;
      process.send!({ ...r, type: 'done' }, () => process.exit(1));
    });
  } else {
    agent.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', id: init.id });
