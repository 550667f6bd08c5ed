import { MAX_SENDERS, SAMPLES_PER_SENDER, newest, type CommitFacts, type SenderFacts } from './feed-facts.js';

/**
 * The feed watch (docs/director.md, "Feed watch"): is what arrives what the show should be
 * getting? Pure: fed per committed batch and per answered ingest request with compact facts,
 * judged once a second. Memory is bounded for the whole day: rings of WINDOW slots, one entry per
 * channel or country and per sender (at most MAX_SENDERS), a fixed number of samples per sender.
 */

export const FEED_ALERT_KINDS = ['silent-dimension', 'rate-band', 'rejections', 'clock-skew', 'late-share'] as const;
export type FeedAlertKind = (typeof FEED_ALERT_KINDS)[number];

/** Every threshold of the watch (FEED_WATCH_* in server/env.ts). */
export interface FeedThresholds {
  /** Ticks (seconds) over which rejections, lateness and clock skew are judged. */
  windowSeconds: number;
  /** A channel or country with no order for this many seconds of show time ... */
  silentSeconds: number;
  /** ... where last year's same seconds had at least this many orders, is silent. */
  silentMinOrders: number;
  /** The rate band: last year's orders in the same seconds x this year's ratio, plus or minus this %. */
  rateBandPct: number;
  /** Seconds the rate is averaged over, so one noisy second does not alarm. */
  rateSmoothSeconds: number;
  /** Least lines (orders) a window needs before a share or the rate band is judged. */
  minOrders: number;
  /** Rejected lines of a sender, % of its lines in the window, from which it alarms. */
  rejectPct: number;
  /** A sender whose median |arrival - event time| passes this, ms, has a skewed clock. */
  skewMs: number;
  /** An order committed this long after its event time (on the show clock), ms, is late. */
  lateMs: number;
  /** Late orders, % of the window's orders, from which it alarms. */
  latePct: number;
}

/** One alert as the console lists it. */
export interface FeedAlert {
  kind: FeedAlertKind;
  /** `channel:pc`, `country:US`, a sender's label, or `all` for the whole feed. */
  subject: string;
  /** The figure judged: orders (silent), orders a second (rate), % (shares), ms (skew). */
  value: number;
  /** The limit it passed: least last-year orders (silent), the band's edge (rate), a % or ms. */
  threshold: number;
  /** The rate band, orders a second. */
  band?: { low: number; high: number };
  /** Last year's orders in the same seconds (silent). */
  lastYear?: number;
  /** Wall ms when the condition began (it has held at every judgement since). */
  sinceMs: number;
}

/** The rate against its band, judged or not. */
export interface RateFigure {
  /** Orders a second over the smoothing window (rateWindow: the settled seconds before the show clock's). */
  ordersPerSec: number;
  /** Last year's orders a second in the same seconds, times this year's ratio. */
  expectedPerSec: number;
  low: number;
  high: number;
  /** This year's orders so far over last year's at the same second. */
  ratio: number;
  /** Whether last year's figure is large enough (FEED_WATCH_MIN_ORDERS in the window) to judge. */
  judged: boolean;
}

/** One sender over the window. */
export interface SenderFigure {
  sender: string;
  lines: number;
  rejected: number;
  /** Median and 95th percentile of arrival minus event time (show clock), ms; null without samples. */
  skewMedianMs: number | null;
  skewP95Ms: number | null;
}

/** The watch's answer once a second. */
export interface FeedReport {
  atMs: number;
  /** The show-clock second judged (since the show's start). */
  second: number;
  alerts: FeedAlert[];
  rate: RateFigure | null;
  /** Over the window: lines and rejected lines of every sender, committed orders and the late ones. */
  lines: number;
  rejected: number;
  orders: number;
  late: number;
  senders: SenderFigure[];
}

/** Last year's orders (sales), on the same seconds-since-start axis. */
export interface LastYearOrders {
  /** Orders from the start up to and including second `s`. */
  soFar(s: number): number;
  /** Orders in seconds [from, to). */
  between(from: number, to: number): number;
  /** Orders of each channel and country in seconds [from, to); null: not read yet (not judged). */
  dimensions(from: number, to: number): ReadonlyMap<string, number> | null;
}

