import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { IngestTally, MAX_SENDERS, commitFacts, skewSample } from '../../server/domain/feed-facts.js';
import {
  FeedWatch,
  quantile,
  rateWindow,
  type FeedAlert,
  type LastYearOrders,
  type ThisYear,
} from '../../server/domain/feed-watch.js';
import { checkFeedMessage } from '../../server/live/feed.js';
import { showOrder } from '../fixtures/orders.js';

const show = loadConfig({}).shows[0]!;

/** The thresholds as the server reads them, from FEED_WATCH_* variables. */
function thresholds(env: Record<string, string> = {}) {
  return loadConfig({
    FEED_WATCH_WINDOW_SECONDS: '5',
    FEED_WATCH_SILENT_SECONDS: '10',
    FEED_WATCH_SILENT_MIN_ORDERS: '5',
    FEED_WATCH_RATE_BAND_PCT: '20',
    FEED_WATCH_RATE_SMOOTH_SECONDS: '5',
    FEED_WATCH_MIN_ORDERS: '10',
    FEED_WATCH_REJECT_PCT: '10',
    FEED_WATCH_SKEW_MS: '2000',
    FEED_WATCH_LATE_MS: '3000',
    FEED_WATCH_LATE_PCT: '20',
    ...env,
  }).feedWatch;
}

/** Last year: `perSecond` orders every second, split evenly over `keys`. */
function lastYear(perSecond: number, keys: string[] = []): LastYearOrders {
  return {
    soFar: (s) => (s < 0 ? 0 : (s + 1) * perSecond),
    between: (from, to) => Math.max(0, to - Math.max(0, from)) * perSecond,
    dimensions: (from, to) => new Map(keys.map((k) => [k, ((to - Math.max(0, from)) * perSecond) / keys.length])),
  };
}

const now = (second: number, soFar: number, window: number): ThisYear => ({ second, soFar, window });

