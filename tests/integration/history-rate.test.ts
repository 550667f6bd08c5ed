import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('history-rate');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, { RATE_LIMIT_READ_PER_MIN: '3' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

let address = 0;

describe('rate limits of the history routes', () => {
  it.each([
    '/api/v1/totals?at=2015-11-11T00:00:00Z',
    '/api/v1/shows',
    '/api/v1/series',
    '/api/v1/breakdowns?dimension=country',
    '/api/v1/on-air?at=2015-11-11T00:00:00Z',
    '/api/v1/export.csv',
    '/api/v1/export.parquet',
  ])('%s answers 429 past RATE_LIMIT_READ_PER_MIN per address', async (url) => {
    // A fresh address per case keeps the budgets apart.
    const remoteAddress = `10.0.0.${++address}`;
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url, remoteAddress })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const res = await app.inject({ url, remoteAddress });
    expect(res.json().code).toBe('GMV_ERR_RATE_LIMITED');
  });
});
