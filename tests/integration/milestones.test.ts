import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFen } from '../../shared/money.js';
import type { Snapshot } from '../../shared/protocol.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { liveClient, startApp, until, injectOrders } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('milestones');
let app: AllNode;
let url: string;
const T0_2015 = Date.parse('2015-11-11T00:00:00+08:00');
const T0_2014 = Date.parse('2014-11-11T00:00:00+08:00');

beforeAll(async () => {
  const shows = DEFAULT_SHOWS.map((s) => (s.id === '2015' ? { ...s, milestones: ['1000.00', '5000.00'] } : s));
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify(shows));
  ({ app, url } = await startApp(join(dir.path, 'db'), { SHOWS_FILE: file, SHOW_CLOCK: 'events' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function sale(id: string, ms: number, amount: string) {
  return { order_id: id, ts: ms, amount, currency: 'CNY', country: 'CN', channel: 'mobile', merchant_id: 'm1' };
}
async function post(orders: unknown[]) {
  const res = await injectOrders(app, ndjson(orders));
  return res.json<{ accepted: number }>();
}

describe('milestones and pace on real chDB', () => {
  it("compares with last year's day at the same second and adds its total as a milestone", async () => {
    // Last year: 300.00 in second 10, 700.00 in second 20, 2000.00 in second 100.
    await post([
      sale('ly-1', T0_2014 + 10_000, '300.00'),
      sale('ly-2', T0_2014 + 20_500, '700.00'),
      sale('ly-3', T0_2014 + 100_000, '2000.00'),
    ]);
    await app.live.loadLastYear();
    // This year: 500.00 by second 20 (last year had 1000.00 by then).
    await post([sale('a-1', T0_2015 + 5_000, '200.00'), sale('a-2', T0_2015 + 20_900, '300.00')]);
    const snap = app.live.snapshot();
    expect(snap.lastYear).toMatchObject({ show: '2014', totalGmv: '3000.00' });
    expect(snap.lastYear!.minuteGmv.slice(0, 2)).toEqual(['1000.00', '2000.00']);
    expect(snap.pace).toEqual({ vsLastYearPct: -50, projectedGmv: '1500.00', lastYearSoFar: '1000.00' });
    expect(snap.milestones.map((m) => [m.amount, m.kind])).toEqual([
      ['1000.00', 'threshold'],
      ['3000.00', 'last-year'],
      ['5000.00', 'threshold'],
    ]);
  });

  it('marks a milestone crossed at the event time of the order that reached it, and tells the boards', async () => {
    const c = liveClient(url);
    try {
      await until(() => c.snapshots[0], 10_000, 'snapshot');
      // 500.00 so far; these arrive out of event-time order: the crossing is the 0:00:30.100 order.
      await post([sale('b-2', T0_2015 + 40_000, '400.00'), sale('b-1', T0_2015 + 30_100, '450.00')]);
      await post([sale('b-3', T0_2015 + 30_050, '40.00'), sale('b-4', T0_2015 + 30_200, '20.00')]);
      // 500 + 40 (30.050) + 450 (30.100) = 990; + 20 (30.200) = 1010: the 1000 milestone falls at 30.200.
      const tick = await until(
        // A late order can move a crossing earlier: the time is revised to the exact one.
        () => c.ticks.find((t) => t.milestones[0]?.crossedAtMs === T0_2015 + 30_200),
        10_000,
        'a tick with the crossing',
      );
      expect(tick.milestones[0]).toMatchObject({ amount: '1000.00', crossedAtMs: T0_2015 + 30_200 });
      // The next milestone (last year's total) gets a prediction; later ones do not.
      expect(tick.milestones[1]!.crossedAtMs).toBeNull();
      expect(tick.milestones[2]!.predictedAtMs).toBeNull();
      expect(tick.gross.gmv).toBe(formatFen(141_000));
    } finally {
      c.socket.close();
    }
  });

  it('finds the same crossing again after a restart', async () => {
    await app.close();
    ({ app, url } = await startApp(join(dir.path, 'db'), {
      SHOWS_FILE: join(dir.path, 'shows.json'),
      SHOW_CLOCK: 'events',
    }));
    const snap: Snapshot = await until(
      () => {
        const s = app.live.snapshot();
        return s.milestones[0]?.crossedAtMs !== null ? s : null;
      },
      10_000,
      'crossing after restart',
    );
    expect(snap.milestones[0]!.crossedAtMs).toBe(T0_2015 + 30_200);
    expect(snap.pace.lastYearSoFar).not.toBeNull();
  });

  it('sends boards a sample of the committed sales as arcs to the buyers’ countries', async () => {
    const c = liveClient(url);
    try {
      await until(() => c.snapshots[0], 10_000, 'snapshot');
      const orders = Array.from({ length: 300 }, (_, i) => ({
        ...sale(`arc-${i}`, T0_2015 + 50_000 + i, '1.00'),
        country: i % 2 ? 'US' : 'JP',
      }));
      await post(orders);
      const ticks = await until(
        () => {
          const withArcs = c.ticks.filter((t) => t.arcs.length > 0);
          const drawn = withArcs.reduce((n, t) => n + t.arcs.length * t.ordersPerArc, 0);
          return drawn >= 250 ? withArcs : null;
        },
        10_000,
        'arcs',
      );
      for (const t of ticks) expect(t.arcs.length).toBeLessThanOrEqual(48);
      expect(new Set(ticks.flatMap((t) => t.arcs.map(([, country]) => country)))).toEqual(new Set(['US', 'JP']));
    } finally {
      c.socket.close();
    }
  });
});
