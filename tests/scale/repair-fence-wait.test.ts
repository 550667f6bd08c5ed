import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairFence } from '../../server/ingest/repair-fence.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';

// A failed INSERT over HTTP keeps its entry up to its bound (a minute): the repair waits it out
// before it raises the fence, so the other batches of the show go on meanwhile.
let redis: RedisProcess;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.close();
  await redis?.stop();
});

describe('the repair fence', () => {
  it('waits out an INSERT already under way without fencing the show, then fences, repairs and lifts', async () => {
    const fence = new RepairFence(client, pino({ level: 'silent' }), { insertMs: 60_000 });
    const inserts = 'gmv:{s1}:inserts';
    const fenceKey = 'gmv:{s1}:repair';
    const [sec] = (await client.sendCommand(['TIME'])) as string[];
    await client.sendCommand(['ZADD', inserts, String(Number(sec) * 1000 + 60_000), 'failed-insert']);
    let repaired = false;
    let fencedDuringRepair = false;
    const repair = fence.around('s1', async () => {
      fencedDuringRepair = Number(await client.sendCommand(['EXISTS', fenceKey])) === 1;
      repaired = true;
    });
    // While the old entry stands: no fence, and another batch of the show enters at once.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(await client.sendCommand(['EXISTS', fenceKey])).toBe(0);
      const entry = await fence.enter(['s1']);
      expect(entry.sendable()).toBe(true);
      entry.end();
    }
    expect(repaired).toBe(false);
    await client.sendCommand(['ZREM', inserts, 'failed-insert']);
    await repair;
    expect(repaired).toBe(true);
    expect(fencedDuringRepair).toBe(true);
    expect(await client.sendCommand(['EXISTS', fenceKey])).toBe(0);
  });
});
