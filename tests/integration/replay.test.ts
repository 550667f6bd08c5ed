import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { readContext, seekBoard } from '../../server/replay/reads.js';
import { encodePart } from '../../server/wire.js';
import { loadDay } from '../../server/tools/day.js';
import { REPLAY_NAMESPACE, REPLAY_PATH, type ReplayStatus } from '../../shared/history.js';
import { decimalToFen, formatFen } from '../../shared/money.js';
import { followsDirectly, type Snapshot, type Tick } from '../../shared/protocol.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { fenOf, ndjson, order } from '../fixtures/orders.js';
import {
  code,
  control,
  create,
  joinReplay,
  ok,
  rawBefore as rawBeforeIn,
  type ReplaySocket,
} from '../fixtures/replay.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('replay');
let app: AllNode;
let url: string;
const T0 = Date.parse('2014-11-11T00:00:00+08:00');
const AT_38_28 = Date.parse('2014-11-11T00:38:28+08:00');
const MILESTONES = ['1000000', '5000000', '20000000', '999999999'];

/** A real socket.io client on the replay namespace that records everything it receives. */
function replayClient() {
  const socket: ReplaySocket = connect(`${url}${REPLAY_NAMESPACE}`, {
    path: REPLAY_PATH,
    transports: ['websocket'],
  });
  const c = { socket, snapshots: [] as Snapshot[], ticks: [] as Tick[], statuses: [] as ReplayStatus[] };
  socket.on('snapshot', (s) => c.snapshots.push(s));
  socket.on('tick', (t) => c.ticks.push(t));
  socket.on('replay', (s) => c.statuses.push(s));
  return c;
}
/** A message without its send time, for comparing what two viewers got. */
const frame = ({ sentAtMs: _, ...rest }: Snapshot | Tick) => rest;

/** The truth at a replay position of the 2014 day, from the raw orders. */
const rawBefore = (ms: number) => rawBeforeIn(app.store, '2014', ms);

async function rawRows(sql: string, params: Record<string, unknown>): Promise<string[][]> {
  const rs = await app.store.query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
  return rs.json<string[]>();
}

/** Event time of the sale that took the day's gross to `fen`, ordered by (ts, order_id). */
async function rawCrossing(amount: string): Promise<number | null> {
  const rows = await rawRows(
    `SELECT toString(toUnixTimestamp64Milli(ts)) FROM (
       SELECT ts, order_id, sum(gmv) OVER (ORDER BY ts, order_id ROWS UNBOUNDED PRECEDING) AS c
       FROM ${app.store.db}.orders WHERE show = '2014' AND type = 'sale')
     WHERE c >= toDecimal128({a:String}, 2) ORDER BY ts, order_id LIMIT 1`,
    { a: amount },
  );
  return rows[0] ? Number(rows[0][0]) : null;
}

