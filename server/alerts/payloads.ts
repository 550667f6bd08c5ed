import { createHmac } from 'node:crypto';
import type { AlertType, HookFormat, RetryPolicy } from '../../shared/webhooks.js';

interface AlertBase {
  /** Same for every attempt and every node that finds the same thing: receivers drop duplicates by it. */
  id: string;
  show: { id: string; name: string; timeZone: string };
  /** Gross GMV (CNY) and orders of the show when the event was found. */
  gmv: string;
  orders: number;
}

/**
 * A milestone crossing (or its revision), as the live state found it. Money is already on the
 * wire's terms (two-decimal CNY strings from integer fen, server/wire.ts).
 */
export interface MilestoneAlert extends AlertBase {
  type: 'milestone' | 'milestone-revised';
  /** The milestone, CNY. */
  milestone: string;
  /** Event time of the order that took gross GMV to the milestone, epoch ms. */
  crossedAtMs: number;
  /** milestone-revised: the crossing time told before, epoch ms; else null. */
  previousCrossedAtMs: number | null;
}

/** The live data stopped (`stale`: nothing committed for STALE_RED_SECONDS) or came back (`fresh`). */
export interface FeedAlert extends AlertBase {
  type: 'stale' | 'fresh';
  /** The last commit before the data stopped, epoch ms (wall clock). */
  lastDataAtMs: number;
  /** fresh: the first commit after it, epoch ms; else null. */
  resumedAtMs: number | null;
}

/** What a hook is told. */
export type AlertEvent = MilestoneAlert | FeedAlert;

/** The id of a crossing's event: the show, the kind, the milestone in fen and the crossing time. */
export function alertId(type: AlertType, show: string, milestoneFen: number, crossedAtMs: number): string {
  return `${show}:${type}:${milestoneFen}:${crossedAtMs}`;
}

/** The id of a stop or a restart of the data: the show, the kind and the commit time it is about. */
export function feedAlertId(type: 'stale' | 'fresh', show: string, atMs: number): string {
  return `${show}:${type}:${atMs}`;
}

/** Our own body ('json' hooks). */
export interface JsonAlert {
  id: string;
  type: AlertType;
  show: string;
  showName: string;
  /** milestone, milestone-revised */
  milestone?: string;
  crossedAt?: string;
  previousCrossedAt?: string;
  /** stale, fresh */
  lastDataAt?: string;
  resumedAt?: string;
  gmv: string;
  orders: number;
  sentAt: string;
}

/** RFC 3339 in UTC, with milliseconds. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** "1234567.80" → "1,234,567.80", on the string (never through a float). */
export function groupCny(amount: string): string {
  const [whole = '', frac] = amount.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** The show's own wall time of an instant, "2015-11-11 00:00:30.200". */
export function showTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  }).formatToParts(ms);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}.${p('fractionalSecond')}`;
}

/** The title and the lines of a chat message; `b` wraps bold text in the chat's markdown. */
export function chatText(e: AlertEvent, b: (s: string) => string): { title: string; lines: string[] } {
  const at = (ms: number) => `${showTime(ms, e.show.timeZone)} (${e.show.timeZone})`;
  const now = `GMV ¥${groupCny(e.gmv)} from ${e.orders.toLocaleString('en-US')} orders`;
  switch (e.type) {
    case 'milestone': {
      const amount = `¥${groupCny(e.milestone)}`;
      return {
        title: `${e.show.name}: ${amount} crossed`,
        lines: [`${b(e.show.name)} crossed ${b(amount)} at ${at(e.crossedAtMs)}`, now],
      };
    }
    case 'milestone-revised': {
      const amount = `¥${groupCny(e.milestone)}`;
      const was = e.previousCrossedAtMs === null ? '' : ` (was ${at(e.previousCrossedAtMs)})`;
      return {
        title: `${e.show.name}: ${amount} crossing revised`,
        lines: [`${b(e.show.name)}: a late sale moved the ${b(amount)} crossing to ${at(e.crossedAtMs)}${was}`, now],
      };
    }
    case 'stale':
      return {
        title: `${e.show.name}: live data stopped`,
        lines: [`${b(e.show.name)}: ${b('no new orders')} since ${at(e.lastDataAtMs)}`, now],
      };
    case 'fresh': {
      const gap = e.resumedAtMs === null ? '' : ` after ${Math.round((e.resumedAtMs - e.lastDataAtMs) / 1000)} s`;
      return {
        title: `${e.show.name}: live data back`,
        lines: [`${b(e.show.name)}: orders are arriving again${gap}`, now],
      };
    }
  }
}

/** Our own body of an event ('json' hooks). */
function jsonBody(e: AlertEvent, sentAtMs: number): JsonAlert {
  const head = { id: e.id, type: e.type, show: e.show.id, showName: e.show.name };
  const tail = { gmv: e.gmv, orders: e.orders, sentAt: rfc3339(sentAtMs) };
  if ('lastDataAtMs' in e) {
    const resumed = e.resumedAtMs === null ? {} : { resumedAt: rfc3339(e.resumedAtMs) };
    return { ...head, lastDataAt: rfc3339(e.lastDataAtMs), ...resumed, ...tail };
  }
  const previous = e.previousCrossedAtMs === null ? {} : { previousCrossedAt: rfc3339(e.previousCrossedAtMs) };
  return { ...head, milestone: e.milestone, crossedAt: rfc3339(e.crossedAtMs), ...previous, ...tail };
}

/** The body for a hook of `format`, as sent (sentAtMs: this attempt's time). */
export function alertBody(format: HookFormat, e: AlertEvent, sentAtMs: number): object {
  switch (format) {
    case 'json':
      return jsonBody(e, sentAtMs);
    case 'slack': {
      // Slack's mrkdwn bolds with single asterisks.
      const { title, lines } = chatText(e, (s) => `*${s}*`);
      return {
        text: title,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `event ${e.id}` }] },
        ],
      };
    }
    case 'dingtalk': {
      const { title, lines } = chatText(e, (s) => `**${s}**`);
      return { msgtype: 'markdown', markdown: { title, text: `### ${title}\n\n${lines.join('\n\n')}` } };
    }
    case 'wecom': {
      const { lines } = chatText(e, (s) => `**${s}**`);
      return { msgtype: 'markdown', markdown: { content: lines.join('\n') } };
    }
  }
}

