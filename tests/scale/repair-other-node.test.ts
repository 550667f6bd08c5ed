import type { AllNode, IngestNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepairMarks } from '../../server/store/repair.js';
import { injectOrders, startApp, startNode } from '../fixtures/app.js';
import { ndjson, order, order2014 } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { failRollup, rollupsRepaired } from '../fixtures/rollups.js';
import { tempDir } from '../fixtures/server.js';

// A live node and an ingest node over one store (the process's chDB data directory stands in
// for a shared ClickHouse server). The ingest node's INSERT fails; the live node repairs.
const dir = tempDir('scale-repair-other-node');
let redis: RedisProcess;
let live: AllNode;
let ingest: IngestNode;

beforeAll(async () => {
  redis = await startRedis();
  // No reconciliation: a drift it found would repair the live show on its own.
  ({ app: live } = await startApp(dir.path, { REDIS_URL: redis.url, RECONCILE_MS: '3600000' }));
  ({ app: ingest } = await startNode<IngestNode>(dir.path, { REDIS_URL: redis.url, ROLE: 'ingest' }));
});

afterAll(async () => {
  await ingest?.close();
  await live?.close();
  await redis?.stop();
  dir.remove();
});

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a write failed on an ingest node', () => {
  it('has the live node repair every show of the failed batch, not only the live one', async () => {
    // Both shows have rollup parts already: the limit below makes the next INSERT into one throw.
    const first = [...Array.from({ length: 10 }, (_, i) => order(i + 1)), order2014(1)];
    expect((await injectOrders(ingest, ndjson(first))).statusCode).toBe(200);
    await failRollup(ingest.store, 'gmv_by_second', true);
    // A batch of the other show only: the live show's repair alone would leave it as it is.
    const batch = [order2014(3000), order2014(3001)];
    expect((await injectOrders(ingest, ndjson(batch))).statusCode).toBe(503);
    // The orders landed (their rollups did not).
    const rs = await ingest.store.query({
      query: `SELECT count() AS n FROM ${ingest.store.db}.orders WHERE order_id IN ('y-3000', 'y-3001')`,
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(2);
    await failRollup(ingest.store, 'gmv_by_second', false);

    await eventually(
      async () => (await rollupsRepaired(live.store, '2014')) && !live.live.isStale,
      15_000,
      '2014 repaired',
    );
    expect(await rollupsRepaired(live.store, '2015')).toBe(true);
    await eventually(async () => (await readRepairMarks(live.store)).length === 0, 10_000, 'the marks cleared');
  });
});
