import type { AllNode } from '../../server/roles.js';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_NAMESPACE, REPLAY_PATH, type ReplayAck } from '../../shared/history.js';
import { injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { create, type ReplaySocket } from '../fixtures/replay.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('replay-caps');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { MAX_REPLAYS: '8', MAX_REPLAYS_PER_ADDRESS: '2' }));
  expect((await injectOrders(app, ndjson([order(1), order(2)]))).statusCode).toBe(200);
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

const client = (): ReplaySocket =>
  connect(`${url}${REPLAY_NAMESPACE}`, { path: REPLAY_PATH, transports: ['websocket'] });
const outcome = (a: ReplayAck) => (a.ok ? 'ok' : `${a.code}: ${a.message}`);

describe('replays per address (real chDB, real clients)', () => {
  it('refuses a replay past the address share while the others still have room, and gives way with one nobody watches', async () => {
    const [a, b, c] = [client(), client(), client()];
    try {
      expect(outcome(await create(a, { show: '2015' }))).toBe('ok');
      expect(outcome(await create(b, { show: '2015' }))).toBe('ok');
      // Both watched, from this one address: the third is refused though the server has room for 8.
      expect(outcome(await create(c, { show: '2015' }))).toBe(
        'GMV_ERR_REPLAY_LIMIT: at most 2 replays from one address run at once; close one first',
      );
      expect(app.replays.sessions.size).toBe(2);
      // B goes: its replay has nobody, and gives way to the next one asked for from this address.
      b.close();
      await until(() => [...app.replays.sessions.values()].some((s) => s.emptySince !== null), 5_000, 'B gone');
      expect(outcome(await create(c, { show: '2015' }))).toBe('ok');
      expect(app.replays.sessions.size).toBe(2);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });
});
