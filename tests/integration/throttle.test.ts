import { connect } from 'node:net';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, injectOrders } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const OTHER_TOKEN = 'other-token-0123456789abcdef';
const THIRD_TOKEN = 'third-token-0123456789abcdef';
const REQUEST_TIMEOUT_MS = 1000;

const dir = tempDir('throttle');
let app: AllNode;
let port: number;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, {
    INGEST_TOKENS: `${TOKEN},${OTHER_TOKEN},${THIRD_TOKEN}`,
    RATE_LIMIT_INGEST_PER_MIN: '5',
    RATE_LIMIT_READ_PER_MIN: '8',
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  }));
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(token: string, i: number) {
  return injectOrders(app, ndjson([order(i)]), { authorization: `Bearer ${token}` });
}

describe('rate limits', () => {
  it('limits ingest per bearer token with 429, Retry-After and our error shape', async () => {
    for (let i = 1; i <= 5; i++) expect((await post(TOKEN, i)).statusCode).toBe(200);
    const limited = await post(TOKEN, 6);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toEqual({
      statusCode: 429,
      code: 'GMV_ERR_RATE_LIMITED',
      error: 'Too Many Requests',
      message: expect.stringMatching(/^too many requests; retry in /),
    });
    // Another sender, from the same address, still gets through.
    expect((await post(OTHER_TOKEN, 7)).statusCode).toBe(200);
  });

  it('counts every spelling of one token against one ingest bucket', async () => {
    // The scheme is case-insensitive (RFC 9110), so each of these authenticates as THIRD_TOKEN.
    const spellings = ['Bearer', 'bearer', 'BEARER', 'bEaReR', 'Bearer', 'bearer'];
    const codes: number[] = [];
    for (const [i, scheme] of spellings.entries()) {
      const res = await injectOrders(app, ndjson([order(20 + i)]), { authorization: `${scheme} ${THIRD_TOKEN}` });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('limits the read API per address', async () => {
    // The totals were read by nobody yet in this file; the limit counts only this route.
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await app.inject({ url: '/api/v1/totals' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const res = await app.inject({ url: '/api/v1/totals' });
    expect([res.statusCode, res.json().code, res.headers['retry-after'] !== undefined]).toEqual([
      429,
      'GMV_ERR_RATE_LIMITED',
      true,
    ]);
    // Health checks are not limited.
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('slow uploads', () => {
  it('closes a connection that stalls mid-body within the request timeout, counting nothing', async () => {
    const before = app.live.totals().gross;
    const body = ndjson([order(100), order(101)]);
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    socket.write(
      'POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n' +
        `Authorization: Bearer ${OTHER_TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n` +
        body.slice(0, 40),
    );
    // Then nothing more: the server must not wait for the rest forever.
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Not before the timeout (the 408 says why it closed; the test's own timeout bounds the wait).
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"GMV_ERR_REQUEST_TIMEOUT"');
    expect(app.live.totals().gross).toEqual(before);
  });
});
