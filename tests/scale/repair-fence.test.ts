import type { AllNode, IngestNode } from '../../server/roles.js';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectOrders, startApp, startNode } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { rollupSums } from '../fixtures/rollups.js';
import { tempDir } from '../fixtures/server.js';

// A live node and an ingest node over one store (the process's chDB data directory stands in
// for a shared ClickHouse server). The live node repairs the live show's rollups while the
// ingest node takes orders of that show.
const dir = tempDir('scale-repair-fence');
let redis: RedisProcess;
let r: ReturnType<typeof createClient>;
let live: AllNode;
let ingest: IngestNode;

beforeAll(async () => {
  redis = await startRedis();
  r = createClient({ url: redis.url });
  await r.connect();
  // No reconciliation: a drift it found would repair the show on its own.
  ({ app: live } = await startApp(dir.path, { REDIS_URL: redis.url, RECONCILE_MS: '3600000' }));
  ({ app: ingest } = await startNode<IngestNode>(dir.path, { REDIS_URL: redis.url, ROLE: 'ingest' }));
});

afterAll(async () => {
  await ingest?.close();
  await live?.close();
  await r?.quit();
  await redis?.stop();
  dir.remove();
});

async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('a rollup repair on the live node', () => {
  it('loses no order an ingest node sends between its build and its swap', async () => {
    expect((await injectOrders(ingest, ndjson(Array.from({ length: 20 }, (_, i) => order(i + 1))))).statusCode).toBe(
      200,
    );

    // The repair stops after its build until the ingest node's batch has landed (today's code)
    // or is held back by the live node's fence in Redis.
    let built = false;
    let release = () => {};
    const swapAllowed = new Promise<void>((res) => (release = res));
    live.live.beforeSwap = async () => {
      built = true;
      await swapAllowed;
    };
    live.live.markStale(['2015']);
    const repairing = live.live.ensureFresh();
    await eventually(() => built, 15_000, 'the repair built');

    const batch = ndjson(Array.from({ length: 30 }, (_, i) => order(i + 101)));
    let settled = false;
    const sent = injectOrders(ingest, batch).finally(() => (settled = true));
    await eventually(
      async () => settled || ((await r.exists('gmv:{2015}:repair')) === 1 && ingest.writer.pending > 0),
      15_000,
      'the batch stored, or waiting at the fence',
    );
    release();
    await repairing;
    live.live.beforeSwap = null;

    // Refused while the fence stood long (503): sent again, as a client would.
    let res = await sent;
    while (res.statusCode === 503) res = await injectOrders(ingest, batch);
    expect(res.statusCode).toBe(200);
    const orders = await ingest.store.query({
      query: `SELECT count() AS n FROM ${ingest.store.db}.orders WHERE show = '2015'`,
      format: 'JSONEachRow',
    });
    expect(Number((await orders.json<{ n: string }>())[0]!.n)).toBe(50);
    // Each rollup holds the show's orders and gmv as its view derives them from the orders.
    for (const [table, sums] of Object.entries(await rollupSums(live.store, '2015'))) {
      expect({ table, sums: sums.stored }).toEqual({ table, sums: sums.derived });
    }
  });

  it('runs again when its fence was lost meanwhile, and then holds every order', async () => {
    let built = 0;
    let release = () => {};
    const swapAllowed = new Promise<void>((res) => (release = res));
    live.live.beforeSwap = async () => {
      // The first time only: the fence gone (expired, or Redis lost it), an ingest node writes.
      if (++built === 1) {
        await r.del('gmv:{2015}:repair');
        await swapAllowed;
      }
    };
    live.live.markStale(['2015']);
    const repairing = live.live.ensureFresh();
    await eventually(() => built === 1, 15_000, 'the repair built');
    const batch = ndjson(Array.from({ length: 30 }, (_, i) => order(i + 201)));
    expect((await injectOrders(ingest, batch)).statusCode).toBe(200);
    release();
    await expect(repairing).rejects.toThrow(/fence/);
    expect(live.live.isStale).toBe(true);

    await live.live.ensureFresh();
    live.live.beforeSwap = null;
    expect(built).toBe(2);
    expect(await r.exists('gmv:{2015}:repair')).toBe(0);
    for (const [table, sums] of Object.entries(await rollupSums(live.store, '2015'))) {
      expect({ table, sums: sums.stored }).toEqual({ table, sums: sums.derived });
    }
  });
});
