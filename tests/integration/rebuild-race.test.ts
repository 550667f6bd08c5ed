import type { AllNode } from '../../server/roles.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { LiveService } from '../../server/live/service.js';
import { readTotals } from '../../server/store/board.js';
import type { StoreHandle } from '../../server/store/client.js';
import { insertOrders } from '../../server/store/orders.js';
import { Telemetry } from '../../server/telemetry.js';
import type { Order } from '../../shared/order.js';
import { parsedOrder, startApp } from '../fixtures/app.js';
import { order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// A rebuild reads the store, then swaps in the board it read: a commit applied in between
// (a local flush, or an ingest node's commit relayed through Redis) must not be lost.
const dir = tempDir('rebuild-race');
const log = pino({ level: 'silent' });
const shows = loadConfig({}).shows;
let app: AllNode;

beforeAll(async () => {
  ({ app } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('LiveService rebuild', () => {
  it('keeps a commit applied while it reads last year after the board', async () => {
    const show = shows.find((s) => s.id === '2015')!;
    const lastYear = shows.find((s) => s.id === show.compareTo)!;
    await insertOrders(app.store, [parsedOrder(order(1))]);
    // The store as the live node sees it; one commit lands (and is applied, as onCommitted
    // does) while the rebuild reads last year's day, which holds no orders here.
    let live: LiveService | null = null;
    let landed: Order | null = null;
    const store: StoreHandle = {
      ...app.store,
      query: (async (params: Parameters<StoreHandle['query']>[0]) => {
        const p = params.query_params as { show?: string } | undefined;
        if (live && !landed && p?.show === lastYear.id) {
          landed = parsedOrder(order(2));
          await insertOrders(app.store, [landed]);
          live.applyCommitted([landed], Date.now());
        }
        return app.store.query(params);
      }) as StoreHandle['query'],
    };
    live = new LiveService(show, 'wall', store, log, lastYear);
    await live.ensureFresh();
    expect(landed).not.toBeNull();

    const stored = await readTotals(app.store, show.id);
    expect(stored.saleOrders).toBe(2);
    expect(live.board.gross().orders).toBe(stored.saleOrders);
    expect(live.board.grossFen()).toBe(stored.saleFen);
  });

  it('rebuilds again, repaired, when marked stale while it reads', async () => {
    const show = shows.find((s) => s.id === '2015')!;
    // An ingest node's INSERT failed (relayed "failure") while the live node was reading: its
    // rows may be in the orders without their rollups, which only a repair brings back.
    let live: LiveService | null = null;
    let marked = false;
    const store: StoreHandle = {
      ...app.store,
      query: (async (params: Parameters<StoreHandle['query']>[0]) => {
        if (live && !marked && params.query.includes('gmv_by_second')) {
          marked = true;
          live.markStale();
        }
        return app.store.query(params);
      }) as StoreHandle['query'],
    };
    const telemetry = new Telemetry();
    const rebuilds: boolean[] = [];
    telemetry.on('rebuild', (e) => rebuilds.push(e.repaired));
    live = new LiveService(show, 'wall', store, log, null, telemetry);
    await live.ensureFresh();
    expect(marked).toBe(true);
    // The first rebuild's read may predate the failure: a second one, repaired, follows.
    expect(rebuilds).toEqual([false, true]);
    expect(live.isStale).toBe(false);
  });
});
