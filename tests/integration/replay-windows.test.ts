import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_NAMESPACE, REPLAY_PATH } from '../../shared/history.js';
import { decimalToFen, formatFen } from '../../shared/money.js';
import type { Snapshot } from '../../shared/protocol.js';
import { DEFAULT_SHOWS, type ShowConfig } from '../../shared/show.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { control, create, ok, type ReplaySocket } from '../fixtures/replay.js';
import { tempDir } from '../fixtures/server.js';

// Finished shows whose windows are not whole hours or whole minutes: replays keep a
// context for them, and its minute and hour buckets must still match the raw orders.
const dir = tempDir('replay-windows');
let app: AllNode;
let url: string;

const base = DEFAULT_SHOWS[0]!;
const show = (over: Partial<ShowConfig>): ShowConfig => ({ ...base, milestones: [], compareTo: undefined, ...over });
/** Window 19:59:30 – 21:30:30: starts half a minute before a whole minute. */
const ODD: ShowConfig = show({
  id: 'odd',
  name: 'odd',
  start: '2020-01-01T20:00:00+08:00',
  durationHours: 1.5,
  graceSeconds: 30,
});
/** Window 20:00 – 21:30: starts on the hour, ends half way through one. */
const HALF: ShowConfig = show({
  id: 'half',
  name: 'half',
  start: '2020-02-01T20:00:00+08:00',
  durationHours: 1.5,
  graceSeconds: 0,
});

/** Seeks a new replay of `showId` to `atMs` and returns the snapshot there. */
async function snapshotAt(showId: string, atMs: number): Promise<Snapshot> {
  const socket: ReplaySocket = connect(`${url}${REPLAY_NAMESPACE}`, { path: REPLAY_PATH, transports: ['websocket'] });
  const snapshots: Snapshot[] = [];
  socket.on('snapshot', (s) => snapshots.push(s));
  try {
    ok(await create(socket, { show: showId }));
    ok(await control(socket, { action: 'seek', atMs }));
    return await until(() => snapshots.find((s) => s.asOfMs === atMs), 5000, 'seek snapshot');
  } finally {
    socket.close();
  }
}

/** Sales by `column` with event time before `beforeMs`, from the raw orders, ranked as the board ranks. */
async function rawTop(showId: string, column: string, beforeMs: number, n: number) {
  const rs = await app.store.query({
    query: `SELECT toString(${column}) AS k, toString(count()), toString(sum(gmv)) FROM ${app.store.db}.orders
            WHERE show = {show:String} AND type = 'sale' AND ts < fromUnixTimestamp64Milli({t:Int64})
            GROUP BY k ORDER BY sum(gmv) DESC, k LIMIT {n:UInt32}`,
    query_params: { show: showId, t: beforeMs, n },
    format: 'JSONCompactEachRow',
  });
  return (await rs.json<[string, string, string]>()).map(([key, o, g]) => ({
    key,
    orders: Number(o),
    gmv: formatFen(decimalToFen(g)),
  }));
}

const at = (iso: string) => Date.parse(iso);
const sale = (i: number, ts: string, over: Record<string, unknown> = {}) =>
  order(i, { order_id: `w-${i}`, ts, ...over });

beforeAll(async () => {
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify([base, ODD, HALF]));
  ({ app, url } = await startApp(join(dir.path, 'db'), { SHOWS_FILE: file }));
  const orders = [
    // odd: one in the grace half minute, then a few around whole minutes.
    sale(1, '2020-01-01T19:59:40.000+08:00'),
    sale(2, '2020-01-01T20:00:10.000+08:00'),
    sale(3, '2020-01-01T20:00:50.000+08:00'),
    sale(4, '2020-01-01T20:01:20.000+08:00'),
    sale(5, '2020-01-01T20:05:35.000+08:00'),
    sale(6, '2020-01-01T20:05:55.000+08:00'),
    // half: thirteen merchants in the first hour, then a big one only in its last half hour.
    ...Array.from({ length: 26 }, (_, i) =>
      sale(100 + i, `2020-02-01T20:${String(i + 10).padStart(2, '0')}:00.000+08:00`),
    ),
    sale(200, '2020-02-01T21:10:00.000+08:00', { merchant_id: 'm-big', amount: '99999.00' }),
  ];
  expect((await injectOrders(app, ndjson(orders))).json()).toMatchObject({ accepted: orders.length });
}, 60_000);
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('replays of finished shows with uneven windows (real chDB, real clients)', () => {
  it('breaks channels and countries down exactly when the window does not start on a whole minute', async () => {
    for (const t of ['2020-01-01T20:00:20+08:00', '2020-01-01T20:01:40+08:00', '2020-01-01T20:05:45+08:00']) {
      const snap = await snapshotAt('odd', at(t));
      expect(snap.breakdowns.channel, t).toEqual(await rawTop('odd', 'channel', at(t), 3));
      expect(snap.breakdowns.country, t).toEqual(await rawTop('odd', 'country', at(t), 10));
    }
  });

  it('ranks merchants exactly in the last part-hour of a window that is not whole hours', async () => {
    const t = at('2020-02-01T21:20:00+08:00');
    const snap = await snapshotAt('half', t);
    const want = await rawTop('half', 'merchant_id', Math.floor(t / 60_000) * 60_000, 10);
    expect(want[0]!.key).toBe('m-big');
    expect(snap.breakdowns.merchant).toEqual(want);
  });
});
