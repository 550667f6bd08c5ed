import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('webhooks');
const T0 = Date.parse('2015-11-11T00:00:00+08:00');
const SECRET = 'whsec-0123456789abcdef';
const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef';

interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on loopback: records every request and answers as its path says. */
let receiver: Server;
const received: Received[] = [];
const flakyAnswers = [500, 500];
const at = (path: string) => received.filter((r) => r.path === path);

let app: AllNode;
let closed = false;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://receiver');
      received.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status =
        url.pathname === '/flaky'
          ? (flakyAnswers.shift() ?? 200)
          : url.pathname === '/bad'
            ? 400
            : url.pathname === '/down'
              ? 503
              : 200;
      const body = url.pathname === '/ding' ? '{"errcode":0,"errmsg":"ok"}' : 'ok';
      if (url.pathname === '/moved') res.writeHead(301, { location: '/signed' }).end();
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const fast = { firstDelayMs: 20, maxDelayMs: 50 };
  const hooks = [
    { name: 'signed', url: `${base}/signed`, format: 'json', secret: SECRET },
    { name: 'flaky', url: `${base}/flaky`, events: ['milestone'], retry: fast },
    { name: 'bad', url: `${base}/bad`, format: 'slack', events: ['milestone'], retry: fast },
    { name: 'moved', url: `${base}/moved`, events: ['milestone'], retry: fast },
    { name: 'feed', url: `${base}/feed`, events: ['stale', 'fresh'], retry: fast },
    { name: 'ding', url: `${base}/ding?access_token=t0k`, format: 'dingtalk', secret: DING_SECRET },
    {
      name: 'down',
      url: `${base}/down`,
      events: ['milestone'],
      retry: { attempts: 20, firstDelayMs: 60_000, maxDelayMs: 60_000 },
    },
  ];
  const shows = DEFAULT_SHOWS.map((s) => (s.id === '2015' ? { ...s, milestones: ['1000.00'] } : s));
  writeFileSync(join(dir.path, 'shows.json'), JSON.stringify(shows));
  writeFileSync(join(dir.path, 'hooks.json'), JSON.stringify(hooks));
  ({ app } = await startApp(join(dir.path, 'db'), {
    SHOWS_FILE: join(dir.path, 'shows.json'),
    WEBHOOKS_FILE: join(dir.path, 'hooks.json'),
    SHOW_CLOCK: 'events',
    STALE_AMBER_SECONDS: '1',
    STALE_RED_SECONDS: '2',
  }));
});
afterAll(async () => {
  if (!closed) await app?.close();
  await new Promise((r) => receiver?.close(r));
  dir.remove();
});

function sale(id: string, ms: number, amount: string) {
  return { order_id: id, ts: ms, amount, currency: 'CNY', country: 'CN', channel: 'mobile', merchant_id: 'm1' };
}
async function post(orders: unknown[]): Promise<void> {
  const res = await injectOrders(app, ndjson(orders));
  expect(res.json<{ accepted: number }>().accepted).toBe(orders.length);
}
async function deliveries(hook: string): Promise<Record<string, number>> {
  const metric = await app.metrics.getSingleMetric('gmv_alert_webhook_deliveries_total')!.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels.hook === hook) out[String(v.labels.outcome)] = v.value;
  return out;
}

