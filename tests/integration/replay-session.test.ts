import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { readContext, type ReplayContext } from '../../server/replay/reads.js';
import { ReplaySession } from '../../server/replay/session.js';
import type { StoreHandle } from '../../server/store/client.js';
import { REPLAY_NAMESPACE, REPLAY_PATH, type ReplayAck } from '../../shared/history.js';
import type { Snapshot } from '../../shared/protocol.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { create, rawBefore as rawBeforeIn, type ReplaySocket } from '../fixtures/replay.js';
import { tempDir } from '../fixtures/server.js';

// A replay session on the real store, with reads that can be held in flight: what
// viewers see and what controls do while a frame's read has not come back yet.
const dir = tempDir('replay-session');
let app: AllNode;
let url: string;
let ctx: ReplayContext;
const T0 = Date.parse('2015-11-11T00:00:00+08:00');

/** The store, except that reads whose SQL matches `hold.match` wait until `hold.release()`. */
function heldStore(store: StoreHandle) {
  const hold = {
    match: null as RegExp | null,
    reached: false,
    gate: Promise.resolve(),
    release: () => {},
    arm(match: RegExp) {
      this.match = match;
      this.reached = false;
      this.gate = new Promise<void>((r) => (this.release = r));
    },
  };
  const held: StoreHandle = {
    ...store,
    query: (async (params: Parameters<StoreHandle['query']>[0]) => {
      if (hold.match?.test(params.query)) {
        hold.match = null;
        hold.reached = true;
        await hold.gate;
      }
      return store.query(params);
    }) as StoreHandle['query'],
  };
  return { held, hold };
}

/** Gross of the 2015 orders with event time before `ms`, from the raw orders. */
const rawBefore = async (ms: number) => (await rawBeforeIn(app.store, '2015', ms)).gross;

function session(store: StoreHandle, c: ReplayContext = ctx) {
  const snapshots: Snapshot[] = [];
  const s = new ReplaySession(
    'test',
    c,
    T0,
    T0 + 600_000,
    60,
    store,
    { snapshot: (x) => snapshots.push(x), tick: () => {}, status: () => {} },
    app.log,
  );
  return { s, snapshots };
}

beforeAll(async () => {
  ({ app, url } = await startApp(join(dir.path, 'db'), { MAX_REPLAYS: '2' }));
  const orders = Array.from({ length: 240 }, (_, i) => order(i));
  expect((await injectOrders(app, ndjson(orders))).json()).toMatchObject({ accepted: orders.length });
  ctx = await readContext(
    app.store,
    loadConfig({}).shows.find((s) => s.id === '2015')!,
    null,
  );
}, 60_000);
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('a replay session while a read is in flight (real chDB)', () => {
  it('gives a joining viewer a snapshot true to its position while a frame still ranks merchants', async () => {
    const { held, hold } = heldStore(app.store);
    // Merchants ranked in the engine: a frame that enters a new minute reads them last.
    const { s } = session(held, { ...ctx, merchants: null });
    await s.start();
    await s.control({ action: 'play' });
    hold.arm(/merchant_by_/);
    s.frame(Date.now() + 1500); // 90 show-seconds at 60x: into minute 1
    await until(() => hold.reached, 5000, 'the merchant read in flight');
    const snap = s.snapshot();
    hold.release();
    expect(snap.gross).toEqual(await rawBefore(snap.asOfMs));
    await s.control({ action: 'pause' });
  });

  it('applies a play sent after a pause while a frame was in flight: the last control wins', async () => {
    const { held, hold } = heldStore(app.store);
    const { s } = session(held);
    await s.start();
    await s.control({ action: 'play' });
    hold.arm(/dims_by_second/);
    s.frame(Date.now() + 1500);
    await until(() => hold.reached, 5000, 'the frame read in flight');
    const pause = s.control({ action: 'pause' });
    const play = s.control({ action: 'play' });
    hold.release();
    await Promise.all([pause, play]);
    expect(s.playing).toBe(true);
    await s.control({ action: 'pause' });
  });

  it('answers a flood of seeks and steps with a few snapshots, ending where the last one points', async () => {
    const { held, hold } = heldStore(app.store);
    const { s, snapshots } = session(held);
    await s.start();
    // The first seek holds the engine; the rest arrive while it reads.
    hold.arm(/gmv_by_second|dims_by_/);
    const controls = [s.control({ action: 'seek', atMs: T0 + 10_000 })];
    await until(() => hold.reached, 5000, 'the first seek reading');
    for (let i = 1; i <= 40; i++) controls.push(s.control({ action: 'seek', atMs: T0 + 10_000 + i * 7_000 }));
    for (let i = 0; i < 20; i++) controls.push(s.control({ action: 'step', seconds: 1 }));
    hold.release();
    // None is refused as busy: they join the one waiting.
    await Promise.all(controls);
    const last = T0 + 10_000 + 40 * 7_000 + 20 * 1000;
    expect(s.positionMs).toBe(last);
    expect(snapshots.length).toBe(2);
    expect(snapshots.at(-1)!.asOfMs).toBe(last);
    expect(snapshots.at(-1)!.gross).toEqual(await rawBefore(last));
  });
});

describe('the replay limit (real chDB, real clients)', () => {
  const client = (): ReplaySocket =>
    connect(`${url}${REPLAY_NAMESPACE}`, { path: REPLAY_PATH, transports: ['websocket'] });
  const create2015 = (s: ReplaySocket) => create(s, { show: '2015' });
  const id = (a: ReplayAck) => (a.ok ? a.status.id : a.code);

  it('makes room for a new replay by dropping one nobody watches, never one somebody does', async () => {
    const a = client();
    const b = client();
    const c = client();
    try {
      // A tries one replay, then another: the first is left with nobody (MAX_REPLAYS is 2).
      const left = id(await create2015(a));
      const watched = id(await create2015(a));
      expect(app.replays.sessions.size).toBe(2);
      const other = id(await create2015(b));
      expect(other).not.toBe('GMV_ERR_REPLAY_LIMIT');
      expect(app.replays.sessions.has(left)).toBe(false);
      expect(app.replays.sessions.has(watched)).toBe(true);
      // Both watched now: a third is refused.
      expect(id(await create2015(c))).toBe('GMV_ERR_REPLAY_LIMIT');
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });
});
