import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveStore, type LiveStore } from '../../client/live/store.js';
import {
  REPLAY_NAMESPACE,
  REPLAY_PATH,
  type ReplayAck,
  type ReplayClientToServerEvents,
  type ReplayServerToClientEvents,
  type ReplayStatus,
} from '../../shared/history.js';
import { formatFen } from '../../shared/money.js';
import { LIVE_NAMESPACE, type Snapshot, type Tick } from '../../shared/protocol.js';
import { until, type LiveSocket } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const VIEW = 'viewer-token-0123456789abcdef';

/** A board as the browser runs it: the real client reducer, its resync requests sent on the socket. */
interface Board {
  url: string;
  socket: LiveSocket;
  store: LiveStore;
  ticks: Tick[];
  snapshots: Snapshot[];
  disconnected: boolean;
}

function board(url: string): Board {
  const socket: LiveSocket = connect(`${url}${LIVE_NAMESPACE}`, {
    transports: ['websocket'],
    auth: { token: VIEW },
    // The test is the load balancer: a lost node's boards are sent elsewhere, not back.
    reconnection: false,
  });
  const b: Board = {
    url,
    socket,
    store: createLiveStore(() => socket.emit('resync')),
    ticks: [],
    snapshots: [],
    disconnected: false,
  };
  socket.on('connect', () => b.store.dispatch({ type: 'connected' }));
  socket.on('disconnect', () => {
    b.disconnected = true;
    b.store.dispatch({ type: 'disconnected' });
  });
  socket.on('snapshot', (s) => {
    b.snapshots.push(s);
    b.store.dispatch({ type: 'snapshot', snapshot: s, atMs: Date.now() });
  });
  socket.on('tick', (t) => {
    b.ticks.push(t);
    b.store.dispatch({ type: 'tick', tick: t, atMs: Date.now() });
  });
  return b;
}

/** What the board shows now. */
/** A board's figures with its gross as the wire writes it, to compare with the totals answer. */
const shown = (b: Board) => {
  const f = b.store.getState().figures;
  return f && { ...f, gross: { orders: f.gross.orders, gmv: f.gross.fen === null ? null : formatFen(f.gross.fen) } };
};

async function totals(url: string): Promise<{ seq: number; gross: { gmv: string; orders: number } }> {
  const res = await fetch(`${url}/api/v1/totals?token=${VIEW}`);
  expect(res.status).toBe(200);
  return res.json() as Promise<{ seq: number; gross: { gmv: string; orders: number } }>;
}

/** The ticks every board received, by seq, from the first seq all of them saw. */
function commonTicks(boards: Board[], from: number): Map<number, Tick[]> {
  const bySeq = new Map<number, Tick[]>();
  for (const b of boards)
    for (const t of b.ticks) if (t.seq >= from) bySeq.set(t.seq, [...(bySeq.get(t.seq) ?? []), t]);
  return bySeq;
}

let redis: RedisProcess;
const dirs = [tempDir('scale-live'), tempDir('scale-push-a'), tempDir('scale-push-b')];
let live: ServerProcess;
let pushA: ServerProcess;
let pushB: ServerProcess;
const boards: Board[] = [];
const sent: Record<string, unknown>[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, VIEW_TOKENS: VIEW };
  live = await startServer(dirs[0]!.path, env);
  // A push node opens no store: its DATA_DIR must never be created.
  [pushA, pushB] = await Promise.all([
    // Nor does it take orders, so it needs no ingest tokens.
    startServer(join(dirs[1]!.path, 'data'), { ...env, ROLE: 'push', INGEST_TOKENS: '' }),
    startServer(join(dirs[2]!.path, 'data'), { ...env, ROLE: 'push', INGEST_TOKENS: '' }),
  ]);
});

afterAll(async () => {
  for (const b of boards) b.socket.disconnect();
  await Promise.all([live, pushA, pushB].map((p) => p?.kill('SIGKILL')));
  await redis?.stop();
  for (const d of dirs) d.remove();
});

