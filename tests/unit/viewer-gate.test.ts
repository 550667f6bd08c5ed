import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShareLinks, ViewerAccess } from '../../server/auth.js';
import { LINK_EXPIRED, viewerGate } from '../../server/live/viewer-gate.js';

const SECRET = 'share-secret-0123456789abcdef0123456789';
const VIEW = 'view-token-0123456789abcdef';
const DAY = 86_400_000;

/** The parts of a server socket the gate touches, recording what it is told. */
function fakeSocket(token: string) {
  const socket = Object.assign(new EventEmitter(), {
    handshake: { auth: { token } },
    conn: new EventEmitter(),
    told: [] as unknown[][],
    dropped: false,
    /** What the gate sends the client; also dispatched here, like socket.io's own events are. */
    emit(event: string, ...args: unknown[]) {
      socket.told.push([event, ...args]);
      return EventEmitter.prototype.emit.call(socket, event, ...args);
    },
    disconnect() {
      socket.dropped = true;
    },
  });
  return socket;
}

function admit(token: string) {
  const socket = fakeSocket(token);
  const next = vi.fn();
  viewerGate(new ViewerAccess([VIEW], SECRET))(socket as unknown as Socket, next);
  expect(next).toHaveBeenCalledWith();
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2015-11-11T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('viewer gate: sockets end with their share link', () => {
  it('keeps a socket whose link lasts 30 days (past the longest setTimeout) until the link expires', () => {
    const socket = admit(new ShareLinks(SECRET).mint(30 * 86_400).token);
    vi.advanceTimersByTime(1000);
    expect(socket.dropped).toBe(false);
    vi.advanceTimersByTime(30 * DAY - 2000);
    expect([socket.dropped, socket.told]).toEqual([false, []]);
    vi.advanceTimersByTime(1000);
    expect([socket.dropped, socket.told]).toEqual([true, [['unauthorized', LINK_EXPIRED]]]);
  });

  it('never drops a socket admitted with a viewer token', () => {
    const socket = admit(VIEW);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(365 * DAY);
    expect(socket.dropped).toBe(false);
  });

  it('forgets the expiry of a socket that went, by a disconnect or a closed connection', () => {
    const link = new ShareLinks(SECRET).mint(60).token;
    const left = admit(link);
    expect(vi.getTimerCount()).toBe(1);
    left.emit('disconnect', 'client namespace disconnect');
    expect(vi.getTimerCount()).toBe(0);
    const closed = admit(link);
    closed.conn.emit('close');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect([left.dropped, closed.dropped]).toEqual([false, false]);
    expect([left.listenerCount('disconnect'), closed.conn.listenerCount('close')]).toEqual([0, 0]);
  });
});
