import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TICK_SECONDS } from '../../server/live/node.js';
import { injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const START_S = Date.parse('2015-11-11T00:00:00+08:00') / 1000;
const dir = tempDir('bounded-messages');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** One order in each of `n` seconds from `from` (seconds since the show start). */
function spread(from: number, n: number, tag: string) {
  return Array.from({ length: n }, (_, i) =>
    order(from + i, { order_id: `${tag}-${i}`, ts: new Date((START_S + from + i) * 1000 + 250).toISOString() }),
  );
}

describe('live messages stay bounded in bytes', () => {
  it('sends a snapshot, not a tick, when a commit changes more seconds than a tick carries', async () => {
    const board = liveClient(url);
    try {
      await until(() => board.snapshots.length > 0, 10_000, 'a first snapshot');
      // A few seconds: a tick with them.
      expect((await injectOrders(app, ndjson(spread(10, 5, 'few')))).json().accepted).toBe(5);
      await until(() => board.ticks.some((t) => t.gross.orders === 5), 10_000, 'a tick with five orders');
      const snapshots = board.snapshots.length;
      // Late orders in more seconds than a tick may carry, at once: the boards get a snapshot.
      const many = MAX_TICK_SECONDS + 500;
      expect((await injectOrders(app, ndjson(spread(20, many, 'many')))).json().accepted).toBe(many);
      await until(
        () => board.snapshots.some((s) => s.gross.orders === 5 + many),
        10_000,
        'a snapshot with every order',
      );
      expect(board.snapshots.length).toBeGreaterThan(snapshots);
      for (const t of board.ticks) expect(t.series.length).toBeLessThanOrEqual(MAX_TICK_SECONDS);
    } finally {
      board.socket.close();
    }
  });
});
