import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode, IngestNode } from '../../server/roles.js';
import type { FeedStatus } from '../../shared/feed.js';
import { injectOrders, startApp, startNode } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

// A live node and an ingest node over one store (the process's chDB stands in for a server): the
// feed watch on the live node hears of the ingest node's requests (gmv:feed) and commits (gmv:commit).
const dir = tempDir('scale-feed-watch');
const DIRECTOR = 'director-token-0123456789abcdef';
const SENDER = `ingest:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 12)}`;
const WATCH = {
  FEED_WATCH_WINDOW_SECONDS: '120',
  FEED_WATCH_MIN_ORDERS: '5',
  FEED_WATCH_REJECT_PCT: '20',
  FEED_WATCH_LATE_PCT: '50',
};
let redis: RedisProcess;
let live: AllNode;
let ingest: IngestNode;

beforeAll(async () => {
  redis = await startRedis();
  ({ app: live } = await startApp(dir.path, { REDIS_URL: redis.url, DIRECTOR_TOKENS: DIRECTOR, ...WATCH }));
  ({ app: ingest } = await startNode<IngestNode>(dir.path, { REDIS_URL: redis.url, ROLE: 'ingest', ...WATCH }));
});

afterAll(async () => {
  await ingest?.close();
  await live?.close();
  await redis?.stop();
  dir.remove();
});

describe('the feed watch across nodes', () => {
  it("judges an ingest node's senders and commits on the live node", async () => {
    // 2015's orders on today's wall clock: late, and sent by a clock years behind.
    const lines: unknown[] = Array.from({ length: 20 }, (_, i) => order(i + 1));
    for (let i = 0; i < 10; i++) lines.push('not json');
    const res = await injectOrders(ingest, ndjson(lines));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 20 });

    const deadline = Date.now() + 20_000;
    let status: FeedStatus | null = null;
    const kinds = () => new Set(status?.alerts.map((a) => `${a.kind} ${a.subject}`));
    while (Date.now() < deadline) {
      const r = await live.inject({ url: '/api/v1/director/feed', headers: { authorization: `Bearer ${DIRECTOR}` } });
      status = r.json<FeedStatus>();
      const k = kinds();
      if (k.has(`rejections ${SENDER}`) && k.has(`clock-skew ${SENDER}`) && k.has('late-share all')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...kinds()].sort()).toEqual([`clock-skew ${SENDER}`, 'late-share all', `rejections ${SENDER}`]);
    expect(status!.window).toMatchObject({ lines: 30, rejected: 10, orders: 20, late: 20 });
    const skew = status!.alerts.find((a) => a.kind === 'clock-skew')!;
    // Eleven years and more: arrival minus event time on the ingest node's clock crossed over.
    expect(skew.value).toBeGreaterThan(11 * 365 * 86_400_000);
  });
});