/** `X-GMV-Signature` of a 'json' body: HMAC-SHA256 over `<t>.<body>`, t in epoch ms (Stripe's scheme). */
export function signatureHeader(secret: string, body: string, tMs: number): string {
  const v1 = createHmac('sha256', secret).update(`${tMs}.${body}`).digest('hex');
  return `t=${tMs},v1=${v1}`;
}

/**
 * A DingTalk robot's signed URL: `timestamp` (epoch ms) and `sign`, the base64 HMAC-SHA256 of
 * `<timestamp>\n<secret>` keyed by the secret, URL-encoded (DingTalk's "加签" security setting).
 */
export function dingtalkSignedUrl(url: string, secret: string, tMs: number): string {
  const sign = createHmac('sha256', secret).update(`${tMs}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(tMs));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/**
 * Wait before retry `n` (1: the first retry): firstDelayMs doubled n-1 times, capped at maxDelayMs,
 * then spread to 80-120% (never past the cap) so hooks failing together do not retry together.
 */
export function backoffMs(n: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(n - 1, 30));
  return Math.min(policy.maxDelayMs, Math.round(step * (0.8 + 0.4 * random)));
}

/** Error codes of a 200 answer that mean "too many messages": DingTalk 130101, WeCom 45009. */
const CHAT_RATE_LIMITED = new Set([130101, 45009]);

/** What an answer means: delivered, worth another attempt, or refused for good. */
export type Verdict = { outcome: 'ok' } | { outcome: 'retry' | 'fail'; reason: string };

/**
 * Judges an answer. Network errors, 5xx and 429 are retried, other 4xx are not. DingTalk and WeCom
 * answer 200 with an `errcode`: 0 is delivered, their rate limits are retried, the rest refused.
 */
export function judge(format: HookFormat, status: number, body: string): Verdict {
  if (status === 429 || status >= 500) return { outcome: 'retry', reason: `HTTP ${status}` };
  if (status < 200 || status >= 300) return { outcome: 'fail', reason: `HTTP ${status}` };
  if (format !== 'dingtalk' && format !== 'wecom') return { outcome: 'ok' };
  let errcode: unknown;
  try {
    errcode = (JSON.parse(body) as { errcode?: unknown }).errcode;
  } catch {
    return { outcome: 'fail', reason: 'the answer is not JSON' };
  }
  if (errcode === 0) return { outcome: 'ok' };
  const reason = `errcode ${String(errcode)}`;
  return typeof errcode === 'number' && CHAT_RATE_LIMITED.has(errcode)
    ? { outcome: 'retry', reason }
    : { outcome: 'fail', reason };
}
