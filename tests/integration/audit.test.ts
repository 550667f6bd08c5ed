import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import type { AuditResponse } from '../../shared/audit.js';
import { formatFen } from '../../shared/money.js';
import { io as connect } from 'socket.io-client';
import { LIVE_NAMESPACE, type Tick } from '../../shared/protocol.js';
import type { ShowConfig } from '../../shared/show.js';
import { injectOrders, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const VIEW = 'view-token-0123456789abcdef';
const dir = tempDir('audit');
const now = Math.floor(Date.now() / 1000) * 1000;
/** On air right now, so wall time and event time are one axis (as on the night). */
const LIVE: ShowConfig = {
  id: 'live',
  name: 'Tonight',
  start: new Date(now - 3_600_000).toISOString(),
  durationHours: 24,
  timeZone: 'UTC',
  currency: 'CNY',
  rates: { CNY: '1' },
  milestones: ['100000000'],
  graceSeconds: 3600,
};
let app: AllNode;
let url: string;

beforeAll(async () => {
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify([LIVE]));
  ({ app, url } = await startApp(join(dir.path, 'db'), { SHOWS_FILE: file, LIVE_SHOW: 'live', VIEW_TOKENS: VIEW }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function sale(id: string, ts: number, amount: string, category = 'apparel', type?: 'refund') {
  return {
    order_id: id,
    ...(type && { type }),
    ts,
    amount,
    currency: 'CNY',
    country: 'CN',
    channel: 'mobile',
    category,
  };
}
const fen = (os: Record<string, unknown>[]) => os.reduce((s, o) => s + fenOf(o), 0);

async function audit(atMs: number, token: string | null = VIEW) {
  return app.inject({
    url: `/api/v1/audit?at=${new Date(atMs).toISOString()}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

describe('the audit on real chDB', () => {
  it('explains exactly the difference between the wall and the truth: late sales, a late refund, an early sale', async () => {
    const socket: LiveSocket = connect(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: VIEW } });
    const c = { socket, ticks: [] as Tick[] };
    socket.on('tick', (t) => c.ticks.push(t));
    try {
      // The director puts the hero scene on air before the figures we look at.
      expect((await app.director.act('test', 'preview', { kind: 'hero' })).ok).toBe(true);
      expect((await app.director.act('test', 'take')).ok).toBe(true);

      // On the wall: five sales before the instant, and one stamped ten minutes ahead (early).
      const onWall = [1, 2, 3, 4, 5].map((i) => sale(`a-${i}`, now - 120_000 + i * 1000, `${i}0.0${i}`));
      const early = sale('a-early', now + 600_000, '7.77', 'beauty');
      expect((await injectOrders(app, ndjson([...onWall, early]))).json()).toMatchObject({ accepted: 6 });
      const shown = await until(() => c.ticks.find((t) => t.gross.orders === 6), 10_000, 'the tick');
      const at = shown.sentAtMs;
      // Recorded (a second's flush).
      const recorded = async (t: Tick) => {
        for (let i = 0; i < 100; i++) {
          const r = (await audit(t.sentAtMs)).json<AuditResponse>();
          if (r.onAir?.seq === t.seq) return r;
          await new Promise((res) => setTimeout(res, 100));
        }
        throw new Error(`tick ${t.seq} was not recorded`);
      };
      const first = await recorded(shown);
      expect(first.onAir).toMatchObject({ kind: 'tick', gross: shown.gross, net: shown.net, healthy: true });
      expect(first.onAir!.committedAt).toBe(new Date(shown.committedAtMs!).toISOString());
      // The take is in the frame at once; the rankings at most a second (and a message) later.
      expect(first.onAir!.frame!.frame.program?.scene).toEqual({ kind: 'hero' });
      expect(Date.parse(first.onAir!.frame!.sentAt)).toBeLessThanOrEqual(at);
      const later = await until(() => c.ticks.find((t) => t.sentAtMs >= at + 1000), 10_000, 'a tick a second on');
      const frame = (await recorded(later)).onAir!.frame!;
      expect(frame.frame.rankings.category.map((r) => r.key)).toEqual(['apparel', 'beauty']);
      expect(Date.parse(frame.sentAt)).toBeGreaterThan(at - 1000);

      // After the broadcast: three sales and a refund stamped before the instant (late), and a
      // sale stamped after it (in neither side).
      const late = [1, 2, 3].map((i) => sale(`b-${i}`, at - 30_000 + i, `1.1${i}`));
      const refund = sale('a-2', at - 10_000, '20.02', 'apparel', 'refund');
      const after = sale('b-after', at + 5_000, '99.00');
      expect((await injectOrders(app, ndjson([...late, refund, after]))).json()).toMatchObject({ accepted: 5 });
      await until(() => c.ticks.some((t) => t.gross.orders === 10), 10_000, 'the late orders on the wall');

      const r = (await audit(at)).json<AuditResponse>();
      const truthSales = fen(onWall) + fen(late);
      expect(r.truth).toEqual({
        gross: { orders: 8, gmv: fenToDecimal(truthSales) },
        net: { orders: 7, gmv: fenToDecimal(truthSales - fenOf(refund)) },
      });
      expect(r.onAir!.gross).toEqual({ orders: 6, gmv: fenToDecimal(fen(onWall) + fenOf(early)) });
      expect(r.difference).toEqual({
        gross: { orders: 2, gmv: formatFen(fen(late) - fenOf(early)) },
        net: { orders: 1, gmv: formatFen(fen(late) - fenOf(early) - fenOf(refund)) },
      });
      const part = (p: string) => r.parts.find((x) => x.part === p);
      expect(part('late-sales')).toMatchObject({ orders: 3, gmv: fenToDecimal(fen(late)) });
      expect(part('late-refunds')).toMatchObject({ orders: 1, gmv: '20.02', net: { orders: -1, gmv: '-20.02' } });
      expect(part('early-sales')).toMatchObject({ orders: 1, gmv: '7.77', gross: { orders: -1, gmv: '-7.77' } });
      expect(part('early-refunds')).toMatchObject({ orders: 0, gmv: '0.00' });
      expect(part('unexplained')).toEqual({
        part: 'unexplained',
        orders: 0,
        gmv: '0.00',
        gross: { orders: 0, gmv: '0.00' },
        net: { orders: 0, gmv: '0.00' },
      });
      expect(r.explained).toBe(true);
      expect(r.repairs).toEqual({ rebuilds: 0, pending: 0 });
    } finally {
      c.socket.close();
    }
  });

  it('counts a rebuild of the live state after the broadcast (its rollups repaired), and still explains it all', async () => {
    const t = await audit(Date.now());
    const rec = t.json<AuditResponse>();
    expect(rec.onAir).not.toBeNull();
    const at = Date.parse(rec.onAir!.sentAt);
    expect(rec.repairs.rebuilds).toBe(0);
    // A failed write as the writer reports it: the show's rollups are repaired and the state rebuilt.
    app.live.markStale();
    let r = rec;
    for (let i = 0; i < 150 && r.repairs.rebuilds === 0; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = (await audit(at)).json<AuditResponse>();
    }
    expect(r.repairs).toEqual({ rebuilds: 1, pending: 0 });
    expect(r.explained).toBe(true);
  });

  it('answers nothing on air before the first broadcast, and refuses without a viewer token', async () => {
    const before = (await audit(now - 86_400_000)).json<AuditResponse>();
    expect(before.onAir).toBeNull();
    const refused = await audit(now, null);
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ code: string }>().code).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
  });
});
