import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket as Client } from 'socket.io-client';
import {
  REPLAY_NAMESPACE,
  REPLAY_PATH,
  type ReplayAck,
  type ReplayClientToServerEvents,
  type ReplayServerToClientEvents,
} from '../../shared/history.js';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import { liveClient, startApp, until, injectOrders } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const STALLED_AGENT = 'stalled-board';
const SHOW_START_S = Date.parse('2015-11-11T00:00:00+08:00') / 1000;

const dir = tempDir('slow-board');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { MAX_SOCKET_BUFFER_BYTES: String(64 * 1024) }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** One order in each of `n` seconds from `from`: every second is a point of the snapshot's series. */
function spread(from: number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    order(from + i, { order_id: `slow-${from + i}`, ts: new Date((SHOW_START_S + from + i) * 1000).toISOString() }),
  );
}

async function post(orders: readonly unknown[]): Promise<void> {
  const res = await injectOrders(app, ndjson(orders));
  expect(res.statusCode).toBe(200);
}

/** A masked WebSocket text frame, as a client must send it. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

/** A board that joins a namespace over a raw WebSocket and then never reads another byte. */
async function stalledBoard(port: number, path = '/socket.io', namespace = LIVE_NAMESPACE): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET ${path}/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      `Sec-WebSocket-Version: 13\r\nUser-Agent: ${STALLED_AGENT}\r\n\r\n`,
  );
  let seen = '';
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      seen += d.toString('latin1');
      // The engine.io open packet follows the 101.
      if (seen.includes('101 Switching Protocols') && seen.includes('"sid"')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.pause();
  socket.write(textFrame(`40${namespace},`));
  return socket;
}

describe('slow boards', () => {
  it('drops a board that stopped reading while the others keep getting ticks', async () => {
    // A long series makes each snapshot several hundred kilobytes.
    await post(spread(0, 20_000));
    const nsp = app.io.of(LIVE_NAMESPACE);
    const reasons = new Map<string, string>();
    nsp.on('connection', (s) => {
      const agent = s.handshake.headers['user-agent'] ?? '';
      s.on('disconnect', (reason) => reasons.set(agent, reason));
    });

    const reader = liveClient(url);
    await until(() => reader.snapshots.length > 0, 10_000, 'first snapshot');
    const port = (app.server.address() as { port: number }).port;
    const stalled = await stalledBoard(port);
    await until(() => nsp.sockets.size === 2, 5_000, 'stalled board joined');

    // Keep the boards busy: every 100 ms late orders in 1,900 earlier seconds (each tick carries
    // them all: tens of kilobytes, where snapshots carry only recent seconds), and the stalled
    // board asking for snapshots (it can still write; it only never reads).
    let late = 0;
    const traffic = setInterval(() => {
      void post(
        Array.from({ length: 1900 }, () => {
          const second = late % 20_000;
          return order(second, {
            order_id: `late-${late++}`,
            ts: new Date((SHOW_START_S + second) * 1000 + 500).toISOString(),
          });
        }),
      );
      if (!stalled.destroyed) stalled.write(textFrame(`42${LIVE_NAMESPACE},["resync"]`));
    }, 100);
    try {
      // Every live message is bounded (ticks of at most 2,000 seconds, snapshots of 5 minutes), so the
      // kernel's socket buffers take a stalled board's first megabytes: it is dropped by the
      // slow-board check once its WebSocket buffers past the limit, or by engine.io's heartbeat
      // (10 s + 5 s) if that comes first. Either way it goes, and nothing piles up for it.
      await until(() => nsp.sockets.size === 1, 20_000, 'stalled board dropped');
      expect(['server namespace disconnect', 'ping timeout']).toContain(reasons.get(STALLED_AGENT));
      const ticksAtDrop = reader.ticks.length;
      await until(() => reader.ticks.length >= ticksAtDrop + 5, 5_000, 'ticks after the drop');
      expect(reader.socket.connected).toBe(true);
      expect(reasons.has('')).toBe(false);
    } finally {
      clearInterval(traffic);
      stalled.destroy();
      reader.socket.close();
    }
  });

  it('drops a replay viewer that stopped reading while the other viewer keeps getting frames', async () => {
    const nsp = app.replayIo.of(REPLAY_NAMESPACE);
    const reasons = new Map<string, string>();
    nsp.on('connection', (s) => {
      const agent = s.handshake.headers['user-agent'] ?? '';
      s.on('disconnect', (reason) => reasons.set(agent, reason));
    });
    const viewer: Client<ReplayServerToClientEvents, ReplayClientToServerEvents> = io(`${url}${REPLAY_NAMESPACE}`, {
      path: REPLAY_PATH,
      transports: ['websocket'],
    });
    const snapshots: unknown[] = [];
    viewer.on('snapshot', (x) => snapshots.push(x));
    const port = (app.server.address() as { port: number }).port;
    let stalled: Socket | null = null;
    let traffic: NodeJS.Timeout | undefined;
    try {
      // The day of the first test, replayed from its end: every snapshot carries its long series.
      const ack = await new Promise<ReplayAck>((r) =>
        viewer.emit('create', { show: '2015', from: '2015-11-11T06:00:00+08:00', speed: 1 }, r),
      );
      if (!ack.ok) throw new Error(ack.code);
      stalled = await stalledBoard(port, REPLAY_PATH, REPLAY_NAMESPACE);
      await until(() => nsp.sockets.size === 2, 5_000, 'stalled viewer joined');
      stalled.write(textFrame(`42${REPLAY_NAMESPACE},0["join","${ack.status.id}"]`));
      // It asks for snapshots it never reads (it can still write).
      const s = stalled;
      traffic = setInterval(() => {
        if (!s.destroyed) s.write(textFrame(`42${REPLAY_NAMESPACE},["resync"]`));
      }, 100);
      await until(() => nsp.sockets.size === 1, 15_000, 'stalled viewer dropped');
      expect(reasons.get(STALLED_AGENT)).toBe('server namespace disconnect');
      const seen = snapshots.length;
      viewer.emit('resync');
      await until(() => snapshots.length > seen, 5_000, 'a snapshot after the drop');
      expect(viewer.connected).toBe(true);
    } finally {
      clearInterval(traffic);
      stalled?.destroy();
      viewer.close();
    }
  });
});
