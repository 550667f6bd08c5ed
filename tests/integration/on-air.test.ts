import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openStore } from '../../server/store/client.js';
import type { OnAirResponse } from '../../shared/history.js';
import { LIVE_NAMESPACE, type Tick } from '../../shared/protocol.js';
import type { ShowConfig } from '../../shared/show.js';
import { until, type LiveSocket } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const VIEW = 'view-token-0123456789abcdef';
const dir = tempDir('on-air');
const data = join(dir.path, 'data');
const showsFile = join(dir.path, 'shows.json');
const now = Math.floor(Date.now() / 1000) * 1000;
/** A show on air right now, so wall time and event time are the same axis (as on the real night). */
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
const env = { SHOWS_FILE: showsFile, LIVE_SHOW: 'live', VIEW_TOKENS: VIEW };
let server: ServerProcess | undefined;
let socket: LiveSocket | undefined;
const ticks: Tick[] = [];

beforeAll(async () => {
  writeFileSync(showsFile, JSON.stringify([LIVE]));
  server = await startServer(data, env);
  socket = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: VIEW } });
  socket.on('tick', (t) => ticks.push(t));
});
afterAll(async () => {
  socket?.close();
  await server?.kill('SIGKILL');
  dir.remove();
});

const auth = { authorization: `Bearer ${VIEW}` };

