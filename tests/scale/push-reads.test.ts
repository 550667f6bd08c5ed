import type { PushNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode } from '../fixtures/app.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

// A push node keeps no store: reads that need one are refused by name, never a 500.
const dir = tempDir('scale-push-reads');
let redis: RedisProcess;
let app: PushNode;

beforeAll(async () => {
  redis = await startRedis();
  ({ app } = await startNode<PushNode>(dir.path, { ROLE: 'push', REDIS_URL: redis.url, INGEST_TOKENS: '' }));
});
afterAll(async () => {
  await app?.close();
  await redis?.stop();
  dir.remove();
});

describe('reads on a push node', () => {
  it.each(['show=2014', 'at=2015-11-11T00:00:10%2B08:00', 'show=2014&at=2014-11-11T00:00:10%2B08:00'])(
    'refuses /api/v1/totals?%s as not served here',
    async (q) => {
      const res = await app.inject({ url: `/api/v1/totals?${q}` });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().code).toBe('GMV_ERR_NOT_CONFIGURED');
    },
  );
});
