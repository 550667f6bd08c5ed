import type { AllNode } from '../../server/roles.js';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_NAMESPACE, REPLAY_PATH, type ReplayAck } from '../../shared/history.js';
import { LIVE_NAMESPACE, type Snapshot, type Tick } from '../../shared/protocol.js';
import { injectOrders, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { ok, type ReplaySocket } from '../fixtures/replay.js';
import { tempDir } from '../fixtures/server.js';

// Two socket.io servers on one HTTP server: the board's on /socket.io (namespace /live) and the
// replays' on REPLAY_PATH, so a balancer can route them to different nodes.

type Transport = 'websocket' | 'polling';

const dir = tempDir('socket-paths');
let app: AllNode;
let url: string;
let closed = false;
const sent: Record<string, unknown>[] = [];
const FROM = '2015-11-11T00:00:00+08:00';
const TO = '2015-11-11T01:00:00+08:00';

/** Orders of the live show: `later` ones fall after TO, outside the replayed hour. */
async function post(from: number, count: number, later = false): Promise<void> {
  const batch = Array.from({ length: count }, (_, i) =>
    later ? order(from + i, { ts: `2015-11-11T02:00:${String(i % 60).padStart(2, '0')}.500+08:00` }) : order(from + i),
  );
  const res = await injectOrders(app, ndjson(batch));
  expect(res.json()).toEqual({ accepted: count, duplicates: 0, rejected: [] });
  sent.push(...batch);
}

/** Gross of the orders sent so far (all, or those before `beforeMs`), from the raw orders. */
function expected(beforeMs = Infinity): { gmv: string; orders: number } {
  const some = sent.filter((o) => Date.parse(String(o.ts)) < beforeMs);
  return { gmv: fenToDecimal(some.reduce((s, o) => s + fenOf(o), 0)), orders: some.length };
}

/** A socket and everything it received, with the reasons it was disconnected. */
function record<S extends Socket>(socket: S) {
  const c = { socket, snapshots: [] as Snapshot[], ticks: [] as Tick[], disconnects: [] as string[] };
  const any = socket as unknown as LiveSocket;
  any.on('snapshot', (s) => c.snapshots.push(s));
  any.on('tick', (t) => c.ticks.push(t));
  socket.on('disconnect', (reason) => c.disconnects.push(reason));
  return c;
}
const board = (transport: Transport) =>
  record(connect(`${url}${LIVE_NAMESPACE}`, { transports: [transport], reconnection: false }) as LiveSocket);
const viewer = (transport: Transport) =>
  record(
    connect(`${url}${REPLAY_NAMESPACE}`, {
      path: REPLAY_PATH,
      transports: [transport],
      reconnection: false,
    }) as ReplaySocket,
  );

const ask = <T>(s: ReplaySocket, send: (s: ReplaySocket, ack: (r: ReplayAck) => void) => T) =>
  new Promise<ReplayAck>((r) => send(s, r));

/** How a connection attempt ended: 'connected' or the connect error's message. */
function attempt(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (err) => resolve(err.message));
  }).finally(() => socket.close()) as Promise<string>;
}

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path));
  await post(1, 500);
});
afterAll(async () => {
  if (!closed) await app?.close();
  dir.remove();
});

describe('board and replay socket.io servers on one HTTP server', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`serves a board and a replay at once over ${transport}, each on its own path`, async () => {
      const live = board(transport);
      const replay = viewer(transport);
      try {
        await until(() => live.snapshots.length > 0, 10_000, 'a live snapshot');
        expect(live.snapshots.at(-1)!.gross).toEqual(expected());

        // The replay of the first hour, at its end, holds the orders of that hour.
        const before = expected(Date.parse(TO));
        expect(before.orders).toBe(500);
        const status = ok(
          await ask(replay.socket, (s, ack) => s.emit('create', { show: '2015', from: FROM, to: TO }, ack)),
        );
        expect(status).toMatchObject({ fromMs: Date.parse(FROM), toMs: Date.parse(TO), positionMs: Date.parse(FROM) });
        expect(replay.snapshots.at(-1)!.gross).toEqual({ gmv: '0.00', orders: 0 });
        const end = ok(
          await ask(replay.socket, (s, ack) => s.emit('control', { action: 'seek', atMs: Date.parse(TO) }, ack)),
        );
        expect(end.positionMs).toBe(Date.parse(TO));
        await until(() => replay.snapshots.at(-1)!.gross.orders === before.orders, 10_000, 'the replay at its end');
        expect(replay.snapshots.at(-1)!.gross).toEqual(before);

        // New orders (after the replayed hour) reach the board while the replay stays where it is.
        await post(transport === 'websocket' ? 1000 : 2000, 300, true);
        const want = expected();
        await until(
          () => live.ticks.some((t) => t.gross.orders === want.orders),
          10_000,
          'a live tick with the new orders',
        );
        expect(live.ticks.find((t) => t.gross.orders === want.orders)!.gross).toEqual(want);
        // Two heartbeats later (each server's upgrade handler has long seen the other's sockets),
        // both are still connected and answer.
        const seen = live.ticks.length;
        await until(() => live.ticks.length >= seen + 2, 10_000, 'two more live ticks');
        const paused = ok(await ask(replay.socket, (s, ack) => s.emit('control', { action: 'pause' }, ack)));
        expect(paused.positionMs).toBe(Date.parse(TO));
        expect(replay.snapshots.at(-1)!.gross).toEqual(before);
        expect([live.socket.connected, replay.socket.connected]).toEqual([true, true]);
        expect([live.disconnects, replay.disconnects]).toEqual([[], []]);
        expect([live.socket.io.engine.transport.name, replay.socket.io.engine.transport.name]).toEqual([
          transport,
          transport,
        ]);
      } finally {
        live.socket.close();
        replay.socket.close();
      }
    });
  }

  it("refuses each namespace on the other server's path, and leaves other paths to the HTTP routes", async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      const opts = { transports: [transport], reconnection: false };
      expect(await attempt(connect(`${url}${REPLAY_NAMESPACE}`, opts))).toBe('Invalid namespace');
      expect(await attempt(connect(`${url}${LIVE_NAMESPACE}`, { ...opts, path: REPLAY_PATH }))).toBe(
        'Invalid namespace',
      );
    }
    const res = await fetch(`${url}/elsewhere.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('GMV_ERR_NOT_FOUND');
    // The board page's routes still answer beside both engines.
    expect((await fetch(`${url}/api/v1/totals`)).status).toBe(200);
  });

  it('disconnects both servers’ sockets when the app closes', async () => {
    const live = board('websocket');
    const replay = viewer('websocket');
    await until(() => live.snapshots.length > 0 && replay.socket.connected, 10_000, 'both connected');
    ok(await ask(replay.socket, (s, ack) => s.emit('create', { show: '2015', from: FROM, to: TO }, ack)));
    closed = true;
    await app.close();
    // Closing the engines right after cuts the transports: either reason is a server-side end.
    await until(() => live.disconnects.length > 0 && replay.disconnects.length > 0, 10_000, 'both disconnected');
    expect([live.socket.connected, replay.socket.connected]).toEqual([false, false]);
    expect(app.replays.sessions.size).toBe(0);
    await expect(fetch(`${url}/api/v1/totals`)).rejects.toThrow();
  });
});