async function onAir(atMs: number): Promise<OnAirResponse> {
  const res = await fetch(`${server!.url}/api/v1/on-air?at=${new Date(atMs).toISOString()}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json() as Promise<OnAirResponse>;
}

/** Polls an async check until it holds, or fails after 10 s. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Sent {
  ts: number;
  fen: number;
  type: 'sale' | 'refund';
}
const sent: Sent[] = [];

function orders(prefix: string, stamps: number[], refundEvery = 0): Record<string, unknown>[] {
  return stamps.map((ts, i) => {
    const o = {
      order_id: `${prefix}-${i}`,
      ...(refundEvery && i % refundEvery === refundEvery - 1 ? { type: 'refund' } : {}),
      ts,
      amount: `${(i % 97) + 1}.${String((i * 37) % 100).padStart(2, '0')}`,
      currency: 'CNY',
      country: 'CN',
      channel: 'mobile',
    };
    sent.push({ ts, fen: fenOf(o), type: o.type === 'refund' ? 'refund' : 'sale' });
    return o;
  });
}

/** The event-time truth at `at`, from the orders this test sent. */
function truthAt(at: number) {
  const upTo = sent.filter((o) => o.ts <= at);
  const sales = upTo.filter((o) => o.type === 'sale');
  const refunds = upTo.filter((o) => o.type === 'refund');
  const fen = (xs: Sent[]) => xs.reduce((s, o) => s + o.fen, 0);
  const net = fen(sales) - fen(refunds);
  return {
    gross: { gmv: fenToDecimal(fen(sales)), orders: sales.length },
    net: { gmv: net < 0 ? `-${fenToDecimal(-net)}` : fenToDecimal(net), orders: sales.length - refunds.length },
  };
}

describe('what was on air', () => {
  it('answers, for the instant a board received a tick, that tick and the event-time truth', async () => {
    // Earlier in the night, then a second batch of which a part is stamped ahead of every tick.
    const a = orders(
      'a',
      Array.from({ length: 40 }, (_, i) => now - 1_800_000 + i * 1000 + (i % 7) * 111),
      8,
    );
    expect((await (await postNdjson(server!.url, ndjson(a))).json()).accepted).toBe(40);
    await until(() => ticks.some((t) => t.gross.orders === 35), 10_000, 'a tick with batch a');
    const b = orders('b', [
      ...Array.from({ length: 20 }, (_, i) => now - 5_000 + i * 17),
      ...Array.from({ length: 5 }, (_, i) => now + 1_200_000 + i),
    ]);
    expect((await (await postNdjson(server!.url, ndjson(b))).json()).accepted).toBe(25);
    await until(() => ticks.some((t) => t.gross.orders === 60), 10_000, 'a tick with batch b');
    // A few heartbeats more, and until the last one received is recorded.
    const seen = ticks.length;
    await until(() => ticks.length >= seen + 3, 10_000, 'heartbeats');
    const last = ticks[ticks.length - 1]!;
    await eventually(async () => (await onAir(last.sentAtMs)).onAir?.seq === last.seq, 'the last tick in on_air');

    // Ticks after `last` may not be written yet.
    const received = ticks.slice(0, ticks.indexOf(last) + 1);
    expect(received.length).toBeGreaterThanOrEqual(5);
    for (const t of received) {
      const got = await onAir(t.sentAtMs);
      expect(got.at).toBe(new Date(t.sentAtMs).toISOString());
      expect(got.onAir).toEqual({
        seq: t.seq,
        kind: 'tick',
        sentAt: new Date(t.sentAtMs).toISOString(),
        asOf: new Date(t.asOfMs).toISOString(),
        gross: t.gross,
        net: t.net,
      });
      expect(got.truth).toEqual(truthAt(t.sentAtMs));
    }
    // Between two ticks the wall still showed the earlier one.
    const [t1, t2] = received.slice(-2) as [Tick, Tick];
    expect((await onAir(t2.sentAtMs - 1)).onAir?.seq).toBe(t2.sentAtMs - 1 >= t1.sentAtMs ? t1.seq : undefined);
    // The future-stamped orders are on the wall (committed) but not yet in the event-time truth.
    expect(t2.gross.orders).toBe(60);
    expect((await onAir(t2.sentAtMs)).truth.gross.orders).toBe(55);
    // Before anything was broadcast, nothing was on air.
    expect((await onAir(now - 86_400_000)).onAir).toBeNull();
  });

  it('refuses every history route without a viewer token, exports included, and accepts the token', async () => {
    const at = new Date(now).toISOString();
    const paths = [
      `/api/v1/totals?at=${at}`,
      '/api/v1/shows',
      '/api/v1/days',
      '/api/v1/series',
      '/api/v1/breakdowns?dimension=country',
      `/api/v1/on-air?at=${at}`,
      '/api/v1/export.csv',
      '/api/v1/export.parquet',
      '/api/v1/export.csv?kind=breakdown&dimension=merchant',
    ];
    for (const p of paths) {
      const none = await fetch(`${server!.url}${p}`);
      expect([p, none.status, ((await none.json()) as { code: string }).code]).toEqual([
        p,
        401,
        'GMV_ERR_VIEWER_UNAUTHORIZED',
      ]);
      const header = await fetch(`${server!.url}${p}`, { headers: auth });
      expect([p, header.status]).toEqual([p, 200]);
      await header.arrayBuffer();
      const query = await fetch(`${server!.url}${p}${p.includes('?') ? '&' : '?'}token=${VIEW}`);
      expect([p, query.status]).toEqual([p, 200]);
      await query.arrayBuffer();
    }
  });

  it('writes what is still buffered when the server stops', async () => {
    const before = ticks.length;
    await until(() => ticks.length >= before + 2, 10_000, 'more ticks');
    expect(await server!.kill('SIGTERM')).toBe(0);
    const received = new Set(ticks.map((t) => t.seq));
    // The server is gone: this process may open its data directory now.
    const store = openStore(loadConfig({ DATA_DIR: data, ...env }));
    try {
      const rs = await store.query({
        query: `SELECT toString(seq) FROM ${store.db}.on_air WHERE show = 'live' AND kind = 'tick'`,
        format: 'JSONCompactEachRow',
      });
      const recorded = new Set((await rs.json<[string]>()).map(([s]) => Number(s)));
      // Every tick a board received is on record, the last ones (flushed at close) too.
      expect([...received].filter((s) => !recorded.has(s))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
