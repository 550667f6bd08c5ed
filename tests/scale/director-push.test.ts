import { join } from 'node:path';
import type { AllNode, PushNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../shared/protocol.js';
import { liveClient, startApp, startNode, until, type LiveSocket } from '../fixtures/app.js';
import { startRedis, type RedisProcess } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/server.js';

// The program lives on the live node; boards of push nodes get it through the adapter, like ticks.
const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('scale-director-push');
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

const auth = { authorization: `Bearer ${DIRECTOR}` };

describe('the program on a push node', () => {
  it('a take on the live node reaches the boards of a push node; the push node serves no director route', async () => {
    const board = liveClient(pushUrl);
    sockets.push(board.socket);
    const programs: Program[] = [];
    board.socket.on('program', (p) => programs.push(p));
    await until(() => board.snapshots.length > 0, 20_000, 'a snapshot from the push node');

    const preview = await live.inject({
      method: 'POST',
      url: '/api/v1/director/preview',
      headers: auth,
      payload: { scene: { kind: 'map' } },
    });
    expect(preview.statusCode).toBe(200);
    const take = await live.inject({ method: 'POST', url: '/api/v1/director/take', headers: auth });
    expect(take.statusCode).toBe(200);
    const p = await until(() => programs.find((x) => x.scene.kind === 'map'), 20_000, 'the take on a push board');
    expect(p.rev).toBe(take.json<{ program: Program }>().program.rev);

    // A board that connects later: the push node's snapshot (from the live node, at most a tick old) has it.
    const late = liveClient(pushUrl);
    sockets.push(late.socket);
    const asking = setInterval(() => late.socket.emit('resync'), 200);
    try {
      const s = await until(() => late.snapshots.find((x) => x.program?.rev === p.rev), 20_000, 'a late snapshot');
      expect(s.program?.scene).toEqual({ kind: 'map' });
    } finally {
      clearInterval(asking);
    }

    expect((await push.inject({ method: 'POST', url: '/api/v1/director/take', headers: auth })).statusCode).toBe(404);
  });
});
