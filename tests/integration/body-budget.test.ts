import { connect, type Socket } from 'node:net';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectOrders, startApp } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const BODY = 64 * 1024;
const METRICS = 'metrics-token-0123456789abcdef';

const dir = tempDir('body-budget');
let app: AllNode;
let port: number;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, {
    MAX_BODY_BYTES: String(BODY),
    MAX_BODY_BYTES_IN_FLIGHT: String(2 * BODY),
    METRICS_TOKENS: METRICS,
  }));
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** An upload that announces a full-size body, sends its first bytes and then holds the connection. */
const answers: string[] = [];
async function slowUpload(): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('data', (d: Buffer) => answers.push(d.toString()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    'POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n' +
      `Authorization: Bearer ${TOKEN}\r\nContent-Length: ${BODY}\r\n\r\n{"order_id":`,
  );
  return socket;
}

describe('bytes of ingest bodies in flight', () => {
  it('sheds a body that would pass the budget with 503 and Retry-After, and takes bodies again once the others end', async () => {
    const held = [await slowUpload(), await slowUpload()];
    try {
      // Give the server a moment to read both uploads' headers (each reserves its bytes then).
      await new Promise((r) => setTimeout(r, 500));
      // Both uploads are being received: the next body, however small, finds the budget spent.
      const res = await injectOrders(app, ndjson([order(1)]));
      expect([res.statusCode, answers]).toEqual([503, []]);
      expect(res.json().code).toBe('GMV_ERR_OVERLOADED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const metrics = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } })).body;
      expect(metrics).toMatch(/gmv_ingest_shed_total\{reason="bytes"\} [1-9]/);
    } finally {
      for (const s of held) s.destroy();
    }
    // Aborted uploads give their bytes back.
    let again = await injectOrders(app, ndjson([order(2)]));
    for (let i = 0; i < 100 && again.statusCode !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await injectOrders(app, ndjson([order(2)]));
    }
    expect(again.statusCode).toBe(200);
  });
});
