import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Hook, RetryPolicy } from '../../shared/webhooks.js';
import { Telemetry, type WebhookEvent } from '../telemetry.js';
import {
  alertBody,
  backoffMs,
  dingtalkSignedUrl,
  judge,
  signatureHeader,
  type AlertEvent,
  type Verdict,
} from './payloads.js';

/** Most deliveries waiting per hook; past it the oldest waiting one is dropped (and counted). */
export const MAX_QUEUED_PER_HOOK = 1000;
/** Most bytes of an answer read (DingTalk and WeCom say in it whether they took the message). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** One event on its way to one target. */
interface Delivery {
  event: AlertEvent;
  /** Attempts made so far. */
  attempts: number;
}

/** Clock, randomness and the queue bound, replaceable in tests. */
export interface WebhookDeps {
  now: () => number;
  random: () => number;
  /** Most deliveries waiting per hook (MAX_QUEUED_PER_HOOK). */
  maxQueued: number;
}

export const DEFAULT_DEPS: WebhookDeps = { now: Date.now, random: Math.random, maxQueued: MAX_QUEUED_PER_HOOK };

/** What a queue needs of where it delivers: a name (logs, the metric's `hook` label), a timeout and retries. */
export interface QueueTarget {
  name: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

/**
 * One target's deliveries, one at a time and in order: a bounded queue, an attempt with a timeout, and
 * retries with exponential backoff and jitter. Closing aborts the attempt in flight and clears the
 * timer of the next one: nothing is left running. A subclass says how one attempt is made (`deliver`):
 * a webhook's POST here, a Web Push message in push.ts.
 */
export abstract class DeliveryQueue<T extends QueueTarget = QueueTarget> {
  private readonly waiting: Delivery[] = [];
  private current: Delivery | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private closed = false;
  private readonly stop = new AbortController();
  /** In log lines: "<what> delivered". */
  protected abstract readonly what: string;

  constructor(
    readonly hook: T,
    protected readonly log: Logger,
    private readonly tell: (outcome: WebhookEvent['outcome']) => void,
    private readonly deps: WebhookDeps,
  ) {}

  /** One attempt; a throw (network, timeout through `signal`) is retried. */
  protected abstract deliver(event: AlertEvent, now: number, signal: AbortSignal): Promise<Verdict>;

  push(event: AlertEvent): void {
    if (this.closed) return;
    if (this.waiting.length >= this.deps.maxQueued) {
      const dropped = this.waiting.shift()!;
      this.tell('dropped');
      this.log.warn({ hook: this.hook.name, id: dropped.event.id }, `${this.what} queue full: oldest alert dropped`);
    }
    this.waiting.push({ event, attempts: 0 });
    this.next();
  }

  /** Deliveries not finished: waiting, in flight or waiting for a retry. */
  get backlog(): number {
    return this.waiting.length + (this.current === null ? 0 : 1);
  }

  /** Retries waiting on a timer (0 once closed). */
  get scheduled(): number {
    return this.timer === null ? 0 : 1;
  }

  /** Requests under way (0 soon after closing: the close aborts them). */
  get sending(): number {
    return this.inFlight ? 1 : 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stop.abort();
    // Not delivered: dropped, the one under way included.
    for (let i = this.backlog; i > 0; i--) this.tell('dropped');
    this.waiting.length = 0;
    this.current = null;
  }

  private next(): void {
    if (this.closed || this.current !== null) return;
    const d = this.waiting.shift();
    if (d === undefined) return;
    this.current = d;
    void this.attempt(d);
  }

  private async attempt(d: Delivery): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    d.attempts++;
    const h = this.hook;
    let verdict: Verdict;
    this.inFlight = true;
    try {
      const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(h.timeoutMs)]);
      verdict = await this.deliver(d.event, this.deps.now(), signal);
    } catch (err) {
      verdict = { outcome: 'retry' as const, reason: errorReason(err) };
    } finally {
      this.inFlight = false;
    }
    if (this.closed) return;
    const where = { hook: h.name, id: d.event.id, attempt: d.attempts };
    if (verdict.outcome === 'ok') {
      this.tell('ok');
      this.log.info(where, `${this.what} delivered`);
    } else if (verdict.outcome === 'retry' && d.attempts < h.retry.attempts) {
      const wait = backoffMs(d.attempts, h.retry, this.deps.random());
      this.tell('retried');
      this.log.warn({ ...where, reason: verdict.reason, retryInMs: wait }, `${this.what} not delivered: retrying`);
      this.timer = setTimeout(() => void this.attempt(d), wait);
      return;
    } else {
      this.tell('failed');
      this.log.error({ ...where, reason: verdict.reason }, `${this.what} not delivered: given up`);
    }
    this.current = null;
    this.next();
  }
}

/** A webhook's queue: each attempt POSTs the hook's body for the event. */
class HookQueue extends DeliveryQueue<Hook> {
  protected readonly what = 'webhook';

  protected async deliver(event: AlertEvent, now: number, signal: AbortSignal): Promise<Verdict> {
    const h = this.hook;
    const body = JSON.stringify(alertBody(h.format, event, now));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'gmv-live-webhooks/1',
      'idempotency-key': event.id,
      'x-gmv-event': event.type,
    };
    if (h.format === 'json' && h.secret !== undefined)
      headers['x-gmv-signature'] = signatureHeader(h.secret, body, now);
    const url = h.format === 'dingtalk' && h.secret !== undefined ? dingtalkSignedUrl(h.url, h.secret, now) : h.url;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      // A redirect is answered as it is (3xx: given up), never followed with the signed body.
      redirect: 'manual',
      signal,
    });
    return judge(h.format, res.status, await answer(res));
  }
}

/** The answer's text, at most MAX_ANSWER_BYTES of it (the rest is not read). */
export async function answer(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    if (bytes >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(bytes, MAX_ANSWER_BYTES));
}

function errorReason(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; message?: string };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.message ?? String(err);
}

/**
 * Every configured hook's queue. `send` hands an event to each hook that wants its type and returns
 * at once: delivery runs off the live path, and nothing it does reaches back into it.
 */
export class Webhooks {
  private readonly queues: HookQueue[];

  constructor(
    hooks: readonly Hook[],
    log: Logger,
    telemetry: Telemetry = new Telemetry(),
    deps: Partial<WebhookDeps> = {},
  ) {
    const all = { ...DEFAULT_DEPS, ...deps };
    this.queues = hooks.map(
      (h) => new HookQueue(h, log, (outcome) => telemetry.emit('webhook', { hook: h.name, outcome }), all),
    );
  }

  send(event: AlertEvent): void {
    for (const q of this.queues) if (q.hook.events.includes(event.type)) q.push(event);
  }

  /** Deliveries not finished, over every hook. */
  get backlog(): number {
    return this.queues.reduce((n, q) => n + q.backlog, 0);
  }

  /** Retries waiting on a timer, over every hook (0 once closed). */
  get scheduled(): number {
    return this.queues.reduce((n, q) => n + q.scheduled, 0);
  }

  /** Requests under way, over every hook (0 soon after closing: the close aborts them). */
  get sending(): number {
    return this.queues.reduce((n, q) => n + q.sending, 0);
  }

  /** Stops every delivery: the attempts in flight are aborted, no retry is left scheduled. */
  close(): void {
    for (const q of this.queues) q.close();
  }
}