beforeAll(async () => {
  const shows = DEFAULT_SHOWS.map((s) => (s.id === '2014' ? { ...s, milestones: MILESTONES } : s));
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify(shows));
  ({ app, url } = await startApp(join(dir.path, 'db'), { SHOWS_FILE: file, REPLAY_IDLE_MS: '1000' }));
  const config = loadConfig({ SHOWS_FILE: file });
  await loadDay(
    app.store,
    { shows: config.shows, categories: new Set(config.categories) },
    {
      year: 2014,
      scale: 0.0005,
      seed: 5,
    },
  );
}, 120_000);
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('replay over socket.io (real chDB, real clients)', () => {
  it('plays a stored day to every viewer alike, seeks, steps and pauses, and leaves the live show alone', async () => {
    const live = liveClient(url);
    const a = replayClient();
    const b = replayClient();
    try {
      await until(() => live.snapshots.length > 0, 10_000, 'live snapshot');

      // A creates the replay; B joins it by id: both get the same snapshot at the start.
      const created = ok(await create(a.socket, { show: '2014', speed: 60 }));
      expect(created).toMatchObject({
        show: '2014',
        fromMs: T0,
        toMs: T0 + 86_400_000,
        positionMs: T0,
        playing: false,
      });
      const joined = ok(await joinReplay(b.socket, created.id));
      expect(joined.viewers).toBe(2);
      await until(() => a.snapshots.length > 0 && b.snapshots.length > 0, 5000, 'snapshots');
      expect(frame(b.snapshots.at(-1)!)).toEqual(frame(a.snapshots.at(-1)!));
      expect(a.snapshots[0]!.gross).toEqual((await rawBefore(T0)).gross);

      // Bookmarks: the milestones crossed within the range, at the exact event time of the crossing order.
      const want: { amount: string; atMs: number }[] = [];
      for (const m of MILESTONES) {
        const at = await rawCrossing(m);
        if (at !== null) want.push({ amount: `${m}.00`, atMs: at });
      }
      expect(want.length).toBeGreaterThanOrEqual(2);
      expect(created.bookmarks.map(({ amount, atMs }) => ({ amount, atMs }))).toEqual(want);

      // Seek to 00:38:28 China time: the state holds every order before that instant.
      const seekAck = ok(await control(a.socket, { action: 'seek', atMs: AT_38_28 + 700 }));
      expect(seekAck.positionMs).toBe(AT_38_28);
      await until(() => a.snapshots.length === 2 && b.snapshots.length === 2, 5000, 'seek snapshots');
      const snap = a.snapshots[1]!;
      expect(frame(b.snapshots[1]!)).toEqual(frame(snap));
      expect(snap.asOfMs).toBe(AT_38_28);
      const truth = await rawBefore(AT_38_28);
      expect({ gross: snap.gross, net: snap.net }).toEqual(truth);
      expect(snap.gross.orders).toBeGreaterThan(1000);
      // Series: every second before it, exact.
      const perSecond = await rawRows(
        `SELECT toString(intDiv(toUnixTimestamp64Milli(ts) - {t0:Int64}, 1000)), toString(count()), toString(sum(gmv))
         FROM ${app.store.db}.orders WHERE show = '2014' AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64})
         GROUP BY 1 ORDER BY toInt64(1)`,
        { t0: T0, t: AT_38_28 },
      );
      const series = perSecond
        .map(([s, n, g]) => [Number(s), Number(n), formatFen(decimalToFen(g!))] as const)
        .sort((x, y) => x[0] - y[0]);
      expect(snap.series).toEqual(series);
      // Channels exact to the second; merchants over the whole minutes before it.
      const channels = await rawRows(
        `SELECT toString(channel) AS k, toString(count()), toString(sum(gmv)) AS g FROM ${app.store.db}.orders
         WHERE show = '2014' AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64}) GROUP BY k ORDER BY sum(gmv) DESC, k`,
        { t: AT_38_28 },
      );
      expect(snap.breakdowns.channel).toEqual(
        channels.map(([key, o, g]) => ({ key, orders: Number(o), gmv: formatFen(decimalToFen(g!)) })),
      );
      const merchants = await rawRows(
        `SELECT merchant_id AS k, toString(count()), toString(sum(gmv)) FROM ${app.store.db}.orders
         WHERE show = '2014' AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64})
         GROUP BY k ORDER BY sum(gmv) DESC, k LIMIT 10`,
        { t: Math.floor(AT_38_28 / 60_000) * 60_000 },
      );
      expect(snap.breakdowns.merchant).toEqual(
        merchants.map(([key, o, g]) => ({ key, orders: Number(o), gmv: formatFen(decimalToFen(g!)) })),
      );
      // Milestones crossed by then carry their exact time; later ones are not crossed yet.
      for (const m of snap.milestones) {
        const at = want.find((w) => w.amount === m.amount)?.atMs ?? null;
        expect(m.crossedAtMs).toBe(at !== null && at < AT_38_28 ? at : null);
      }

      // Play at 60x while the live show takes orders of its own.
      const liveGross = [0, 1, 2, 3, 4].reduce((s, i) => s + fenOf(order(9000 + i)), 0);
      const liveFrom = live.ticks.length;
      ok(await control(b.socket, { action: 'play' }));
      const posted = await injectOrders(app, ndjson([0, 1, 2, 3, 4].map((i) => order(9000 + i))));
      expect(posted.statusCode).toBe(200);
      await until(() => a.ticks.length >= 12, 15_000, 'replay ticks');
      const paused = ok(await control(a.socket, { action: 'pause' }));
      expect(paused.playing).toBe(false);
      const ticks = a.ticks.slice();
      // Pause stops ticks: nothing arrives after its ack.
      await new Promise((r) => setTimeout(r, 600));
      expect(a.ticks.length).toBe(ticks.length);
      await until(() => b.ticks.length === ticks.length, 5000, 'B has every tick');
      expect(b.ticks.map(frame)).toEqual(ticks.map(frame));

      let prevSeq = snap.seq;
      let prevAt = snap.asOfMs;
      let prevOrders = snap.gross.orders;
      const advances: number[] = [];
      for (const t of ticks) {
        expect(followsDirectly(prevSeq, t)).toBe(true);
        expect(t.asOfMs % 1000).toBe(0);
        advances.push(t.asOfMs - prevAt);
        // The seconds the tick sends are the new ones; totals equal the raw orders before it.
        expect(t.gross.orders - prevOrders).toBe(t.series.reduce((s, p) => s + p[1], 0));
        expect(t.series.every(([s]) => T0 + s * 1000 >= prevAt && T0 + s * 1000 < t.asOfMs)).toBe(true);
        expect({ gross: t.gross, net: t.net }).toEqual(await rawBefore(t.asOfMs));
        [prevSeq, prevAt, prevOrders] = [t.seq, t.asOfMs, t.gross.orders];
      }
      // Merchant rankings move with the whole minutes the play reaches.
      const last = ticks.at(-1)!;
      const topAtEnd = await rawRows(
        `SELECT merchant_id AS k, toString(count()), toString(sum(gmv)) FROM ${app.store.db}.orders
         WHERE show = '2014' AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64})
         GROUP BY k ORDER BY sum(gmv) DESC, k LIMIT 10`,
        { t: Math.floor(last.asOfMs / 60_000) * 60_000 },
      );
      expect(Math.floor(last.asOfMs / 60_000)).toBeGreaterThan(Math.floor(AT_38_28 / 60_000));
      expect(last.breakdowns.merchant).toEqual(
        topAtEnd.map(([key, o, g]) => ({ key, orders: Number(o), gmv: formatFen(decimalToFen(g!)) })),
      );
      advances.sort((x, y) => x - y);
      const median = advances[Math.floor(advances.length / 2)]!;
      expect(median).toBeGreaterThanOrEqual(5000);
      expect(median).toBeLessThanOrEqual(8000);
      expect(paused.positionMs).toBe(ticks.at(-1)!.asOfMs);

      // Step one second on and back while paused.
      const base = paused.positionMs;
      expect(ok(await control(b.socket, { action: 'step', seconds: 1 })).positionMs).toBe(base + 1000);
      await until(() => a.snapshots.at(-1)!.asOfMs === base + 1000, 5000, 'step snapshot');
      expect(a.snapshots.at(-1)!.gross).toEqual((await rawBefore(base + 1000)).gross);
      expect(ok(await control(a.socket, { action: 'step', seconds: -1 })).positionMs).toBe(base);
      await until(() => b.snapshots.at(-1)!.asOfMs === base, 5000, 'step back snapshot');
      expect(b.snapshots.at(-1)!.gross).toEqual((await rawBefore(base)).gross);

      // The live show went on undisturbed: its seq never skipped, its totals are its own orders only.
      await until(() => decimalToFen(live.ticks.at(-1)?.gross.gmv ?? '0') === liveGross, 5000, 'live totals');
      const liveTicks = live.ticks.slice(liveFrom);
      let liveSeq = liveFrom > 0 ? live.ticks[liveFrom - 1]!.seq : live.snapshots.at(-1)!.seq;
      for (const t of liveTicks) {
        expect(followsDirectly(liveSeq, t)).toBe(true);
        liveSeq = t.seq;
      }
      expect(app.live.seq).toBeGreaterThanOrEqual(liveSeq);
      expect(live.ticks.at(-1)!.gross.orders).toBe(5);
      expect(a.ticks.every((t) => t.show === '2014')).toBe(true);
    } finally {
      live.socket.close();
      a.socket.close();
      b.socket.close();
    }
  }, 60_000);

  it('plays to the end of its range and pauses there', async () => {
    const c = replayClient();
    try {
      const from = '2014-11-11T00:10:00+08:00';
      const to = '2014-11-11T00:12:00+08:00';
      const s = ok(await create(c.socket, { show: '2014', from, to, speed: 600 }));
      ok(await control(c.socket, { action: 'play' }));
      const end = await until(
        () => c.statuses.find((x) => x.id === s.id && !x.playing && x.positionMs === s.toMs),
        10_000,
        'end',
      );
      expect(end.positionMs).toBe(Date.parse(to));
      expect(c.ticks.at(-1)!.gross).toEqual((await rawBefore(Date.parse(to))).gross);
    } finally {
      c.socket.close();
    }
  });

  it('shows in the next replay an order written to the finished day after an earlier replay read it', async () => {
    const at = Date.parse('2014-11-11T00:20:00+08:00');
    const first = replayClient();
    const second = replayClient();
    try {
      ok(await create(first.socket, { show: '2014', from: '2014-11-11T00:20:00+08:00', speed: 60 }));
      const before = await until(() => first.snapshots.at(-1), 10_000, 'first snapshot');
      expect(before.gross).toEqual((await rawBefore(at)).gross);
      // A late order of that day, stamped before the position, through the ingest API.
      const late = order(7, { order_id: 'late-2014-1', ts: '2014-11-11T00:05:00.500+08:00' });
      expect((await injectOrders(app, ndjson([late]))).json()).toMatchObject({ accepted: 1 });
      ok(await create(second.socket, { show: '2014', from: '2014-11-11T00:20:00+08:00', speed: 60 }));
      const after = await until(() => second.snapshots.at(-1), 10_000, 'second snapshot');
      expect(after.gross.orders).toBe(before.gross.orders + 1);
      expect(decimalToFen(after.gross.gmv) - decimalToFen(before.gross.gmv)).toBe(fenOf(late));
      expect(after.gross).toEqual((await rawBefore(at)).gross);
    } finally {
      first.socket.close();
      second.socket.close();
    }
  });

  it('seeks alike whether the series comes from the replay context or from the store', async () => {
    const show = loadConfig({}).shows.find((x) => x.id === '2014')!;
    const ctx = await readContext(app.store, show, null);
    // The day is long over: its series is kept for the replay; a show still on air reads it each time.
    expect(ctx.seconds).not.toBeNull();
    expect(ctx.minutes).not.toBeNull();
    expect((await readContext(app.store, show, null, show.endMs)).seconds).toBeNull();
    // Edges short and long (more than half an hour: the hour minus its later minutes).
    // Merchants: ranked from the kept minutes of the few that can rank in each hour or ten
    // minutes, or in the engine where too many can.
    expect(ctx.merchants).not.toBeNull();
    let fromIndex = 0;
    for (const at of [
      T0 - 1000,
      T0 + 17_000,
      T0 + 20 * 60_000 + 5000,
      AT_38_28,
      T0 + 3_600_000 + 45_000,
      T0 + 5 * 3_600_000 + 17 * 60_000 + 3000,
      T0 + 13 * 3_600_000 + 59 * 60_000 + 59_000,
      T0 + 16 * 3_600_000,
      T0 + 23 * 3_600_000 + 59 * 60_000 + 59_000,
      T0 + 86_400_000 + 30 * 60_000,
    ]) {
      if (ctx.merchants!.topBefore(Math.floor((at - (T0 - 3_600_000)) / 60_000))) fromIndex++;
      const cached = await seekBoard(app.store, ctx, at);
      const stored = await seekBoard(app.store, { ...ctx, seconds: null, minutes: null, merchants: null }, at);
      for (const b of [cached, stored]) expect(encodePart(b.gross())).toEqual((await rawBefore(at)).gross);
      expect(stored.series()).toEqual(cached.series());
      expect(stored.breakdowns()).toEqual(cached.breakdowns());
      expect(stored.net()).toEqual(cached.net());
      // Merchants: the top ten over the whole minutes before it, from the raw orders.
      const top = await rawRows(
        `SELECT merchant_id AS k, toString(count()), toString(sum(gmv)) FROM ${app.store.db}.orders
         WHERE show = '2014' AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64})
         GROUP BY k ORDER BY sum(gmv) DESC, k LIMIT 10`,
        { t: Math.floor(at / 60_000) * 60_000 },
      );
      expect(cached.breakdowns().merchant).toEqual(
        top.map(([key, o, g]) => ({ key, orders: Number(o), fen: decimalToFen(g!) })),
      );
    }
    // Both ways of ranking merchants were taken.
    expect(fromIndex).toBeGreaterThan(0);
    expect(fromIndex).toBeLessThan(10);
  });

  it('refuses bad requests with a code', async () => {
    const c = replayClient();
    try {
      expect(code(await create(c.socket, { show: 'nope' }))).toBe('GMV_ERR_SHOW_UNKNOWN');
      expect(
        code(
          await create(c.socket, { show: '2014', from: '2014-11-11T05:00:00+08:00', to: '2014-11-11T04:00:00+08:00' }),
        ),
      ).toBe('GMV_ERR_REPLAY_RANGE');
      expect(code(await create(c.socket, { show: '2014', from: '2014-11-09T00:00:00+08:00' }))).toBe(
        'GMV_ERR_REPLAY_RANGE',
      );
      expect(code(await create(c.socket, { show: '2014', from: 'yesterday' }))).toBe('GMV_ERR_REPLAY_RANGE');
      expect(code(await create(c.socket, { show: '2014', speed: 0 }))).toBe('GMV_ERR_REPLAY_SPEED');
      expect(code(await create(c.socket, { show: '2014', speed: 3601 }))).toBe('GMV_ERR_REPLAY_SPEED');
      expect(code(await joinReplay(c.socket, 'no-such-replay'))).toBe('GMV_ERR_REPLAY_UNKNOWN');
      expect(code(await control(c.socket, { action: 'play' }))).toBe('GMV_ERR_REPLAY_NOT_JOINED');
      ok(await create(c.socket, { show: '2014' }));
      expect(code(await control(c.socket, { action: 'speed', speed: 10_000 }))).toBe('GMV_ERR_REPLAY_SPEED');
      expect(code(await control(c.socket, { action: 'step', seconds: 0.5 }))).toBe('GMV_ERR_REPLAY_REQUEST');
    } finally {
      c.socket.close();
    }
  });

  it('drops a replay nobody watches and compares a show with its last-year day', async () => {
    const c = replayClient();
    // The 2015 show is empty here, but its compareTo day (2014) is loaded.
    const s = ok(await create(c.socket, { show: '2015' }));
    await until(() => c.snapshots.length > 0, 5000, 'snapshot');
    const day = await rawBefore(T0 + 86_400_000);
    expect(c.snapshots[0]!.lastYear).toMatchObject({ show: '2014', totalGmv: day.gross.gmv });
    expect(c.snapshots[0]!.milestones.some((m) => m.kind === 'last-year' && m.amount === day.gross.gmv)).toBe(true);
    c.socket.close();
    await until(() => !app.replays.sessions.has(s.id), 10_000, 'idle replay dropped');
    const d = replayClient();
    try {
      expect(code(await joinReplay(d.socket, s.id))).toBe('GMV_ERR_REPLAY_UNKNOWN');
    } finally {
      d.socket.close();
    }
  });
});
