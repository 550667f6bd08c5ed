import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { AllNode } from '../../server/roles.js';
import { injectOrders } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const SECRET_DETAIL = 'password=hunter2 at /var/lib/gmv/secret-path';
const dir = tempDir('error-bodies');
let app: AllNode;
beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: dir.path, INGEST_TOKENS: TOKEN, ROLE: 'all' });
  app = (await buildApp(config, { logger: false })) as AllNode;
  // A route that fails as a bug would, with internals in its error: the app's own error handler answers.
  app.get('/boom', { schema: { hide: true } }, async () => {
    throw new Error(SECRET_DETAIL);
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('error bodies', () => {
  it('answers an unexpected failure 500 in the error shape, with none of the error’s text', async () => {
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      statusCode: 500,
      code: 'GMV_ERR_INTERNAL',
      error: 'Internal Server Error',
      message: 'internal error',
    });
    expect(res.body).not.toContain('hunter2');
  });

  it('answers a store failure 503 with a code and none of ClickHouse’s words', async () => {
    const refuse = (n: number) =>
      app.store.client.command({
        query: `ALTER TABLE ${app.store.db}.orders MODIFY SETTING parts_to_throw_insert = ${n}`,
      });
    // One part in the table, then a limit of one part: ClickHouse refuses the next INSERT.
    expect((await injectOrders(app, ndjson([order(1)]))).statusCode).toBe(200);
    await refuse(1);
    try {
      const res = await injectOrders(app, ndjson([order(2), order(3)]));
      expect(res.statusCode).toBe(503);
      const body = res.json<Record<string, unknown>>();
      expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
      expect(body.code).toBe('GMV_ERR_STORE_UNAVAILABLE');
      expect(res.body).not.toMatch(/parts|TOO_MANY|ClickHouse|Code: \d+|orders_|\.bin/i);
    } finally {
      await refuse(3000);
    }
  });
});