describe('FeedWatch', () => {
  it('reads its thresholds from FEED_WATCH_* with defaults', () => {
    const d = loadConfig({}).feedWatch;
    expect(d).toEqual({
      windowSeconds: 10,
      silentSeconds: 60,
      silentMinOrders: 30,
      rateBandPct: 40,
      rateSmoothSeconds: 5,
      minOrders: 50,
      rejectPct: 2,
      skewMs: 10_000,
      lateMs: 5000,
      latePct: 5,
    });
    expect(thresholds().skewMs).toBe(2000);
  });

  it('calls a channel silent when it has no order where last year had enough, and clears when it sells again', () => {
    const w = new FeedWatch(thresholds());
    const ly = lastYear(3, ['channel:mobile', 'channel:pc', 'channel:offline']);
    // Every channel sells in seconds 0..19; pc stops after second 5.
    let alerts: FeedAlert[] = [];
    for (let s = 0; s < 20; s++) {
      const orders = [showOrder(show, s, 100, { channel: 'mobile' }), showOrder(show, s, 100, { channel: 'offline' })];
      if (s <= 5) orders.push(showOrder(show, s, 100, { channel: 'pc' }));
      w.recordCommit(commitFacts(orders, show, show.startMs + s * 1000 + 600, 3000));
      alerts = w.judge(1000 + s * 1000, now(s, 0, 0), ly).alerts.filter((a) => a.kind === 'silent-dimension');
      // Not before the watch has seen FEED_WATCH_SILENT_SECONDS of show; pc is silent from second 15 (5 + 10).
      if (s < 15) expect(alerts).toEqual([]);
    }
    expect(alerts).toEqual([
      { kind: 'silent-dimension', subject: 'channel:pc', value: 0, threshold: 5, lastYear: 10, sinceMs: 16_000 },
    ]);
    w.recordCommit(commitFacts([showOrder(show, 20, 100, { channel: 'pc' })], show, show.startMs + 20_600, 3000));
    expect(w.judge(21_000, now(20, 0, 0), ly).alerts).toEqual([]);
  });

  it('does not call a channel silent when last year had fewer orders there than FEED_WATCH_SILENT_MIN_ORDERS', () => {
    const w = new FeedWatch(thresholds({ FEED_WATCH_SILENT_MIN_ORDERS: '100' }));
    const ly = lastYear(3, ['channel:pc']);
    for (let s = 0; s < 30; s++) expect(w.judge(s * 1000, now(s, 0, 0), ly).alerts).toEqual([]);
  });

  it("alarms when the smoothed rate leaves last year's band scaled by this year's ratio, and clears inside it", () => {
    // Judged over seconds that have settled: not the show clock's, nor the one before.
    expect(rateWindow(100, 5)).toEqual({ from: 94, to: 99 });
    const w = new FeedWatch(thresholds());
    // Last year 10 orders/s; this year so far twice last year's: expected 20/s, band 16..24.
    const ly = lastYear(10);
    const inside = w.judge(0, now(100, 2 * 1010, 5 * 22), ly);
    expect(inside.rate).toMatchObject({ ordersPerSec: 22, expectedPerSec: 20, judged: true });
    expect(inside.rate!.low).toBeCloseTo(16);
    expect(inside.rate!.high).toBeCloseTo(24);
    expect(inside.alerts).toEqual([]);
    const low = w.judge(1000, now(101, 2 * 1020, 5 * 12), ly);
    expect(low.alerts).toHaveLength(1);
    expect(low.alerts[0]).toMatchObject({ kind: 'rate-band', subject: 'all', value: 12, sinceMs: 1000 });
    expect(low.alerts[0]!.threshold).toBeCloseTo(16);
    const high = w.judge(2000, now(102, 2 * 1030, 5 * 30), ly);
    expect(high.alerts[0]).toMatchObject({ kind: 'rate-band', value: 30, sinceMs: 1000 });
    expect(high.alerts[0]!.threshold).toBeCloseTo(24);
    expect(w.judge(3000, now(103, 2 * 1040, 5 * 19), ly).alerts).toEqual([]);
  });

  it('does not judge the rate while last year had too few orders in the window', () => {
    const w = new FeedWatch(thresholds({ FEED_WATCH_MIN_ORDERS: '1000' }));
    const r = w.judge(0, now(100, 1010, 0), lastYear(10));
    expect(r.rate?.judged).toBe(false);
    expect(r.alerts).toEqual([]);
    expect(w.judge(1000, now(100, 0, 0), null).rate).toBeNull();
  });

  it("alarms on a sender's rejected share over the window, and clears once the burst leaves the window", () => {
    const w = new FeedWatch(thresholds());
    w.recordSenders([{ sender: 'ingest:good', lines: 100, rejected: 1, skewMs: [] }]);
    w.recordSenders([{ sender: 'ingest:bad', lines: 30, rejected: 9, skewMs: [] }]);
    // A sender with few lines is not judged on its share (FEED_WATCH_MIN_ORDERS).
    w.recordSenders([{ sender: 'ingest:tiny', lines: 2, rejected: 2, skewMs: [] }]);
    const r = w.judge(5000, now(0, 0, 0), null);
    expect(r.alerts).toEqual([{ kind: 'rejections', subject: 'ingest:bad', value: 30, threshold: 10, sinceMs: 5000 }]);
    expect(r).toMatchObject({ lines: 132, rejected: 12 });
    for (let i = 1; i < 5; i++) {
      w.recordSenders([{ sender: 'ingest:bad', lines: 10, rejected: 0, skewMs: [] }]);
      expect(w.judge(5000 + i * 1000, now(i, 0, 0), null).alerts[0]?.sinceMs).toBe(5000);
    }
    // Five ticks on, the burst is out of the window.
    expect(w.judge(10_000, now(5, 0, 0), null).alerts).toEqual([]);
  });

  it('alarms on a sender whose clock is skewed (median arrival minus event time), either way, and clears', () => {
    const w = new FeedWatch(thresholds());
    w.recordSenders([
      { sender: 'ingest:behind', lines: 16, rejected: 0, skewMs: Array.from({ length: 16 }, (_, i) => 300_000 + i) },
      { sender: 'ingest:ahead', lines: 16, rejected: 0, skewMs: Array.from({ length: 16 }, () => -5000) },
      { sender: 'ingest:ok', lines: 16, rejected: 0, skewMs: Array.from({ length: 16 }, (_, i) => 100 + i * 10) },
    ]);
    const r = w.judge(1000, now(0, 0, 0), null);
    expect(r.alerts.map((a) => [a.kind, a.subject, a.value])).toEqual([
      ['clock-skew', 'ingest:behind', 300_007],
      ['clock-skew', 'ingest:ahead', -5000],
    ]);
    expect(r.senders.find((s) => s.sender === 'ingest:ok')).toMatchObject({ skewMedianMs: 170, skewP95Ms: 250 });
    // Samples older than the window no longer count: the skew clears once the sender is right again.
    for (let i = 1; i <= 5; i++) {
      w.recordSenders([{ sender: 'ingest:behind', lines: 1, rejected: 0, skewMs: [200] }]);
      w.judge(1000 + i * 1000, now(i, 0, 0), null);
    }
    expect(w.last!.alerts).toEqual([]);
  });

  it('takes out the show clock offset (SHOW_CLOCK=events) from arrival minus event time', () => {
    const w = new FeedWatch(thresholds());
    w.recordSenders([{ sender: 'ingest:sim', lines: 1, rejected: 0, skewMs: [1e9 + 50] }], 1e9);
    expect(w.judge(0, now(0, 0, 0), null).senders[0]).toMatchObject({ skewMedianMs: 50 });
  });

  it("alarms on the late orders' share and clears when they stop", () => {
    const w = new FeedWatch(thresholds());
    const clock = show.startMs + 100_000;
    const onTime = Array.from({ length: 30 }, () => showOrder(show, 99, 100));
    const late = Array.from({ length: 10 }, () => showOrder(show, 90, 100));
    w.recordCommit(commitFacts([...onTime, ...late], show, clock, 3000));
    const r = w.judge(0, now(100, 0, 0), null);
    expect(r).toMatchObject({ orders: 40, late: 10 });
    expect(r.alerts).toEqual([{ kind: 'late-share', subject: 'all', value: 25, threshold: 20, sinceMs: 0 }]);
    for (let i = 1; i <= 5; i++) {
      w.recordCommit(commitFacts(onTime, show, clock, 3000));
      w.judge(i * 1000, now(100 + i, 0, 0), null);
    }
    expect(w.last!.alerts).toEqual([]);
  });

  it('keeps a bounded number of senders, forgetting the one heard from longest ago', () => {
    const w = new FeedWatch(thresholds());
    w.recordSenders([{ sender: 's0', lines: 1, rejected: 0, skewMs: [] }]);
    w.judge(0, now(0, 0, 0), null);
    for (let i = 1; i <= MAX_SENDERS; i++) w.recordSenders([{ sender: `s${i}`, lines: 1, rejected: 0, skewMs: [] }]);
    const names = w.judge(1, now(0, 0, 0), null).senders.map((s) => s.sender);
    expect(names).toHaveLength(MAX_SENDERS);
    expect(names).not.toContain('s0');
    expect(names).toContain(`s${MAX_SENDERS}`);
  });
});

