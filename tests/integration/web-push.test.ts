import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
// The decryption a browser does (RFC 8188 / RFC 8291), from the package web-push encrypts with.
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import { readPushSubscriptions } from '../../server/store/push.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import type { PushMessage } from '../../shared/web-push.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('web-push');
const T0 = Date.parse('2015-11-11T00:00:00+08:00');
const VAPID = webpush.generateVAPIDKeys();
const SUBJECT = 'mailto:ops@example.com';
const VIEW = 'viewer-token-0123456789';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A real push service on loopback: records every request; answers as its path says. */
let receiver: Server;
let base: string;
const received: Received[] = [];
const flaky = [503];
const at = (path: string) => received.filter((r) => r.path === path);

/** A device as a browser makes it: a P-256 key pair and a 16-byte auth secret. */
interface Device {
  path: string;
  ecdh: ECDH;
  auth: Buffer;
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
}
function device(path: string): Device {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const json = {
    endpoint: `${base}${path}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
  };
  return { path, ecdh, auth, json };
}

/** The message as the device's browser reads it: decrypted with its private key and auth secret. */
function decrypt(d: Device, r: Received): PushMessage {
  expect(r.headers['content-encoding']).toBe('aes128gcm');
  const plain = ece.decrypt(r.body, { version: 'aes128gcm', privateKey: d.ecdh, authSecret: d.auth }) as Buffer;
  return JSON.parse(plain.toString('utf8')) as PushMessage;
}

/** The push service's check of the VAPID header (RFC 8292): our key, signed by it, for this origin. */
function checkVapid(headers: IncomingHttpHeaders): Record<string, unknown> {
  const m = /^vapid t=([\w-]+\.[\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(String(headers.authorization));
  expect(m, String(headers.authorization)).not.toBeNull();
  const [, signed, sig, k] = m!;
  expect(k).toBe(VAPID.publicKey);
  const point = Buffer.from(k!, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(signed!), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig!, 'base64url'));
  expect(ok).toBe(true);
  return JSON.parse(Buffer.from(signed!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

let app: AllNode;
let ok: Device;
let gone: Device;
let retried: Device;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://receiver').pathname;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const status = path === '/push/gone' ? 410 : path === '/push/flaky' ? (flaky.shift() ?? 201) : 201;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const shows = DEFAULT_SHOWS.map((s) => (s.id === '2015' ? { ...s, milestones: ['1000.00'] } : s));
  writeFileSync(join(dir.path, 'shows.json'), JSON.stringify(shows));
  ({ app } = await startApp(join(dir.path, 'db'), env()));
  ok = device('/push/ok');
  gone = device('/push/gone');
  retried = device('/push/flaky');
});
afterAll(async () => {
  await app?.close();
  await new Promise((r) => receiver?.close(r));
  dir.remove();
});

function env(): Record<string, string> {
  return {
    SHOWS_FILE: join(dir.path, 'shows.json'),
    SHOW_CLOCK: 'events',
    VIEW_TOKENS: VIEW,
    WEB_PUSH_VAPID_PUBLIC_KEY: VAPID.publicKey,
    WEB_PUSH_VAPID_PRIVATE_KEY: VAPID.privateKey,
    WEB_PUSH_SUBJECT: SUBJECT,
    WEB_PUSH_SERVICES: base,
    WEB_PUSH_MAX_SUBSCRIPTIONS: '3',
    WEB_PUSH_RETRY_FIRST_DELAY_MS: '20',
  };
}

function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, token: string | null = VIEW) {
  return app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
function sale(id: string, ms: number, amount: string) {
  return { order_id: id, ts: ms, amount, currency: 'CNY', country: 'CN', channel: 'mobile', merchant_id: 'm1' };
}
async function deliveries(): Promise<Record<string, number>> {
  const metric = await app.metrics.getSingleMetric('gmv_alert_webhook_deliveries_total')!.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels.hook === 'web-push') out[String(v.labels.outcome)] = v.value;
  return out;
}
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Web Push subscriptions', () => {
  it('gives the VAPID public key to a viewer, and nothing without the viewer token', async () => {
    const res = await call('GET', '/api/v1/push/key');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ publicKey: VAPID.publicKey, events: ['milestone', 'milestone-revised'] });
    const refused = await call('POST', '/api/v1/push/subscriptions', ok.json, null);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
  });

  it('refuses an endpoint off the configured push services, and keys that are not a P-256 key', async () => {
    const elsewhere = { ...ok.json, endpoint: 'http://169.254.169.254/latest/meta-data' };
    const off = await call('POST', '/api/v1/push/subscriptions', elsewhere);
    expect(off.statusCode).toBe(400);
    expect(off.json()).toMatchObject({ code: 'GMV_ERR_PUSH_SUBSCRIPTION' });
    expect(off.json().message).toContain('not on a push service');
    const notPoint = Buffer.alloc(65, 7);
    notPoint[0] = 4;
    const bad = { ...ok.json, keys: { ...ok.json.keys, p256dh: notPoint.toString('base64url') } };
    const refused = await call('POST', '/api/v1/push/subscriptions', bad);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('P-256');
    const shortAuth = { ...ok.json, keys: { ...ok.json.keys, auth: 'c2hvcnQ' } };
    expect((await call('POST', '/api/v1/push/subscriptions', shortAuth)).statusCode).toBe(400);
  });

  it('stores subscriptions in ClickHouse, up to WEB_PUSH_MAX_SUBSCRIPTIONS devices', async () => {
    for (const d of [ok, gone, retried]) {
      const res = await call('POST', '/api/v1/push/subscriptions', d.json);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ subscribed: true, renewed: false });
    }
    const fourth = device('/push/fourth');
    const full = await call('POST', '/api/v1/push/subscriptions', fourth.json);
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('GMV_ERR_PUSH_FULL');
    // A device already subscribed may subscribe again (its keys are renewed).
    const again = await call('POST', '/api/v1/push/subscriptions', ok.json);
    expect(again.json()).toEqual({ subscribed: true, renewed: true });
    const stored = await readPushSubscriptions(app.store, 10);
    expect(stored.map((s) => s.endpoint).sort()).toEqual([gone, ok, retried].map((d) => d.json.endpoint).sort());
  });
});

describe('Web Push end to end (real app on chDB, real ingest, a push service on loopback)', () => {
  it('a milestone crossing reaches each device encrypted to its keys and VAPID-signed', async () => {
    // 600.00 at 0:00:30.100, then 500.00 at 0:00:30.200: the 1000.00 milestone falls at 30.200.
    for (const o of [sale('p-1', T0 + 30_100, '600.00'), sale('p-2', T0 + 30_200, '500.00')]) {
      const res = await injectOrders(app, ndjson([o]));
      expect(res.json<{ accepted: number }>().accepted).toBe(1);
    }
    const [hit] = await until(() => at('/push/ok').length > 0 && at('/push/ok'), 10_000, 'the push');
    const claims = checkVapid(hit!.headers);
    expect(claims).toMatchObject({ aud: base, sub: SUBJECT });
    expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now());
    expect(hit!.headers.ttl).toBe('3600');
    expect(hit!.headers.urgency).toBe('high');
    const message = decrypt(ok, hit!);
    expect(message).toMatchObject({
      id: `2015:milestone:100000:${T0 + 30_200}`,
      type: 'milestone',
      show: '2015',
      milestone: '1000.00',
      crossedAt: '2015-11-10T16:00:30.200Z',
      gmv: '1100.00',
      orders: 2,
      url: '/exec',
      title: '11.11 Global Shopping Festival 2015: ¥1,000.00 crossed',
    });
    expect(message.body).toContain('crossed ¥1,000.00 at 2015-11-11 00:00:30.200 (Asia/Shanghai)');
    // Another device's message is encrypted to its own keys: the first device's keys do not open it.
    const other = await until(() => at('/push/gone')[0], 10_000, 'the push to the gone device');
    expect(() => decrypt(ok, other)).toThrow();
    expect(decrypt(gone, other).id).toBe(message.id);
  });

  it('a device its push service answers 410 for is removed, and not retried', async () => {
    await eventually(async () => Promise.resolve(app.webPush!.count === 2), 'the gone subscription removed');
    const stored = (await readPushSubscriptions(app.store, 10)).map((s) => s.endpoint);
    expect(stored.sort()).toEqual([ok.json.endpoint, retried.json.endpoint].sort());
    expect(at('/push/gone')).toHaveLength(1);
  });

  it('a 5xx is retried: 503 then 201 is two attempts of the same message', async () => {
    await until(() => at('/push/flaky').length >= 2, 10_000, 'two attempts');
    await eventually(async () => (await deliveries()).ok === 2, 'both devices delivered');
    const [first, second] = at('/push/flaky').map((r) => decrypt(retried, r));
    expect(second!.id).toBe(first!.id);
    expect(await deliveries()).toMatchObject({ ok: 2, retried: 1, failed: 1, dropped: 0 });
  });

  it('an unsubscribed device is told nothing more; subscriptions outlive a restart', async () => {
    const res = await call('DELETE', '/api/v1/push/subscriptions', { endpoint: retried.json.endpoint });
    expect(res.json()).toEqual({ removed: true });
    expect((await call('DELETE', '/api/v1/push/subscriptions', { endpoint: retried.json.endpoint })).json()).toEqual({
      removed: false,
    });
    // A late sale revises the crossing: pushed to the one device left.
    const okBefore = at('/push/ok').length;
    const flakyBefore = at('/push/flaky').length;
    await injectOrders(app, ndjson([sale('p-0', T0 + 10_000, '500.00')]));
    const revised = await until(() => at('/push/ok')[okBefore], 10_000, 'the revision');
    expect(decrypt(ok, revised)).toMatchObject({ type: 'milestone-revised', crossedAt: '2015-11-10T16:00:30.100Z' });
    await eventually(async () => (await deliveries()).ok === 3, 'the revision delivered');
    expect(at('/push/flaky')).toHaveLength(flakyBefore);

    await app.close();
    ({ app } = await startApp(join(dir.path, 'db'), env()));
    expect(app.webPush!.count).toBe(1);
    expect((await readPushSubscriptions(app.store, 10))[0]!.endpoint).toBe(ok.json.endpoint);
  });
});