describe('webhooks end to end (real app on chDB, real receiver)', () => {
  it('a crossing reaches the receiver signed, with the exact crossing time and amounts', async () => {
    // 600.00 at 0:00:30.100, then 500.00 at 0:00:30.200: the 1000.00 milestone falls at 30.200.
    await post([sale('w-1', T0 + 30_100, '600.00')]);
    await post([sale('w-2', T0 + 30_200, '500.00')]);
    const [hit] = await until(() => at('/signed').length > 0 && at('/signed'), 10_000, 'the signed delivery');
    const body = JSON.parse(hit!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: `2015:milestone:100000:${T0 + 30_200}`,
      type: 'milestone',
      show: '2015',
      milestone: '1000.00',
      crossedAt: '2015-11-10T16:00:30.200Z',
      gmv: '1100.00',
      orders: 2,
    });
    expect(hit!.headers['idempotency-key']).toBe(body.id);
    expect(hit!.headers['content-type']).toBe('application/json');
    // The receiver's check, written here from the documented scheme: HMAC-SHA256 of `<t>.<raw body>`.
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit!.headers['x-gmv-signature']));
    expect(m).not.toBeNull();
    const expected = createHmac('sha256', SECRET).update(`${m![1]}.${hit!.body}`).digest('hex');
    expect(m![2]).toBe(expected);
    expect(Number(m![1])).toBe(Date.parse(String(body.sentAt)));
  });

  it("a DingTalk hook gets the markdown message on DingTalk's signed URL", async () => {
    const [hit] = await until(() => at('/ding').length > 0 && at('/ding'), 10_000, 'the DingTalk delivery');
    const ts = hit!.query.get('timestamp')!;
    expect(hit!.query.get('access_token')).toBe('t0k');
    const sign = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64');
    expect(hit!.query.get('sign')).toBe(sign);
    const body = JSON.parse(hit!.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.text).toContain('crossed **¥1,000.00** at 2015-11-11 00:00:30.200 (Asia/Shanghai)');
    // Delivered once its answer is read.
    for (let i = 0; i < 250 && (await deliveries('ding')).ok !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await deliveries('ding')).toMatchObject({ ok: 1, failed: 0 });
  });

  it('a receiver answering 500 twice then 200 gets three attempts with the same idempotency key', async () => {
    await until(() => at('/flaky').length >= 3, 10_000, 'three attempts');
    await until(() => app.webhooks.backlog <= 1, 10_000, 'the flaky delivery done');
    const keys = at('/flaky').map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[0]).toBe(`2015:milestone:100000:${T0 + 30_200}`);
    expect(await deliveries('flaky')).toMatchObject({ ok: 1, retried: 2, failed: 0, dropped: 0 });
  });

  it('a 400 is not retried, nor a redirect (never followed)', async () => {
    for (let i = 0; i < 200 && (await deliveries('bad')).failed !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await deliveries('bad')).toMatchObject({ ok: 0, retried: 0, failed: 1 });
    expect(at('/bad')).toHaveLength(1);
    const body = JSON.parse(at('/bad')[0]!.body) as { text: string };
    expect(body.text).toBe('11.11 Global Shopping Festival 2015: ¥1,000.00 crossed');
    for (let i = 0; i < 200 && (await deliveries('moved')).failed !== 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await deliveries('moved')).toMatchObject({ ok: 0, retried: 0, failed: 1 });
    expect(at('/moved')).toHaveLength(1);
  });

  it('a late sale that moves the crossing is told as milestone-revised, with the time before', async () => {
    // 500.00 at 0:00:10: the total reaches 1100.00 at 30.100 now, the 1000.00 milestone with it.
    await post([sale('w-0', T0 + 10_000, '500.00')]);
    const hit = await until(
      () => at('/signed').find((r) => (JSON.parse(r.body) as { type: string }).type === 'milestone-revised'),
      10_000,
      'the revision',
    );
    expect(JSON.parse(hit.body)).toMatchObject({
      id: `2015:milestone-revised:100000:${T0 + 30_100}`,
      milestone: '1000.00',
      crossedAt: '2015-11-10T16:00:30.100Z',
      previousCrossedAt: '2015-11-10T16:00:30.200Z',
      gmv: '1600.00',
      orders: 3,
    });
    // Hooks that asked only for crossings are not told of revisions.
    expect(at('/flaky')).toHaveLength(3);
  });

  it('live data that stops for STALE_RED_SECONDS is told as stale, and its return as fresh', async () => {
    const before = at('/feed').length;
    await post([sale('w-5', T0 + 50_000, '1.00')]);
    type Feed = { type: string; lastDataAt: string; resumedAt?: string; gmv: string };
    const feed = () =>
      at('/feed')
        .slice(before)
        .map((r) => JSON.parse(r.body) as Feed);
    // (An earlier stop may be told around this post: this one's stale is the one after w-5.)
    const stale = await until(() => feed().find((b) => b.type === 'stale' && b.gmv === '1601.00'), 10_000, 'stale');
    await post([sale('w-6', T0 + 50_001, '1.00')]);
    const fresh = await until(
      () => feed().find((b) => b.type === 'fresh' && b.lastDataAt === stale.lastDataAt),
      10_000,
      'fresh',
    );
    expect(Date.parse(fresh.resumedAt!)).toBeGreaterThanOrEqual(Date.parse(stale.lastDataAt) + 2000);
    expect(fresh.gmv).toBe('1602.00');
    // Told once per stop.
    expect(feed().filter((b) => b.type === 'stale' && b.lastDataAt === stale.lastDataAt)).toHaveLength(1);
  });

  it('closing the app stops the retries: nothing left scheduled or in flight', async () => {
    // The 'down' hook answers 503 to everything; its next attempt waits a minute on a timer.
    await until(() => app.webhooks.scheduled > 0, 10_000, 'a retry of the down hook scheduled');
    expect(at('/down')).toHaveLength(1);
    expect((await deliveries('down')).retried).toBe(1);
    await app.close();
    closed = true;
    expect(app.webhooks.scheduled).toBe(0);
    expect(app.webhooks.backlog).toBe(0);
    // An attempt under way at the close is aborted.
    for (let i = 0; i < 250 && app.webhooks.sending > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(app.webhooks.sending).toBe(0);
    expect((await deliveries('down')).dropped).toBe(1);
  });
});
