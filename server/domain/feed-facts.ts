import type { Order } from '../../shared/order.js';
import type { Show } from '../../shared/show.js';

/**
 * What the feed watch (feed-watch.ts) is fed: compact facts folded from a committed batch or an
 * answered ingest request, never one entry per order. Pure.
 */

/** What one sender's answered requests said within a tick. */
export interface SenderFacts {
  sender: string;
  lines: number;
  rejected: number;
  /** A sample of arrival (wall ms) minus event time, ms. */
  skewMs: number[];
}

/** What one committed batch of the live show says. */
export interface CommitFacts {
  orders: number;
  late: number;
  /** `channel:<c>` and `country:<cc>` of its orders, with the newest event second of each. */
  seen: Map<string, number>;
}

/** Samples of arrival minus event time taken per request: enough for a median, cheap per request. */
export const SKEW_SAMPLES_PER_REQUEST = 16;
/** Samples a sender keeps (the newest): the skew figures are read over these. */
export const SAMPLES_PER_SENDER = 256;
/** Senders tracked at once; past it the one heard from longest ago is forgotten. */
export const MAX_SENDERS = 64;
/** A sender label's longest length (they cross the network). */
export const MAX_SENDER_LENGTH = 64;

/**
 * Arrival minus event time for at most `max` of the show's orders of one request, evenly
 * spaced through it: the request's cost does not grow with its size.
 */
export function skewSample(
  orders: readonly Order[],
  arrivalMs: number,
  show: string,
  max = SKEW_SAMPLES_PER_REQUEST,
): number[] {
  const out: number[] = [];
  if (orders.length === 0) return out;
  const step = Math.max(1, orders.length / max);
  for (let i = 0; i < orders.length && out.length < max; i += step) {
    const o = orders[Math.floor(i)]!;
    if (o.show === show) out.push(arrivalMs - o.ts);
  }
  return out;
}

/**
 * Folds one committed batch: its orders of `show`, how many are late (committed more than
 * `lateMs` after their event time on the show clock `clockMs`: their second has been on air
 * that long), and the newest event second of each channel and country.
 */
export function commitFacts(orders: readonly Order[], show: Show, clockMs: number, lateMs: number): CommitFacts {
  // Keyed by the raw values while folding (no string built per order), prefixed once at the end.
  const channels = new Map<string, number>();
  const countries = new Map<string, number>();
  let n = 0;
  let late = 0;
  const lateBefore = clockMs - lateMs;
  for (const o of orders) {
    if (o.show !== show.id) continue;
    n++;
    if (o.ts < lateBefore) late++;
    if (o.type !== 'sale') continue;
    const second = Math.floor((o.ts - show.startMs) / 1000);
    newest(channels, o.channel, second);
    newest(countries, o.country, second);
  }
  const seen = new Map<string, number>();
  for (const [k, s] of channels) seen.set(`channel:${k}`, s);
  for (const [k, s] of countries) seen.set(`country:${k}`, s);
  return { orders: n, late, seen };
}

export function newest(map: Map<string, number>, key: string, second: number): void {
  const had = map.get(key);
  if (had === undefined || second > had) map.set(key, second);
}

/**
 * What a node's answered ingest requests said since the last drain, by sender: bounded
 * (MAX_SENDERS, SAMPLES_PER_SENDER samples each) whatever the request rate. An ingest node
 * drains it once a second into a message to the live node; the live node into its watch.
 */
export class IngestTally {
  private senders = new Map<string, SenderFacts>();

  add(sender: string, lines: number, rejected: number, skewMs: readonly number[]): void {
    let s = this.senders.get(sender);
    if (!s) {
      if (this.senders.size >= MAX_SENDERS) return;
      s = { sender, lines: 0, rejected: 0, skewMs: [] };
      this.senders.set(sender, s);
    }
    s.lines += lines;
    s.rejected += rejected;
    for (const x of skewMs) if (s.skewMs.length < SAMPLES_PER_SENDER) s.skewMs.push(x);
  }

  get empty(): boolean {
    return this.senders.size === 0;
  }

  drain(): SenderFacts[] {
    const out = [...this.senders.values()];
    this.senders.clear();
    return out;
  }
}
