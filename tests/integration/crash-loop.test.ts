import { describe, expect, it } from 'vitest';
import { crashTest } from '../../scripts/crash/run.js';

describe('kill -9 during a load, again and again (CI size of `npm run crash-test`)', () => {
  it('stores exactly the generated orders once unacknowledged batches are resent', async () => {
    const r = await crashTest({ orders: 30_000, kills: 3, batch: 2_500, seed: 11 });
    expect(r.ackedAlwaysStored).toBe(true);
    expect(r.stored).toEqual({ orders: r.generated.orders, distinct: r.generated.orders, fen: r.generated.fen });
    expect(r.generated.orders).toBe(30_000);
    expect(r.ok).toBe(true);
  }, 240_000);
});
