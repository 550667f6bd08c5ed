import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grossTotals, injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const OLD_SECRET = 'old-secret-0123456789abcdef0123456789';
const NEW_SECRET = 'new-secret-0123456789abcdef0123456789';
const dir = tempDir('signature-refusals');
let app: AllNode;
let port: number;
beforeAll(async () => {
  let url: string;
  ({ app, url } = await startApp(dir.path, { INGEST_HMAC_SECRETS: `${OLD_SECRET},${NEW_SECRET}` }));
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function sign(body: string, secret: string, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

describe('signed ingest refusals', () => {
  it('answers 409 to a request already taken, signed again with the other secret of the rotation', async () => {
    const body = ndjson([order(1), order(2)]);
    const t = Math.floor(Date.now() / 1000);
    expect((await injectOrders(app, body, { 'x-gmv-signature': sign(body, NEW_SECRET, t) })).json()).toMatchObject({
      accepted: 2,
    });
    const before = await grossTotals(app);
    const again = await injectOrders(app, body, { 'x-gmv-signature': sign(body, OLD_SECRET, t) });
    expect([again.statusCode, again.json().code]).toEqual([409, 'GMV_ERR_REPLAYED']);
    expect(await grossTotals(app)).toEqual(before);
  });

  it.each([
    ['missing', null],
    ['malformed', 'v1=abc'],
    ['stale', sign('', NEW_SECRET, Math.floor(Date.now() / 1000) - 3600)],
  ])('refuses a %s signature before the body is sent', async (_what, signature) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    try {
      // Headers announcing a megabyte, and not one byte of it: only an answer from the headers can come back.
      socket.write(
        'POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n' +
          `Authorization: Bearer ${TOKEN}\r\nContent-Length: 1000000\r\n` +
          (signature ? `X-GMV-Signature: ${signature}\r\n` : '') +
          '\r\n',
      );
      await until(() => answer.includes('\r\n\r\n{'), 10_000, 'an answer');
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toContain('GMV_ERR_SIGNATURE');
    } finally {
      socket.destroy();
    }
  });
});