describe('feed facts', () => {
  it('skewSample takes at most 16 orders of the show, evenly spaced', () => {
    const orders = Array.from({ length: 1000 }, (_, i) => showOrder(show, i, 100));
    const sample = skewSample(orders, show.startMs + 2_000_000, show.id);
    expect(sample).toHaveLength(16);
    expect(sample[0]).toBe(2_000_000 - 500);
    expect(skewSample(orders, 0, 'another-show')).toEqual([]);
  });

  it('commitFacts counts late orders and the newest second of each channel and country, sales only', () => {
    const f = commitFacts(
      [
        showOrder(show, 10, 1, { country: 'US', channel: 'pc' }),
        showOrder(show, 2, 1, { country: 'US', channel: 'pc' }),
        showOrder(show, 1, 1, { type: 'refund', channel: 'offline' }),
      ],
      show,
      show.startMs + 10_000,
      3000,
    );
    expect(f).toMatchObject({ orders: 3, late: 2 });
    expect([...f.seen]).toEqual([
      ['channel:pc', 10],
      ['country:US', 10],
    ]);
  });

  it('IngestTally folds requests by sender and drains them', () => {
    const t = new IngestTally();
    t.add('a', 10, 1, [1, 2]);
    t.add('a', 5, 0, [3]);
    t.add('b', 1, 1, []);
    expect(t.drain()).toEqual([
      { sender: 'a', lines: 15, rejected: 1, skewMs: [1, 2, 3] },
      { sender: 'b', lines: 1, rejected: 1, skewMs: [] },
    ]);
    expect(t.empty).toBe(true);
    for (let i = 0; i < MAX_SENDERS + 5; i++) t.add(`s${i}`, 1, 0, []);
    expect(t.drain()).toHaveLength(MAX_SENDERS);
  });

  it('quantile is the nearest rank, null for nothing', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
  });

  it('checkFeedMessage takes well-formed senders and refuses anything else', () => {
    const ok = { at: 1, senders: [{ sender: 'ingest:abc', lines: 3, rejected: 1, skewMs: [1, -2] }] };
    expect(checkFeedMessage(ok)).toEqual(ok.senders);
    for (const bad of [
      null,
      { senders: 'x' },
      { senders: [{ sender: 1, lines: 1, rejected: 0, skewMs: [] }] },
      { senders: [{ sender: 'a', lines: -1, rejected: 0, skewMs: [] }] },
      { senders: [{ sender: 'a', lines: 1, rejected: 0, skewMs: [Infinity] }] },
      { senders: [{ sender: 'x'.repeat(65), lines: 1, rejected: 0, skewMs: [] }] },
    ]) {
      expect(checkFeedMessage(bad)).toBeNull();
    }
  });
});
