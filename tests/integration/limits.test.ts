import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, injectOrders } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('limits');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, { MAX_BODY_BYTES: '4096', MAX_BATCH_LINES: '5', MAX_LINE_BYTES: '300' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(body: string) {
  return injectOrders(app, body);
}

describe('request limits', () => {
  it('answers 413 with a code when the body is over the limit', async () => {
    const res = await post('x'.repeat(5000));
    expect([res.statusCode, res.json().code]).toEqual([413, 'GMV_ERR_BODY_TOO_LARGE']);
  });

  it('answers 413 when a batch holds too many orders', async () => {
    const res = await post(ndjson(Array.from({ length: 6 }, (_, i) => order(i))));
    expect([res.statusCode, res.json().code]).toEqual([413, 'GMV_ERR_TOO_MANY_LINES']);
  });

  it('rejects a line over the line limit by its number and keeps the others', async () => {
    const long = JSON.stringify({ ...order(2), merchant_id: 'm'.repeat(64), category: 'x'.repeat(200) });
    const res = await post(ndjson([order(1), long]));
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ line: 2, field: null, code: 'GMV_ERR_LINE_TOO_LONG', message: 'line is longer than 300 bytes' }],
    });
  });

  it('counts nothing from refused requests', async () => {
    const totals = (await app.inject({ url: '/api/v1/totals' })).json();
    expect(totals.gross.orders).toBe(1);
  });
});
