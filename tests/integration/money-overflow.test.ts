import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOrders } from '../../server/store/orders.js';
import { MAX_ORDER_FEN } from '../../shared/money.js';
import type { Order } from '../../shared/order.js';
import type { TotalsResponse } from '../../shared/protocol.js';
import { injectOrders, parsedOrder, startApp, until } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// Issue #12: a show whose stored total passes 2^53 fen must still rebuild its live state (at
// start, after a failure), keep accepting orders and show the exact sum. The orders are the
// largest the validator accepts (10,000,000.00 GBP, the dearest currency of the 2015 show), all
// in one second and one merchant: the hostile case for every per-second and per-key sum.
const dir = tempDir('money-overflow');
let app: AllNode;

const MAX_AMOUNT = (MAX_ORDER_FEN / 100).toFixed(2);
const TS = '2015-11-11T00:00:05.250+08:00';

function maxRaw(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    order_id: `max-${i}`,
    ts: TS,
    amount: MAX_AMOUNT,
    currency: 'GBP',
    country: 'GB',
    channel: 'mobile',
    category: 'electronics',
    merchant_id: 'm-max',
    ...over,
  };
}

/** Exact fen as the API writes it, from BigInt alone. */
function decimal(fen: bigint): string {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

const MAX_FEN = BigInt(parsedOrder(maxRaw(0)).gmv_fen);
/** Stored below HTTP: enough of the largest orders to pass 2^53 fen. */
const STORED = Number((1n << 53n) / MAX_FEN) + 10;

async function totals(query = ''): Promise<TotalsResponse> {
  const res = await app.inject({ url: `/api/v1/totals${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<TotalsResponse>();
}

beforeAll(async () => {
  // No reconciliation while orders land below it (its repair would race the inserts).
  ({ app } = await startApp(dir.path, { RECONCILE_MS: '3600000' }));
  const template = parsedOrder(maxRaw(0));
  for (let from = 0; from < STORED; from += 100_000) {
    const batch: Order[] = [];
    for (let i = from; i < Math.min(STORED, from + 100_000); i++) batch.push({ ...template, order_id: `max-${i}` });
    await insertOrders(app.store, batch);
  }
  // Stored behind the live state's back: the next start rebuilds it from the rollups.
  await app.close();
}, 180_000);
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('a show past 2^53 fen on real chDB', () => {
  it('restarts, rebuilds, keeps accepting orders and shows the exact totals', async () => {
    const stored = BigInt(STORED) * MAX_FEN;
    expect(stored).toBeGreaterThan(1n << 53n);
    // The start rebuilds the live state from the rollups: whole-show sums past 2^53 fen.
    ({ app } = await startApp(dir.path, { RECONCILE_MS: '250' }));
    expect((await totals()).gross).toEqual({ gmv: decimal(stored), orders: STORED });

    // Ingest answers and counts, to the fen: two more of the largest, a cent and a refund.
    const more = [
      maxRaw(STORED),
      maxRaw(STORED + 1),
      maxRaw(STORED + 2, { amount: '0.01', currency: 'CNY', merchant_id: 'm-cent' }),
      maxRaw(STORED + 3, { type: 'refund' }),
    ];
    const res = await injectOrders(app, ndjson(more));
    expect(res.statusCode).toBe(200);
    expect(res.json<{ accepted: number }>().accepted).toBe(4);
    const gross = stored + 2n * MAX_FEN + 1n;
    const want = {
      gross: { gmv: decimal(gross), orders: STORED + 3 },
      net: { gmv: decimal(gross - MAX_FEN), orders: STORED + 2 },
    };
    expect(await totals()).toMatchObject(want);

    // A rebuild after a failure (rollups derived again from the orders) lands on the same figures.
    app.live.markStale();
    await app.live.ensureFresh();
    expect(await totals()).toMatchObject(want);
    // And so do the store's own totals of the show (time travel reads them).
    expect(await totals(`?at=${encodeURIComponent('2015-11-11T00:00:06+08:00')}`)).toMatchObject(want);

    // What the boards get, exact too: the merchant past 2^53 fen and the one with a cent.
    const snapshot = app.live.snapshot();
    expect(snapshot.gross).toEqual(want.gross);
    expect(snapshot.breakdowns.merchant).toEqual([
      { key: 'm-max', orders: STORED + 2, gmv: decimal(stored + 2n * MAX_FEN) },
      { key: 'm-cent', orders: 1, gmv: '0.01' },
    ]);
    expect(snapshot.breakdowns.channel).toEqual([{ key: 'mobile', orders: STORED + 3, gmv: decimal(gross) }]);

    // Reconciliation reads the same sums and finds the live state in line with them.
    const checks = app.reconciliation.checks;
    await until(() => app.reconciliation.checks >= checks + 2, 10_000, 'two reconciliation checks');
    expect(app.reconciliation.mismatches).toBe(0);
    expect(app.reconciliation.differences).toEqual([]);
    expect(app.live.isStale).toBe(false);
  });
});
