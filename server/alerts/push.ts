import type { FastifyBaseLogger as Logger } from 'fastify';
import webpush from 'web-push';
import type { PushMessage } from '../../shared/web-push.js';
import type { AlertType } from '../../shared/webhooks.js';
import type { WebPushConfig } from '../config.js';
import type { StoreHandle } from '../store/client.js';
import { readPushSubscriptions, writePushSubscription, type PushSubscriptionRow } from '../store/push.js';
import { Telemetry } from '../telemetry.js';
import { alertBody, chatText, type AlertEvent, type JsonAlert, type Verdict } from './payloads.js';
import { answer, DEFAULT_DEPS, DeliveryQueue, type QueueTarget, type WebhookDeps } from './webhooks.js';

/** The metric's `hook` label of every push delivery (one label for all devices: the set stays small). */
export const WEB_PUSH_HOOK = 'web-push';
/** Messages waiting per device; past it the oldest waiting one is dropped. A show has a handful of alerts. */
export const MAX_QUEUED_PER_DEVICE = 50;
/** How long a push service keeps a message for a device that is offline, seconds: later it is old news. */
export const PUSH_TTL_SECONDS = 3600;
/** One attempt waits this long for the push service's answer. */
const TIMEOUT_MS = 10_000;

/** The message of an alert, as the service worker receives it (shared/web-push.ts). */
export function pushMessage(e: AlertEvent, sentAtMs: number): PushMessage {
  const { title, lines } = chatText(e, (s) => s);
  const json = alertBody('json', e, sentAtMs) as JsonAlert;
  return { ...json, title, body: lines.join('\n'), url: '/exec' };
}

/**
 * One device's messages: the queue, order and retries of the webhooks (DeliveryQueue); each attempt
 * encrypts the alert to the device's keys (RFC 8291, aes128gcm) and signs the request with our VAPID
 * key (RFC 8292). The push service answering 404 or 410 means the device is gone: not retried, and
 * the subscription is removed.
 */
class PushQueue extends DeliveryQueue {
  protected readonly what = 'web push';

  constructor(
    target: QueueTarget,
    log: Logger,
    tell: ConstructorParameters<typeof DeliveryQueue>[2],
    deps: WebhookDeps,
    readonly sub: PushSubscriptionRow,
    private readonly vapid: { subject: string; publicKey: string; privateKey: string },
    private readonly gone: (endpoint: string) => void,
  ) {
    super(target, log, tell, deps);
  }

  protected async deliver(event: AlertEvent, now: number, signal: AbortSignal): Promise<Verdict> {
    const { endpoint, p256dh, auth } = this.sub;
    const details = webpush.generateRequestDetails(
      { endpoint, keys: { p256dh, auth } },
      JSON.stringify(pushMessage(event, now)),
      { vapidDetails: this.vapid, TTL: PUSH_TTL_SECONDS, urgency: 'high', contentEncoding: 'aes128gcm' },
    );
    const headers: Record<string, string> = {};
    // fetch sets the length of the body itself.
    for (const [k, v] of Object.entries(details.headers))
      if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    const res = await fetch(details.endpoint, {
      method: 'POST',
      headers,
      body: new Uint8Array(details.body),
      redirect: 'manual',
      signal,
    });
    await answer(res);
    if (res.status === 404 || res.status === 410) {
      this.gone(endpoint);
      return { outcome: 'fail', reason: `HTTP ${res.status}: the subscription is gone` };
    }
    if (res.status === 429 || res.status >= 500) return { outcome: 'retry', reason: `HTTP ${res.status}` };
    if (res.status < 200 || res.status >= 300) return { outcome: 'fail', reason: `HTTP ${res.status}` };
    return { outcome: 'ok' };
  }
}

/**
 * Web Push to the devices subscribed on /exec. The subscriptions live in ClickHouse
 * (push_subscriptions), so they outlive the process and every live node reads the same ones: each
 * alert reads them again (a show has a handful of alerts) and hands the alert to each device's queue.
 * Subscribing, leaving, removals and sends run one after another, so an alert sees every change made
 * before it. `send` returns at once: nothing here reaches back into the live path.
 */
