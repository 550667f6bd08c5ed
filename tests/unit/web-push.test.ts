import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pushMessage } from '../../server/alerts/push.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { endpointProblem, keysProblem, WEB_PUSH_SERVICES } from '../../shared/web-push.js';

const PUBLIC = 'BNesUBJ9Orl__BbEjeqdYqeOnwKosuxjktExw66yBnIsgbttaBemkz3A2bP1uz8wvLqeZYmQctiZgixKQ-jprys';
const PRIVATE = 'Jp0t9a6IT_aiqxKbs3etIZawxTQ7iPRStudnXk5Zz54';

describe('endpointProblem(endpoint, services)', () => {
  const services = [...WEB_PUSH_SERVICES];
  it("takes the browsers' push services, Edge's regional hosts by the wildcard", () => {
    for (const e of [
      'https://fcm.googleapis.com/fcm/send/abc:APA91b',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
      'https://web.push.apple.com/QGZ1',
      'https://wns2-by3p.notify.windows.com/w/?token=BQYAAA',
    ])
      expect(endpointProblem(e, services), e).toBeNull();
  });
  it('refuses any other host, plain http, a look-alike host, a user in the URL, and what is not a URL', () => {
    expect(endpointProblem('https://169.254.169.254/latest', services)).toContain('not on a push service');
    expect(endpointProblem('http://fcm.googleapis.com/fcm/send/x', services)).toContain('not on a push service');
    expect(endpointProblem('https://fcm.googleapis.com.evil.example/x', services)).toContain('not on a push service');
    expect(endpointProblem('https://evilnotify.windows.com/w', services)).toContain('not on a push service');
    expect(endpointProblem('https://notify.windows.com/w', services)).toContain('not on a push service');
    expect(endpointProblem('https://a:b@fcm.googleapis.com/x', services)).toContain('user or password');
    expect(endpointProblem('fcm.googleapis.com/x', services)).toBe('the endpoint is not a URL');
  });
  it('matches a configured origin with its port exactly', () => {
    expect(endpointProblem('http://127.0.0.1:8080/push/1', ['http://127.0.0.1:8080'])).toBeNull();
    expect(endpointProblem('http://127.0.0.1:8081/push/1', ['http://127.0.0.1:8080'])).not.toBeNull();
  });
});

describe('keysProblem(keys)', () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const p256dh = ecdh.getPublicKey().toString('base64url');
  const auth = randomBytes(16).toString('base64url');
  it("takes a browser's uncompressed P-256 key and 16-byte secret", () => {
    expect(keysProblem({ p256dh, auth })).toBeNull();
  });
  it('refuses a compressed key, a key of the wrong length and a secret of the wrong length', () => {
    expect(keysProblem({ p256dh: ecdh.getPublicKey(null, 'compressed').toString('base64url'), auth })).toContain(
      'p256dh',
    );
    expect(keysProblem({ p256dh: p256dh.slice(0, -4), auth })).toContain('p256dh');
    expect(keysProblem({ p256dh, auth: randomBytes(12).toString('base64url') })).toBe('keys.auth is not 16 bytes');
  });
});

describe('loadConfig: WEB_PUSH_*', () => {
  const base = { DATA_DIR: '/tmp/x' };
  it('is off without the keys', () => {
    expect(loadConfig(base).webPush).toBeNull();
  });
  it('needs both keys and the subject together', () => {
    expect(() => loadConfig({ ...base, WEB_PUSH_VAPID_PUBLIC_KEY: PUBLIC })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...base, WEB_PUSH_VAPID_PUBLIC_KEY: PUBLIC, WEB_PUSH_VAPID_PRIVATE_KEY: PRIVATE }),
    ).toThrow(/WEB_PUSH_VAPID_PUBLIC_KEY, WEB_PUSH_VAPID_PRIVATE_KEY and WEB_PUSH_SUBJECT together/);
  });
  it('reads the keys, the subject, the events and the retries; refuses a malformed key without echoing it', () => {
    const c = loadConfig({
      ...base,
      WEB_PUSH_VAPID_PUBLIC_KEY: PUBLIC,
      WEB_PUSH_VAPID_PRIVATE_KEY: PRIVATE,
      WEB_PUSH_SUBJECT: 'mailto:ops@example.com',
      WEB_PUSH_EVENTS: 'milestone,stale',
      WEB_PUSH_RETRY_ATTEMPTS: '3',
    }).webPush;
    expect(c).toMatchObject({
      publicKey: PUBLIC,
      privateKey: PRIVATE,
      subject: 'mailto:ops@example.com',
      events: ['milestone', 'stale'],
      services: [...WEB_PUSH_SERVICES],
      maxSubscriptions: 1000,
      retry: { attempts: 3, firstDelayMs: 1000, maxDelayMs: 60_000 },
    });
    const bad = () => loadConfig({ ...base, WEB_PUSH_VAPID_PRIVATE_KEY: 'not-a-key-at-all' });
    expect(bad).toThrow('WEB_PUSH_VAPID_PRIVATE_KEY must be a P-256 private key, base64url (43 characters)');
    expect(bad).not.toThrow(/not-a-key/);
    expect(() => loadConfig({ ...base, WEB_PUSH_SUBJECT: 'ops@example.com' })).toThrow(/WEB_PUSH_SUBJECT must be/);
  });
});

describe('pushMessage(alert, sentAtMs)', () => {
  it('is the json webhook body with a title and body to show, and /exec to open', () => {
    const m = pushMessage(
      {
        id: '2015:stale:1447171230200',
        type: 'stale',
        show: { id: '2015', name: 'Gala', timeZone: 'Asia/Shanghai' },
        lastDataAtMs: 1447171230200,
        resumedAtMs: null,
        gmv: '1234567.80',
        orders: 12,
      },
      1447171260000,
    );
    expect(m).toEqual({
      id: '2015:stale:1447171230200',
      type: 'stale',
      show: '2015',
      showName: 'Gala',
      lastDataAt: '2015-11-10T16:00:30.200Z',
      gmv: '1234567.80',
      orders: 12,
      sentAt: '2015-11-10T16:01:00.000Z',
      title: 'Gala: live data stopped',
      body: 'Gala: no new orders since 2015-11-11 00:00:30.200 (Asia/Shanghai)\nGMV ¥1,234,567.80 from 12 orders',
      url: '/exec',
    });
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(4000);
  });
});