/** What the live state says at a judgement. */
export interface ThisYear {
  /** The show-clock second (since the start). */
  second: number;
  /** Sales orders so far. */
  soFar: number;
  /** Sales orders in the seconds the rate is judged over: rateWindow(second, rateSmoothSeconds). */
  window: number;
}

/**
 * The seconds [from, to) the rate is judged over: the `smooth` seconds before the one before the
 * show clock's, whose orders are still arriving (senders batch, commits take a moment).
 */
export function rateWindow(second: number, smooth: number): { from: number; to: number } {
  return { from: second - 1 - smooth, to: second - 1 };
}

interface SenderState {
  lines: Int32Array;
  rejected: Int32Array;
  /** Newest samples (a ring) and the tick each came in. */
  samples: Float64Array;
  sampleTicks: Float64Array;
  next: number;
  lastTick: number;
}

/**
 * The watch. `recordCommit` per committed batch, `recordSenders` per tally drained, `judge`
 * once a second: it closes the tick and lists what is wrong now, each alert with the time its
 * condition began.
 */
export class FeedWatch {
  private tick = 0;
  private readonly orders: Int32Array;
  private readonly late: Int32Array;
  private readonly senders = new Map<string, SenderState>();
  /** Newest event second of each channel and country seen (at most 3 + the countries). */
  private readonly lastSeen = new Map<string, number>();
  private readonly since = new Map<string, number>();
  /** The first second judged: silence is judged only once the watch has seen silentSeconds of show. */
  private firstSecond: number | null = null;
  last: FeedReport | null = null;

  constructor(readonly thresholds: FeedThresholds) {
    this.orders = new Int32Array(thresholds.windowSeconds);
    this.late = new Int32Array(thresholds.windowSeconds);
  }

  private get slot(): number {
    return this.tick % this.thresholds.windowSeconds;
  }

  recordCommit(f: CommitFacts): void {
    this.orders[this.slot]! += f.orders;
    this.late[this.slot]! += f.late;
    for (const [key, second] of f.seen) newest(this.lastSeen, key, second);
  }

  /** `offsetMs`: how far the wall clock is ahead of the show clock (0 with SHOW_CLOCK=wall). */
  recordSenders(facts: readonly SenderFacts[], offsetMs = 0): void {
    for (const f of facts) {
      const s = this.sender(f.sender);
      if (!s) continue;
      s.lines[this.slot]! += f.lines;
      s.rejected[this.slot]! += f.rejected;
      s.lastTick = this.tick;
      for (const x of f.skewMs) {
        s.samples[s.next] = x - offsetMs;
        s.sampleTicks[s.next] = this.tick;
        s.next = (s.next + 1) % SAMPLES_PER_SENDER;
      }
    }
  }

  private sender(name: string): SenderState | null {
    let s = this.senders.get(name);
    if (s) return s;
    if (this.senders.size >= MAX_SENDERS) {
      let oldest: string | null = null;
      for (const [k, v] of this.senders)
        if (oldest === null || v.lastTick < this.senders.get(oldest)!.lastTick) oldest = k;
      this.senders.delete(oldest!);
    }
    const w = this.thresholds.windowSeconds;
    s = {
      lines: new Int32Array(w),
      rejected: new Int32Array(w),
      samples: new Float64Array(SAMPLES_PER_SENDER),
      sampleTicks: new Float64Array(SAMPLES_PER_SENDER).fill(-Infinity),
      next: 0,
      lastTick: this.tick,
    };
    this.senders.set(name, s);
    return s;
  }

