import type { AllNode } from '../../server/roles.js';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBoard } from '../../client/live/connect.js';
import { connectionMark } from '../../client/live/select.js';
import { boardCaps, TOO_MANY_BOARDS } from '../../server/live/caps.js';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import { startApp, until } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('board-caps');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { MAX_BOARDS: '10', MAX_BOARDS_PER_ADDRESS: '2' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** A board socket and what happened to it: connected, or refused with this error. */
function board(): { socket: Socket; result: Promise<'connected' | { message: string; data: unknown }> } {
  const socket = connect(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  const result = new Promise<'connected' | { message: string; data: unknown }>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err: Error & { data?: unknown }) =>
      resolve({ message: err.message, data: err.data }),
    );
  });
  return { socket, result };
}

describe('board caps on a real socket.io server', () => {
  it('refuses a board past the cap of its address with a code and a reason, and takes it once a place is free', async () => {
    const a = board();
    const b = board();
    expect([await a.result, await b.result]).toEqual(['connected', 'connected']);
    const c = board();
    expect(await c.result).toEqual({
      message: TOO_MANY_BOARDS,
      data: { code: TOO_MANY_BOARDS, message: 'at most 2 boards from one address; retrying' },
    });
    a.socket.close();
    await until(() => app.io.of(LIVE_NAMESPACE).sockets.size === 1, 5_000, 'the place freed');
    const d = board();
    expect(await d.result).toBe('connected');

    // The reference board shows the reason on its connection mark, keeps retrying, and gets in
    // once a place is free.
    const screen = connectBoard(`${url}${LIVE_NAMESPACE}`, '');
    try {
      await until(() => screen.store.getState().refusal, 5_000, 'the refusal on the board');
      expect(connectionMark(screen.store.getState(), Date.now()).label).toBe(
        'at most 2 boards from one address; retrying',
      );
      b.socket.close();
      await until(() => screen.store.getState().figures, 15_000, 'the board in after a retry');
      expect(screen.store.getState().refusal).toBeNull();
      expect(connectionMark(screen.store.getState(), Date.now()).state).toBe('live');
    } finally {
      screen.close();
    }
    for (const s of [c, d]) s.socket.close();
  });
});

describe('board caps, counted per node', () => {
  /** A namespace and sockets as far as the caps see them. */
  function fakeNamespace() {
    let onConnection: (s: FakeSocket) => void = () => {};
    return {
      on: (_event: 'connection', listener: (s: FakeSocket) => void) => (onConnection = listener),
      connect: (s: FakeSocket) => onConnection(s),
    };
  }
  class FakeSocket {
    private bye: (() => void) | null = null;
    constructor(readonly handshake: { address: string }) {}
    once(_event: 'disconnect', listener: () => void) {
      this.bye = listener;
      return this;
    }
    leave() {
      this.bye?.();
    }
  }

  it('refuses past the node total whatever the addresses, and counts a board out when it goes', () => {
    const nsp = fakeNamespace();
    const use = boardCaps(nsp as never, { total: 2, perAddress: 5 });
    const admit = (address: string): string | null => {
      let refused: string | null = 'not answered';
      const socket = new FakeSocket({ address });
      use(socket as never, (err?: Error & { data?: { message: string } }) => {
        refused = err ? err.data!.message : null;
        if (!err) nsp.connect(socket);
      });
      return refused;
    };
    expect(admit('10.0.0.1')).toBeNull();
    expect(admit('10.0.0.2')).toBeNull();
    expect(admit('10.0.0.3')).toBe('this server shows at most 2 boards; retrying');
    const socket = new FakeSocket({ address: '10.0.0.4' });
    nsp.connect(socket);
    socket.leave();
    expect(admit('10.0.0.5')).toBe('this server shows at most 2 boards; retrying');
  });
});
