import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_REQUESTS_PER_MINUTE, type Program } from '../../shared/protocol.js';
import { injectOrders, liveClient, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const DELAY_MS = 240;
const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('present-clock');
let app: AllNode;
let url: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { PRESENT_DELAY_MS: String(DELAY_MS), DIRECTOR_TOKENS: DIRECTOR }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  dir.remove();
});

const askClock = (socket: LiveSocket) =>
  new Promise<number | null>((resolve, reject) =>
    socket
      .timeout(5000)
      .emit('clock', (err: Error | null, serverMs: number | null) => (err ? reject(err) : resolve(serverMs))),
  );

describe('presentation times and the clock request', () => {
  it('stamps every snapshot and tick with presentAtMs = sentAtMs + PRESENT_DELAY_MS', async () => {
    const board = liveClient(url);
    sockets.push(board.socket);
    await until(() => board.snapshots.length > 0, 10_000, 'a snapshot');
    const res = await injectOrders(app, ndjson([order(1), order(2)]));
    expect(res.json().accepted).toBe(2);
    await until(() => board.ticks.some((t) => t.gross.orders === 2), 10_000, 'a tick with the orders');
    for (const m of [...board.snapshots, ...board.ticks]) expect(m.presentAtMs).toBe(m.sentAtMs + DELAY_MS);
  });

  it('answers with the server clock, and null past CLOCK_REQUESTS_PER_MINUTE per socket', async () => {
    const board = liveClient(url);
    sockets.push(board.socket);
    await until(() => board.socket.connected, 10_000, 'a connection');
    const answers: (number | null)[] = [];
    const before = Date.now();
    for (let i = 0; i < CLOCK_REQUESTS_PER_MINUTE + 2; i++) answers.push(await askClock(board.socket));
    const after = Date.now();
    const given = answers.slice(0, CLOCK_REQUESTS_PER_MINUTE);
    for (const t of given) {
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(after);
    }
    expect(answers.slice(CLOCK_REQUESTS_PER_MINUTE)).toEqual([null, null]);
    // Another socket has its own allowance.
    const other = liveClient(url);
    sockets.push(other.socket);
    await until(() => other.socket.connected, 10_000, 'a second connection');
    expect(typeof (await askClock(other.socket))).toBe('number');
  });

  it('stamps every program message with a presentation time PRESENT_DELAY_MS after it leaves, like a tick', async () => {
    const board = liveClient(url);
    sockets.push(board.socket);
    const programs: Program[] = [];
    board.socket.on('program', (p) => programs.push(p));
    await until(() => board.snapshots.length > 0, 10_000, 'a snapshot');
    const auth = { authorization: `Bearer ${DIRECTOR}` };
    const before = Date.now();
    expect((await app.inject({ method: 'POST', url: '/api/v1/director/hold', headers: auth })).statusCode).toBe(200);
    const p = await until(() => programs[0], 10_000, 'the program message');
    expect(p.held).toBe(true);
    expect(p.presentAtMs).toBeGreaterThanOrEqual(before + DELAY_MS);
    expect(p.presentAtMs).toBeLessThanOrEqual(Date.now() + DELAY_MS);
    // The snapshot carries the program without one: the snapshot's own time applies.
    expect(app.live.program?.presentAtMs).toBeUndefined();
  });
});
