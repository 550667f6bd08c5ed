import { join } from 'node:path';
import type { AllNode, PushNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetAnswer, ScreenReport, ScreenStatus } from '../../shared/fleet.js';
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

  it("lists a push node's boards on the live node's console, and flags one as disconnected when it leaves", async () => {
    const board = liveClient(pushUrl);
    sockets.push(board.socket);
    await until(() => board.snapshots.length > 0, 20_000, 'a snapshot from the push node');
    const report: ScreenReport = {
      screen: 'led-left',
      seq: board.snapshots[0]!.seq,
      fps: 59.9,
      paintAgoMs: 4,
      dataAgeMs: null,
      link: 'live',
      build: '0.1.0+push',
      width: 1920,
      height: 1080,
      programRev: 0,
      visible: true,
    };
    const timer = setInterval(
      () => board.socket.emit('report', { ...report, seq: board.ticks.at(-1)?.seq ?? report.seq }),
      600,
    );
    const listed = async (check: (s: ScreenStatus) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const res = await live.inject({ url: '/api/v1/director/screens', headers: auth });
        const s = res.json<FleetAnswer>().screens.find((x) => x.name === 'led-left');
        if (s && check(s)) return s;
        if (Date.now() > deadline) throw new Error('timed out waiting for led-left on the live node');
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    try {
      const s = await listed((x) => x.connected);
      // Its node is the push node's (another process name than the live node's own boards would carry).
      expect(s.report).toMatchObject({ build: '0.1.0+push', width: 1920 });
      expect(s.node).toMatch(/:\d+$/);
    } finally {
      clearInterval(timer);
    }
    board.socket.close();
    const gone = await listed((x) => !x.connected);
    expect(gone.flags).toEqual(['disconnected']);
    // The push node serves no console route.
    expect((await push.inject({ url: '/api/v1/director/screens', headers: auth })).statusCode).toBe(404);
  });
});
