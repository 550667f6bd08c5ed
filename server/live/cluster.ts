import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Snapshot, TotalsResponse } from '../../shared/protocol.js';
import { CLUSTER_EVENTS, type ChunkAnswer, type LiveNamespace } from '../messages.js';
import { totalsResponse } from '../wire.js';

/** The totals answer a snapshot holds (push nodes answer /api/v1/totals from it). */
export function totalsOf(s: Snapshot): TotalsResponse {
  return totalsResponse(s.show.id, s.asOfMs, s.seq, s);
}

/**
 * Live node: answers snapshot requests, at most one answer per tick interval (requests in
 * between share the next one), broadcast to every node so they all refresh their caches.
 */
export function answerSnapshotRequests(
  nsp: LiveNamespace,
  snapshot: () => Snapshot,
  tickMs: number,
  active: () => boolean = () => true,
): () => void {
  let lastAt = 0;
  let timer: NodeJS.Timeout | null = null;
  const send = () => {
    timer = null;
    // A live node that lost its lease leaves the answers to the one holding it.
    if (!active()) return;
    lastAt = Date.now();
    nsp.serverSideEmit(CLUSTER_EVENTS.snapshot, snapshot());
  };
  nsp.on(CLUSTER_EVENTS.snapshotRequest, () => {
    if (timer) return;
    const wait = lastAt + tickMs - Date.now();
    if (wait <= 0) send();
    else timer = setTimeout(send, wait);
  });
  return () => {
    if (timer) clearTimeout(timer);
  };
}

/** Counts the answers from the live node this process received, in arrival order. */
let arrivals = 0;

/**
 * Push node: the live node's snapshot, asked for on demand and kept for one tick interval, so
 * a reconnect storm costs one request. Every answer the live node broadcasts refreshes it.
 */
export class RemoteSnapshots {
  private latest: { snapshot: Snapshot; atMs: number; arrival: number } | null = null;
  private waiting: { resolve: (s: Snapshot) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private askedAt = 0;

  constructor(
    private readonly nsp: LiveNamespace,
    private readonly tickMs: number,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    nsp.on(CLUSTER_EVENTS.snapshot, (s: Snapshot) => this.receive(s));
  }

  /** Where the last answer stands among every answer this node received (see RemoteChunks), or null. */
  get lastArrival(): number | null {
    return this.latest?.arrival ?? null;
  }

  /** When the last answer arrived (ms since epoch), or null: readiness uses it. */
  get lastAnswerAtMs(): number | null {
    return this.latest?.atMs ?? null;
  }

  /** A snapshot at most one tick interval old; rejects when the live node does not answer in time. */
  get(): Promise<Snapshot> {
    const now = Date.now();
    if (this.latest && now - this.latest.atMs <= this.tickMs) return Promise.resolve(this.latest.snapshot);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w.timer !== timer);
        reject(new Error('the live node did not answer'));
      }, this.timeoutMs);
      this.waiting.push({ resolve, reject, timer });
      // One request in flight per tick interval; the answer serves everyone waiting.
      if (now - this.askedAt >= this.tickMs) {
        this.askedAt = now;
        this.nsp.serverSideEmit(CLUSTER_EVENTS.snapshotRequest);
      } else {
        setTimeout(() => this.retryIfStillWaiting(), this.tickMs);
      }
    });
  }

  private retryIfStillWaiting(): void {
    if (this.waiting.length === 0 || Date.now() - this.askedAt < this.tickMs) return;
    this.askedAt = Date.now();
    this.nsp.serverSideEmit(CLUSTER_EVENTS.snapshotRequest);
  }

  private receive(s: Snapshot): void {
    // An older answer crossing a newer one must not win.
    if (this.latest && s.seq < this.latest.snapshot.seq) return;
    this.latest = { snapshot: s, atMs: Date.now(), arrival: ++arrivals };
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.resolve(s);
    }
    if (waiting.length > 0) this.log.debug({ seq: s.seq, waiting: waiting.length }, 'snapshot from the live node');
  }

  close(): void {
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('closing'));
    }
  }
}

/**
 * Live node: answers chunk requests of push nodes, at most one answer per chunk per tick
 * interval (requests in between share the next), broadcast to every node.
 */
export function answerChunkRequests(
  nsp: LiveNamespace,
  chunk: (i: number) => { etag: string; body: string } | null,
  tickMs: number,
  active: () => boolean = () => true,
): () => void {
  const timers = new Map<number, NodeJS.Timeout>();
  const lastAt = new Map<number, number>();
  const send = (i: number) => {
    timers.delete(i);
    if (!active()) return;
    lastAt.set(i, Date.now());
    const encoded = chunk(i);
    const answer: ChunkAnswer = { chunk: i, etag: encoded?.etag ?? '', body: encoded?.body ?? null };
    nsp.serverSideEmit(CLUSTER_EVENTS.chunk, answer);
  };
  nsp.on(CLUSTER_EVENTS.chunkRequest, (i: unknown) => {
    // Chunks of a day: a few dozen at most; anything else is not a chunk.
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) > 10_000 || timers.has(i as number)) return;
    const wait = (lastAt.get(i as number) ?? 0) + tickMs - Date.now();
    if (wait <= 0) send(i as number);
    else
      timers.set(
        i as number,
        setTimeout(() => send(i as number), wait),
      );
  });
  return () => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
}

/**
 * Push node: chunks of the live node's series. A kept answer serves a board only if it came
 * after the newest snapshot this node has handed out (answers arrive in the order the live node
 * sent them), so a board never gets a chunk older than its snapshot: later changes reach it in ticks.
 */
export class RemoteChunks {
  private answers = new Map<number, { answer: ChunkAnswer; arrival: number }>();
  private waiting = new Map<number, { resolve: (a: ChunkAnswer) => void; reject: (e: Error) => void }[]>();

  constructor(
    private readonly nsp: LiveNamespace,
    private readonly snapshotArrival: () => number | null,
    private readonly timeoutMs: number,
  ) {
    nsp.on(CLUSTER_EVENTS.chunk, (a: ChunkAnswer) => this.receive(a));
  }

  get(chunk: number): Promise<ChunkAnswer> {
    const kept = this.answers.get(chunk);
    const snapshot = this.snapshotArrival();
    if (kept && snapshot !== null && kept.arrival > snapshot) return Promise.resolve(kept.answer);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(chunk) ?? [];
      if (list.length === 0) this.nsp.serverSideEmit(CLUSTER_EVENTS.chunkRequest, chunk);
      const entry = { resolve, reject };
      list.push(entry);
      this.waiting.set(chunk, list);
      setTimeout(() => {
        const now = this.waiting.get(chunk);
        if (!now?.includes(entry)) return;
        this.waiting.set(
          chunk,
          now.filter((w) => w !== entry),
        );
        reject(new Error('the live node did not answer'));
      }, this.timeoutMs).unref();
    });
  }

  private receive(a: ChunkAnswer): void {
    if (!Number.isInteger(a?.chunk)) return;
    this.answers.set(a.chunk, { answer: a, arrival: ++arrivals });
    const list = this.waiting.get(a.chunk) ?? [];
    this.waiting.delete(a.chunk);
    for (const w of list) w.resolve(a);
  }

  close(): void {
    for (const list of this.waiting.values()) for (const w of list) w.reject(new Error('closing'));
    this.waiting.clear();
  }
}