  /** Judges the window ending now, then opens the next tick. */
  judge(nowMs: number, now: ThisYear, lastYear: LastYearOrders | null): FeedReport {
    const t = this.thresholds;
    const found: Omit<FeedAlert, 'sinceMs'>[] = [];
    this.firstSecond ??= now.second;

    // Silent channels and countries: nothing for silentSeconds where last year had orders.
    const from = now.second - t.silentSeconds + 1;
    const dims = now.second - this.firstSecond >= t.silentSeconds ? lastYear?.dimensions(from, now.second + 1) : null;
    for (const [key, had] of dims ?? []) {
      if (had < t.silentMinOrders) continue;
      const seen = this.lastSeen.get(key);
      if (seen === undefined || seen < from) {
        found.push({ kind: 'silent-dimension', subject: key, value: 0, threshold: t.silentMinOrders, lastYear: had });
      }
    }

    // The rate against last year's same seconds, scaled by this year's ratio so far.
    let rate: RateFigure | null = null;
    const lySoFar = lastYear?.soFar(now.second) ?? 0;
    if (lastYear && lySoFar > 0) {
      const w = t.rateSmoothSeconds;
      const ratio = now.soFar / lySoFar;
      const { from, to } = rateWindow(now.second, w);
      const lyWindow = lastYear.between(from, to);
      const expected = (lyWindow * ratio) / w;
      const ordersPerSec = now.window / w;
      const low = expected * (1 - t.rateBandPct / 100);
      const high = expected * (1 + t.rateBandPct / 100);
      const judged = lyWindow * ratio >= t.minOrders;
      rate = { ordersPerSec, expectedPerSec: expected, low, high, ratio, judged };
      if (judged && (ordersPerSec < low || ordersPerSec > high)) {
        found.push({
          kind: 'rate-band',
          subject: 'all',
          value: ordersPerSec,
          threshold: ordersPerSec < low ? low : high,
          band: { low, high },
        });
      }
    }

    // Rejections and clock skew per sender.
    let lines = 0;
    let rejected = 0;
    const senders: SenderFigure[] = [];
    for (const [name, s] of this.senders) {
      const l = sum(s.lines);
      const r = sum(s.rejected);
      lines += l;
      rejected += r;
      const recent: number[] = [];
      for (let i = 0; i < SAMPLES_PER_SENDER; i++) {
        if (s.sampleTicks[i]! > this.tick - t.windowSeconds) recent.push(s.samples[i]!);
      }
      recent.sort((a, b) => a - b);
      const median = quantile(recent, 0.5);
      const p95 = quantile(recent, 0.95);
      if (l > 0 || recent.length > 0) {
        senders.push({ sender: name, lines: l, rejected: r, skewMedianMs: median, skewP95Ms: p95 });
      }
      if (l >= t.minOrders && (r * 100) / l >= t.rejectPct) {
        found.push({ kind: 'rejections', subject: name, value: pct(r, l), threshold: t.rejectPct });
      }
      if (median !== null && Math.abs(median) > t.skewMs) {
        found.push({ kind: 'clock-skew', subject: name, value: Math.round(median), threshold: t.skewMs });
      }
    }

    // Late orders: committed more than lateMs after their event time.
    const orders = sum(this.orders);
    const late = sum(this.late);
    if (orders >= t.minOrders && (late * 100) / orders >= t.latePct) {
      found.push({ kind: 'late-share', subject: 'all', value: pct(late, orders), threshold: t.latePct });
    }

    const alerts = this.stamp(found, nowMs);
    const report: FeedReport = {
      atMs: nowMs,
      second: now.second,
      alerts,
      rate,
      lines,
      rejected,
      orders,
      late,
      senders,
    };
    this.advance();
    this.last = report;
    return report;
  }

  /** Each alert keeps the time its condition began; one that cleared starts again when it returns. */
  private stamp(found: Omit<FeedAlert, 'sinceMs'>[], nowMs: number): FeedAlert[] {
    const live = new Map<string, number>();
    const alerts = found.map((a) => {
      const key = `${a.kind}\u0000${a.subject}`;
      const sinceMs = this.since.get(key) ?? nowMs;
      live.set(key, sinceMs);
      return { ...a, sinceMs };
    });
    this.since.clear();
    for (const [k, v] of live) this.since.set(k, v);
    return alerts;
  }

  private advance(): void {
    this.tick++;
    const i = this.slot;
    this.orders[i] = 0;
    this.late[i] = 0;
    for (const [name, s] of this.senders) {
      s.lines[i] = 0;
      s.rejected[i] = 0;
      // Not heard from for a whole window: nothing of it is left to judge.
      if (this.tick - s.lastTick > this.thresholds.windowSeconds) this.senders.delete(name);
    }
  }
}

function sum(a: Int32Array): number {
  let n = 0;
  for (const x of a) n += x;
  return n;
}

/** % with one decimal. */
function pct(part: number, whole: number): number {
  return Math.round((part * 1000) / whole) / 10;
}

/** The q-quantile of sorted values (nearest rank); null when there are none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
