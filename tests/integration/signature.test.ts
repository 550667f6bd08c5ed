import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, injectOrders, grossTotals } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const OLD_SECRET = 'old-secret-0123456789abcdef0123456789';
const NEW_SECRET = 'new-secret-0123456789abcdef0123456789';

const dir = tempDir('signature');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, { INGEST_HMAC_SECRETS: `${OLD_SECRET},${NEW_SECRET}` }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function sign(body: string | Buffer, secret = NEW_SECRET, t = Math.floor(Date.now() / 1000)): string {
  const hmac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${hmac}`;
}

function post(payload: string | Buffer, headers: Record<string, string> = {}) {
  return injectOrders(app, payload, headers);
}

const totals = () => grossTotals(app);

describe('signed ingest', () => {
  it('accepts a request signed with either secret of a rotation', async () => {
    const a = ndjson([order(1), order(2)]);
    const b = ndjson([order(3)]);
    expect((await post(a, { 'x-gmv-signature': sign(a, OLD_SECRET) })).json()).toMatchObject({ accepted: 2 });
    expect((await post(b, { 'x-gmv-signature': sign(b, NEW_SECRET) })).json()).toMatchObject({ accepted: 1 });
    expect((await totals()).orders).toBe(3);
  });

  it('refuses a missing, malformed, wrong or stale signature with 401 and counts nothing', async () => {
    const before = await totals();
    const body = ndjson([order(10)]);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>][] = [
      ['missing', {}],
      ['malformed', { 'x-gmv-signature': 'v1=abc' }],
      ['wrong secret', { 'x-gmv-signature': sign(body, 'another-secret-0123456789abcdef01234') }],
      ['other body', { 'x-gmv-signature': sign(ndjson([order(11)])) }],
      ['other timestamp', { 'x-gmv-signature': sign(body).replace(`t=${now}`, `t=${now - 1}`) }],
      ['too old', { 'x-gmv-signature': sign(body, NEW_SECRET, now - 301) }],
      ['too far ahead', { 'x-gmv-signature': sign(body, NEW_SECRET, now + 301) }],
    ];
    for (const [what, headers] of cases) {
      const res = await post(body, headers);
      expect([what, res.statusCode, res.json().code]).toEqual([what, 401, 'GMV_ERR_SIGNATURE']);
    }
    // The bearer token is still required with a valid signature.
    const noToken = await post(body, { 'x-gmv-signature': sign(body), authorization: 'Bearer nope-nope-nope-nope' });
    expect([noToken.statusCode, noToken.json().code]).toEqual([401, 'GMV_ERR_UNAUTHORIZED']);
    expect(await totals()).toEqual(before);
  });

  it('answers a replayed signed request 409 and counts it once', async () => {
    const body = ndjson([order(20), order(21)]);
    const t = Math.floor(Date.now() / 1000);
    const headers = { 'x-gmv-signature': sign(body, NEW_SECRET, t) };
    expect((await post(body, headers)).json()).toMatchObject({ accepted: 2 });
    const after = await totals();
    const replay = await post(body, headers);
    expect([replay.statusCode, replay.json().code]).toEqual([409, 'GMV_ERR_REPLAYED']);
    expect(await totals()).toEqual(after);
    // The same orders signed anew are a retry, not a replay: deduplicated, not refused.
    // (Another timestamp than the first, whenever the second turns.)
    const again = await post(body, { 'x-gmv-signature': sign(body, OLD_SECRET, t - 1) });
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await totals()).toEqual(after);
  });

  it('lets a refused signed request be sent again as is', async () => {
    const empty = '';
    const emptyHeaders = { 'x-gmv-signature': sign(empty) };
    expect((await post(empty, emptyHeaders)).json().code).toBe('GMV_ERR_BODY_EMPTY');
    expect((await post(empty, emptyHeaders)).json().code).toBe('GMV_ERR_BODY_EMPTY');
  });

  it('checks a gzip body against the compressed bytes as sent', async () => {
    const before = await totals();
    const gz = gzipSync(ndjson([order(30), order(31), order(32)]));
    const res = await post(gz, { 'content-encoding': 'gzip', 'x-gmv-signature': sign(gz) });
    expect(res.json()).toMatchObject({ accepted: 3, rejected: [] });
    // Signing the inflated text instead does not pass.
    const gz2 = gzipSync(ndjson([order(33)]));
    const wrong = await post(gz2, { 'content-encoding': 'gzip', 'x-gmv-signature': sign(ndjson([order(33)])) });
    expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'GMV_ERR_SIGNATURE']);
    expect((await totals()).orders).toBe(before.orders + 3);
  });

  it('verifies over a real socket too, where the body arrives in chunks', async () => {
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const body = ndjson(Array.from({ length: 3000 }, (_, i) => order(1000 + i)));
    const res = await fetch(`${url}/api/v1/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        authorization: `Bearer ${TOKEN}`,
        'x-gmv-signature': sign(body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 3000 });
  });
});
