import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, startApp, until } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('board-message-limits');
let app: AllNode;
let url: string;
beforeAll(async () => {
  // The longest tick interval there is, so a resync flood spread over a second stays inside one.
  ({ app, url } = await startApp(dir.path, { TICK_MS: '10000' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('what a board may send', () => {
  it('answers at most one resync per tick interval per socket, however often it asks', async () => {
    const c = liveClient(url);
    try {
      await until(() => c.snapshots.length === 1, 10_000, 'the snapshot on connect');
      c.socket.emit('resync');
      await until(() => c.snapshots.length === 2, 10_000, 'the snapshot of the first resync');
      // Ten more, each far enough apart (100 ms) that they could not share one snapshot.
      for (let i = 0; i < 10; i++) {
        c.socket.emit('resync');
        await pause(100);
      }
      await pause(500);
      expect(c.snapshots.length).toBe(2);
      expect(c.socket.connected).toBe(true);
    } finally {
      c.socket.close();
    }
  });

  it('closes the connection of a socket that sends a message over 1 KiB', async () => {
    const c = liveClient(url);
    try {
      await until(() => c.snapshots.length === 1, 10_000, 'the snapshot on connect');
      const reasons: string[] = [];
      c.socket.io.reconnection(false);
      c.socket.on('disconnect', (reason) => reasons.push(reason));
      (c.socket.emit as (ev: string, ...args: unknown[]) => void)('resync', 'x'.repeat(2048));
      await until(() => reasons.length > 0, 10_000, 'the disconnect');
      expect(reasons).toEqual(['transport close']);
    } finally {
      c.socket.close();
    }
  });
});