async function post(from: number, count: number): Promise<void> {
  const batch = Array.from({ length: count }, (_, i) => order(from + i));
  const res = await postNdjson(live.url, ndjson(batch));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ accepted: count, duplicates: 0, rejected: [] });
  sent.push(...batch);
}

const expected = () => ({ gmv: fenToDecimal(sent.reduce((s, o) => s + fenOf(o), 0)), orders: sent.length });

describe('one live node and two push nodes over Redis', () => {
  it('gives the boards of every node identical ticks and the totals the API reports', async () => {
    expect(existsSync(join(dirs[1]!.path, 'data'))).toBe(false);
    boards.push(board(live.url), board(pushA.url), board(pushB.url));
    await until(() => boards.every((b) => shown(b) !== null), 15_000, 'a snapshot on every board');
    const firstSeq = Math.max(...boards.map((b) => shown(b)!.seq)) + 1;

    // Several batches with pauses between them, so the totals move over several ticks.
    for (let k = 0; k < 5; k++) {
      await post(1 + k * 300, 300);
      await new Promise((r) => setTimeout(r, 250));
    }
    const want = expected();
    await until(
      () => boards.every((b) => shown(b)!.gross.gmv === want.gmv && shown(b)!.gross.orders === want.orders),
      15_000,
      'every board on the final totals',
    );

    const bySeq = commonTicks(boards, firstSeq);
    const last = Math.min(...boards.map((b) => b.ticks[b.ticks.length - 1]!.seq));
    let moved = 0;
    for (let seq = firstSeq; seq <= last; seq++) {
      const ticks = bySeq.get(seq) ?? [];
      // No board missed a tick, and all three got the very same payload.
      expect(ticks.length, `tick ${seq}`).toBe(3);
      expect(ticks[1]).toEqual(ticks[0]);
      expect(ticks[2]).toEqual(ticks[0]);
      // Stamped by the live node (default PRESENT_DELAY_MS) and forwarded untouched: one instant for every board.
      expect(ticks[0]!.presentAtMs).toBe(ticks[0]!.sentAtMs + 150);
      if (seq > firstSeq && ticks[0]!.gross.orders !== bySeq.get(seq - 1)![0]!.gross.orders) moved++;
    }
    expect(moved).toBeGreaterThan(1);
    for (const node of [live, pushA, pushB]) expect((await totals(node.url)).gross).toEqual(want);
  });

  it('answers clock requests on push nodes from their own clock', async () => {
    for (const b of boards) {
      const before = Date.now();
      const serverMs = await new Promise<number | null>((resolve, reject) =>
        b.socket
          .timeout(5000)
          .emit('clock', (err: Error | null, at: number | null) => (err ? reject(err) : resolve(at))),
      );
      expect(serverMs).toBeGreaterThanOrEqual(before);
      expect(serverMs).toBeLessThanOrEqual(Date.now());
    }
  });

  it("sends a lost push node's boards to another node, where they resync and follow the same ticks", async () => {
    const moved = boards[1]!;
    expect(await pushA.kill('SIGKILL')).toBe(null);
    await until(() => moved.disconnected, 15_000, 'the board to notice its node is gone');

    // The load balancer's next choice.
    const again = board(pushB.url);
    boards[1] = again;
    await until(() => shown(again) !== null, 15_000, 'a snapshot from the other push node');
    expect(again.snapshots.length).toBeGreaterThan(0);

    await post(10_000, 400);
    await post(20_000, 400);
    const want = expected();
    const alive = [boards[0]!, again, boards[2]!];
    await until(
      () => alive.every((b) => shown(b)!.gross.gmv === want.gmv && shown(b)!.gross.orders === want.orders),
      15_000,
      'every board on the new totals',
    );
    // Once resynced, the moved board follows the others tick for tick.
    const from = again.ticks.find((t) => t.gross.orders === want.orders)!.seq;
    await until(() => alive.every((b) => b.ticks.some((t) => t.seq >= from + 1)), 5_000, 'a heartbeat after it');
    const bySeq = commonTicks(alive, from);
    for (let seq = from; seq <= from + 1; seq++) {
      const ticks = bySeq.get(seq)!;
      expect(ticks.length).toBe(3);
      expect(ticks[1]).toEqual(ticks[0]);
      expect(ticks[2]).toEqual(ticks[0]);
    }
    for (const node of [live, pushB]) expect((await totals(node.url)).gross).toEqual(want);
  });

  it('refuses a socket without a viewer token on a push node', async () => {
    for (const auth of [undefined, { token: 'not-a-viewer-token-at-all' }]) {
      const socket: LiveSocket = connect(`${pushB.url}${LIVE_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        ...(auth ? { auth } : {}),
      });
      const err = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
      socket.disconnect();
      expect(err.message).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    }
    expect((await fetch(`${pushB.url}/api/v1/totals`)).status).toBe(401);
  });

  it('refuses a second live node on the same Redis', async () => {
    const other = tempDir('scale-live-2');
    dirs.push(other);
    await expect(startServer(other.path, { REDIS_URL: redis.url, VIEW_TOKENS: VIEW })).rejects.toThrow(
      /another live node \(ROLE=all\) is running/,
    );
  });

  it('stops broadcasting when another node holds its lease, and comes back with fresh snapshots when it has it again', async () => {
    const r = createClient({ url: redis.url });
    await r.connect();
    const mine = await r.get('gmv:{2015}:live');
    expect(mine).not.toBeNull();
    const here = board(live.url);
    const elsewhere = board(pushB.url);
    try {
      await until(() => here.snapshots.length > 0 && elsewhere.snapshots.length > 0, 10_000, 'snapshots');
      // Another live node holds the show (as after this one was paused past its lease).
      await r.set('gmv:{2015}:live', 'another-live-node', { PX: 60_000 });
      await until(() => here.disconnected, 5_000, 'the boards of the node without the lease sent away');
      expect((await fetch(`${live.url}/readyz`)).status).toBe(503);
      // Orders still land, but the node without the lease broadcasts nothing.
      const quiet = elsewhere.ticks.length;
      const seqBefore = shown(elsewhere)!.seq;
      await post(88_001, 1);
      await new Promise((res) => setTimeout(res, 1500));
      expect(elsewhere.ticks.length).toBe(quiet);
      expect(shown(elsewhere)!.seq).toBe(seqBefore);

      // The other node is gone: this one takes the lease back, is ready again, and its boards
      // (here and on push nodes) get a snapshot with everything, then ticks again.
      const snapshotsBefore = elsewhere.snapshots.length;
      await r.del('gmv:{2015}:live');
      const deadline = Date.now() + 5_000;
      while ((await fetch(`${live.url}/readyz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error('the live node did not take its lease back');
        await new Promise((res) => setTimeout(res, 100));
      }
      await until(
        () => elsewhere.snapshots.length > snapshotsBefore,
        5_000,
        'a fresh snapshot after the lease came back',
      );
      const want = (await totals(live.url)).gross;
      await until(() => shown(elsewhere)?.gross.orders === want.orders, 5_000, 'the push board caught up');
      const back = board(live.url);
      try {
        await until(() => back.snapshots.length > 0, 5_000, 'a board on the live node again');
        expect(back.snapshots[0]!.gross).toEqual(want);
      } finally {
        back.socket.close();
      }
    } finally {
      here.socket.close();
      elsewhere.socket.close();
      await r.close();
    }
  });

  it('takes no orders on a push node', async () => {
    const res = await postNdjson(pushB.url, ndjson([order(99_999)]));
    expect(res.status).toBe(404);
  });

  it('runs a replay on the live node, off the Redis stream, and a push node refuses the replay path cleanly', async () => {
    const redisClient = createClient({ url: redis.url });
    await redisClient.connect();
    // The adapter's stream (its default name): where the board's ticks go to every node.
    const last = await redisClient.xRevRange('socket.io', '+', '-', { COUNT: 1 });
    const since = last?.[0]?.id ?? '0';

    const FROM = '2015-11-11T00:00:00+08:00';
    const TO = '2015-11-11T01:00:00+08:00';
    const replay: Socket<ReplayServerToClientEvents, ReplayClientToServerEvents> = connect(
      `${live.url}${REPLAY_NAMESPACE}`,
      { path: REPLAY_PATH, transports: ['websocket'], auth: { token: VIEW }, reconnection: false },
    );
    const frames: Snapshot[] = [];
    replay.on('snapshot', (s) => frames.push(s));
    const ask = (send: (ack: (r: ReplayAck) => void) => void) =>
      new Promise<ReplayStatus>((resolve, reject) =>
        send((r) => (r.ok ? resolve(r.status) : reject(new Error(`${r.code}: ${r.message}`)))),
      );
    try {
      // Every order sent falls in the first hour of the 2015 show: its end holds them all.
      const created = await ask((ack) => replay.emit('create', { show: '2015', from: FROM, to: TO }, ack));
      expect(created.positionMs).toBe(Date.parse(FROM));
      const end = await ask((ack) => replay.emit('control', { action: 'seek', atMs: Date.parse(TO) }, ack));
      expect(end.positionMs).toBe(Date.parse(TO));
      await until(() => frames.at(-1)?.gross.orders === sent.length, 15_000, 'the replay at the end of the hour');
      expect(frames.at(-1)!.gross).toEqual(expected());
    } finally {
      replay.close();
    }
    // Replay frames went to this node's socket only, never through the stream every node reads
    // (read up to the board's next heartbeat, so the stream is shown to carry the board meanwhile).
    let relayed: { id: string; message: Record<string, string> }[] = [];
    const deadline = Date.now() + 15_000;
    while (!relayed.some((m) => m.message.nsp === '/live')) {
      expect(Date.now() < deadline, 'a board message on the stream').toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      relayed = (await redisClient.xRange('socket.io', `(${since}`, '+')) ?? [];
    }
    await redisClient.quit();
    expect(relayed.filter((m) => m.message.nsp !== '/live')).toEqual([]);

    // A push node runs no replays: the replay path is not one of its routes, over either transport,
    // and the replay namespace is not on its board's path either.
    const refused = (url: string, opts: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const s = connect(url, { auth: { token: VIEW }, reconnection: false, ...opts });
        s.on('connect', () => resolve('connected'));
        s.on('connect_error', (err) => resolve(err.message));
      });
    const ns = `${pushB.url}${REPLAY_NAMESPACE}`;
    expect(await refused(ns, { path: REPLAY_PATH, transports: ['websocket'] })).toBe('websocket error');
    expect(await refused(ns, { path: REPLAY_PATH, transports: ['polling'] })).toBe('xhr poll error');
    expect(await refused(ns, { transports: ['websocket'] })).toBe('Invalid namespace');
    const res = await fetch(`${pushB.url}${REPLAY_PATH}/?EIO=4&transport=polling`);
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([404, 'GMV_ERR_NOT_FOUND']);
    // And goes on serving its boards.
    expect((await fetch(`${pushB.url}/readyz`)).status).toBe(200);
    expect(boards[2]!.socket.connected).toBe(true);
  });

  it('is not ready without the live node, resyncs its boards when it returns, and stops cleanly', async () => {
    const b = boards[2]!;
    const before = shown(b)!;
    expect(await live.kill('SIGKILL')).toBe(null);
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${pushB.url}/readyz`)).status !== 503) {
      expect(Date.now() < deadline, 'the push node to report not ready').toBe(true);
      await new Promise((r) => setTimeout(r, 100));
    }
    live = await startServer(dirs[0]!.path, { REDIS_URL: redis.url, VIEW_TOKENS: VIEW });
    // The restarted live node rebuilds from the store and sends every board a snapshot.
    await until(() => b.snapshots.some((s) => s.seq > before.seq), 15_000, 'a snapshot from the new live node');
    expect(shown(b)!.gross).toEqual(expected());
    expect((await fetch(`${pushB.url}/readyz`)).status).toBe(200);
    expect(await pushB.kill('SIGTERM')).toBe(0);
  });
});
