import { join } from 'node:path';
import type { AllNode, PushNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorMark, MarkList } from '../../shared/marks.js';
import type { MarksNotice } from '../../shared/protocol.js';
import { liveClient, startApp, startNode, until, type LiveSocket } from '../fixtures/app.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

// Marks live on the live node; boards of push nodes get the notice through the adapter and the
// list from the live node's GET /api/v1/marks (where a balancer sends /api/v1/*).
const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('scale-marks-push');
let redis: RedisProcess;
let live: AllNode;
let push: PushNode;
let pushUrl: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  ({ app: live } = await startApp(join(dir.path, 'live'), { REDIS_URL: redis.url, DIRECTOR_TOKENS: DIRECTOR }));
  ({ app: push, url: pushUrl } = await startNode<PushNode>(join(dir.path, 'push'), {
    ROLE: 'push',
    REDIS_URL: redis.url,
    INGEST_TOKENS: '',
    DIRECTOR_TOKENS: DIRECTOR,
  }));
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await push?.close();
  await live?.close();
  await redis?.stop();
  dir.remove();
});

describe('run-of-show marks on a push node', () => {
  it('a mark made on the live node reaches the boards of a push node as a notice and in later snapshots', async () => {
    const board = liveClient(pushUrl);
    sockets.push(board.socket);
    const notices: MarksNotice[] = [];
    board.socket.on('marks', (n) => notices.push(n));
    await until(() => board.snapshots.length > 0, 20_000, 'a snapshot from the push node');
    expect(board.snapshots[0]!.marksRev).toBe(0);

    const made = await live.inject({
      method: 'POST',
      url: '/api/v1/director/marks',
      headers: { authorization: `Bearer ${DIRECTOR}` },
      payload: { kind: 'act', label: 'Opening', at: '2015-11-11T00:00:10+08:00' },
    });
    expect(made.statusCode).toBe(200);
    const n = await until(() => notices.find((x) => x.rev === 1), 20_000, 'the notice on a push board');
    expect(n).toEqual({ show: '2015', rev: 1 });
    const list = (await live.inject({ url: '/api/v1/marks' })).json<MarkList>();
    expect(list.rev).toBe(1);
    expect(list.marks.map((m) => m.id)).toEqual([made.json<DirectorMark>().id]);

    // A board that connects later: the push node's snapshot (from the live node, at most a tick old) has the rev.
    const late = liveClient(pushUrl);
    sockets.push(late.socket);
    const asking = setInterval(() => late.socket.emit('resync'), 200);
    try {
      await until(() => late.snapshots.find((x) => x.marksRev === 1), 20_000, 'a late snapshot');
    } finally {
      clearInterval(asking);
    }
    // The push node serves neither the console's routes nor the list (they are the live node's).
    expect((await push.inject({ url: '/api/v1/marks' })).statusCode).toBe(404);
    const elsewhere = await push.inject({
      method: 'POST',
      url: '/api/v1/director/marks',
      headers: { authorization: `Bearer ${DIRECTOR}` },
      payload: { kind: 'act', label: 'Nope' },
    });
    expect(elsewhere.statusCode).toBe(404);
  });
});