export class WebPush {
  private readonly queues = new Map<string, PushQueue>();
  private devices: PushSubscriptionRow[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly deps: WebhookDeps;
  private readonly target: QueueTarget;

  constructor(
    readonly config: WebPushConfig,
    private readonly store: StoreHandle,
    private readonly log: Logger,
    private readonly telemetry: Telemetry = new Telemetry(),
    deps: Partial<WebhookDeps> = {},
  ) {
    this.deps = { ...DEFAULT_DEPS, maxQueued: MAX_QUEUED_PER_DEVICE, ...deps };
    this.target = { name: WEB_PUSH_HOOK, timeoutMs: TIMEOUT_MS, retry: config.retry };
  }

  wants(type: AlertType): boolean {
    return this.config.events.includes(type);
  }

  /** Devices subscribed, as last read. */
  get count(): number {
    return this.devices.length;
  }

  /** Hands the alert to every subscribed device (read again first); returns at once. */
  send(event: AlertEvent): void {
    if (this.closed || !this.wants(event.type)) return;
    void this.serially(async () => {
      await this.refresh();
      for (const q of this.queues.values()) q.push(event);
    });
  }

  /** Reads the subscriptions: the queues follow (a new device gets one, a device gone loses its). */
  async refresh(): Promise<void> {
    try {
      this.devices = await readPushSubscriptions(this.store, this.config.maxSubscriptions);
    } catch (err) {
      // The last list read serves: an alert still reaches the devices known.
      this.log.error({ err }, 'web push: subscriptions not read; sending to the ones known');
      return;
    }
    if (this.closed) return;
    const now = new Set(this.devices.map((d) => d.endpoint));
    for (const [endpoint, q] of this.queues) {
      if (!now.has(endpoint)) {
        q.close();
        this.queues.delete(endpoint);
      }
    }
    for (const d of this.devices) {
      const q = this.queues.get(d.endpoint);
      if (q !== undefined && q.sub.p256dh === d.p256dh && q.sub.auth === d.auth) continue;
      // New keys for an endpoint (subscribed again): messages already queued were encrypted for no one.
      q?.close();
      this.queues.set(d.endpoint, this.queue(d));
    }
  }

  /** Subscribes a device (again: its keys are replaced). Refused when the limit is reached by others. */
  subscribe(sub: PushSubscriptionRow): Promise<'created' | 'updated' | 'full'> {
    return this.serially(async () => {
      await this.refresh();
      const known = this.devices.some((d) => d.endpoint === sub.endpoint);
      if (!known && this.devices.length >= this.config.maxSubscriptions) return 'full';
      await writePushSubscription(this.store, sub, false);
      await this.refresh();
      this.log.info({ service: new URL(sub.endpoint).origin, devices: this.devices.length }, 'web push: subscribed');
      return known ? 'updated' : 'created';
    });
  }

  /** Forgets a device; false when it was not subscribed. */
  unsubscribe(endpoint: string, why = 'left'): Promise<boolean> {
    return this.serially(async () => {
      await this.refresh();
      const d = this.devices.find((x) => x.endpoint === endpoint);
      if (d === undefined) return false;
      await writePushSubscription(this.store, d, true);
      await this.refresh();
      this.log.info({ service: new URL(endpoint).origin, why, devices: this.devices.length }, 'web push: removed');
      return true;
    });
  }

  /** Deliveries not finished, over every device. */
  get backlog(): number {
    return [...this.queues.values()].reduce((n, q) => n + q.backlog, 0);
  }

  /** Retries waiting on a timer, over every device (0 once closed). */
  get scheduled(): number {
    return [...this.queues.values()].reduce((n, q) => n + q.scheduled, 0);
  }

  /** Requests under way (0 soon after closing). */
  get sending(): number {
    return [...this.queues.values()].reduce((n, q) => n + q.sending, 0);
  }

  /** Stops every delivery: attempts in flight aborted, no retry left scheduled. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) q.close();
    this.queues.clear();
  }

  private queue(d: PushSubscriptionRow): PushQueue {
    const { subject, publicKey, privateKey } = this.config;
    return new PushQueue(
      this.target,
      this.log,
      (outcome) => this.telemetry.emit('webhook', { hook: WEB_PUSH_HOOK, outcome }),
      this.deps,
      d,
      { subject, publicKey, privateKey },
      (endpoint) => {
        // The push service says the device is gone: removed (after this attempt is told), never retried.
        void this.unsubscribe(endpoint, 'gone').catch((err: unknown) => {
          this.log.error({ err }, 'web push: a gone subscription not removed');
        });
      },
    );
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const done = this.chain.then(run, run);
    this.chain = done.catch(() => {});
    return done;
  }
}
