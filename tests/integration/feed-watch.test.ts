import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import type { FeedStatus } from '../../shared/feed.js';
import { injectOrders, startApp } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const SKEWED = 'skewed-sender-token-0123456789';
const SKEWED_LABEL = `ingest:${createHash('sha256').update(SKEWED).digest('hex').slice(0, 12)}`;
const dir = tempDir('feed-watch');
let app: AllNode;

/** Epoch ms of the start of the 2015 and 2014 shows (their default windows). */
const START_2015 = Date.parse('2015-11-11T00:00:00+08:00');
const START_2014 = Date.parse('2014-11-11T00:00:00+08:00');

beforeAll(async () => {
  ({ app } = await startApp(join(dir.path, 'db'), {
    DIRECTOR_TOKENS: DIRECTOR,
    INGEST_TOKENS: `${TOKEN},${SKEWED}`,
    SHOW_CLOCK: 'events',
    FEED_WATCH_WINDOW_SECONDS: '120',
    FEED_WATCH_SILENT_SECONDS: '10',
    FEED_WATCH_SILENT_MIN_ORDERS: '5',
    FEED_WATCH_MIN_ORDERS: '5',
    FEED_WATCH_REJECT_PCT: '20',
    FEED_WATCH_SKEW_MS: '60000',
    FEED_WATCH_LATE_MS: '5000',
    FEED_WATCH_LATE_PCT: '1',
    FEED_WATCH_RATE_BAND_PCT: '40',
  }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

let nextId = 0;
function sale(startMs: number, second: number, channel: string): Record<string, unknown> {
  return {
    order_id: `f-${nextId++}`,
    ts: startMs + second * 1000 + 500,
    amount: '10.00',
    currency: 'CNY',
    country: 'CN',
    channel,
    category: 'apparel',
  };
}

async function post(lines: unknown[], token = TOKEN): Promise<void> {
  const res = await injectOrders(app, ndjson(lines), { authorization: `Bearer ${token}` });
  expect(res.statusCode).toBe(200);
}

async function feed(token: string | null = DIRECTOR) {
  return app.inject({
    url: '/api/v1/director/feed',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** Reads the route until `check` holds (the watch judges once a second). */
async function feedUntil(check: (s: FeedStatus) => boolean, what: string, ms = 30_000): Promise<FeedStatus> {
  const deadline = Date.now() + ms;
  let last: FeedStatus | null = null;
  while (Date.now() < deadline) {
    const res = await feed();
    expect(res.statusCode).toBe(200);
    last = res.json<FeedStatus>();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

const has = (s: FeedStatus, kind: string, subject: string) =>
  s.alerts.some((a) => a.kind === kind && a.subject === subject);

describe('the feed watch', () => {
  it('refuses the route without a director token', async () => {
    for (const token of [null, TOKEN, 'not-a-director-token-0000']) {
      const res = await feed(token);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('GMV_ERR_ADMIN_UNAUTHORIZED');
    }
  });

  it('sees a channel go silent, a sender with a skewed clock and a burst of bad lines, and late orders', async () => {
    // Last year: every channel sold every second of the first 200.
    const lastYear = [];
    for (let s = 0; s < 200; s++) for (const c of ['mobile', 'pc', 'offline']) lastYear.push(sale(START_2014, s, c));
    await post(lastYear);
    // This year: pc stops after second 120; ten seconds a request, in order.
    for (let from = 0; from < 200; from += 10) {
      const batch = [];
      for (let s = from; s < from + 10; s++) {
        batch.push(sale(START_2015, s, 'mobile'), sale(START_2015, s, 'offline'));
        if (s <= 120) batch.push(sale(START_2015, s, 'pc'));
      }
      await post(batch);
    }
    // A sender whose clock is 139 s behind the show, with ten bad lines among twenty good ones.
    const skewed: unknown[] = Array.from({ length: 20 }, () => sale(START_2015, 60, 'mobile'));
    for (let i = 0; i < 10; i++) skewed.push(i % 2 ? 'not json' : { ...sale(START_2015, 60, 'mobile'), amount: '-1' });
    await post(skewed, SKEWED);

    const status = await feedUntil(
      (s) =>
        has(s, 'silent-dimension', 'channel:pc') &&
        has(s, 'rejections', SKEWED_LABEL) &&
        has(s, 'clock-skew', SKEWED_LABEL) &&
        has(s, 'late-share', 'all'),
      'the four alerts',
    );
    expect(status.second).toBe(199);
    const silent = status.alerts.find((a) => a.kind === 'silent-dimension')!;
    expect(silent).toMatchObject({ value: 0, threshold: 5, lastYear: 10 });
    expect(status.alerts.filter((a) => a.kind === 'silent-dimension')).toHaveLength(1);
    const rejected = status.alerts.find((a) => a.kind === 'rejections')!;
    expect(rejected).toMatchObject({ value: 33.3, threshold: 20 });
    const skew = status.alerts.find((a) => a.kind === 'clock-skew')!;
    expect(skew.value).toBeGreaterThan(120_000);
    expect(skew.value).toBeLessThan(140_000);
    // The steady sender is neither skewed nor rejected.
    expect(status.alerts.filter((a) => a.subject !== SKEWED_LABEL && a.kind !== 'silent-dimension')).toEqual([
      expect.objectContaining({ kind: 'late-share' }),
    ]);
    expect(status.window).toMatchObject({ late: 20, rejected: 10 });
    // The rate (2 orders a second) is inside last year's band (3 a second x this year's ratio, 0.9).
    expect(status.rate).toMatchObject({ judged: true, ordersPerSec: 2 });
    expect(status.rate!.expectedPerSec).toBeCloseTo(2.7, 0);
    expect(status.rate!.low).toBeLessThan(2);
    expect(status.rate!.high).toBeGreaterThan(2);
    expect(status.thresholds).toMatchObject({ silentSeconds: 10, rejectPct: 20, skewMs: 60_000 });
    for (const a of status.alerts) expect(Date.parse(a.since)).toBeLessThanOrEqual(Date.parse(status.at!));

    // pc sells again: its silence clears.
    const again = [];
    for (let s = 200; s < 205; s++) for (const c of ['mobile', 'pc', 'offline']) again.push(sale(START_2015, s, c));
    await post(again);
    const cleared = await feedUntil((s) => s.second === 204 && !has(s, 'silent-dimension', 'channel:pc'), 'pc back');
    expect(cleared.alerts.some((a) => a.kind === 'silent-dimension')).toBe(false);
  });
});
