import type { AllNode } from '../../server/roles.js';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShareLinks } from '../../server/auth.js';
import { REPLAY_NAMESPACE, REPLAY_PATH } from '../../shared/history.js';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const VIEW = 'view-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const SECRET = 'share-secret-0123456789abcdef0123456789';
const dir = tempDir('access');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { VIEW_TOKENS: VIEW, ADMIN_TOKENS: ADMIN, SHARE_SECRET: SECRET }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** Resolves with "snapshot" or the handshake error message. */
function handshake(token?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(`${url}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      ...(token ? { auth: { token } } : {}),
    });
    socket.on('snapshot', () => {
      socket.close();
      resolve('snapshot');
    });
    socket.on('connect_error', (err) => {
      socket.close();
      resolve(err.message);
    });
  });
}

describe('viewer access when VIEW_TOKENS and SHARE_SECRET are set', () => {
  it('refuses the read API without a viewer token and accepts a token or a share link', async () => {
    const none = await app.inject({ url: '/api/v1/totals' });
    expect([none.statusCode, none.json().code]).toEqual([401, 'GMV_ERR_VIEWER_UNAUTHORIZED']);
    expect((await app.inject({ url: '/api/v1/totals', headers: { authorization: `Bearer ${VIEW}` } })).statusCode).toBe(
      200,
    );
    const link = new ShareLinks(SECRET).mint(60);
    expect((await app.inject({ url: `/api/v1/totals?token=${link.token}` })).statusCode).toBe(200);
    const expired = new ShareLinks(SECRET).mint(60, Date.now() - 3_600_000);
    expect((await app.inject({ url: `/api/v1/totals?token=${expired.token}` })).statusCode).toBe(401);
    const forged = new ShareLinks('another-secret-0123456789abcdef0123').mint(60);
    expect((await app.inject({ url: `/api/v1/totals?token=${forged.token}` })).statusCode).toBe(401);
  });

  it('guards percent-encoded paths like the plain ones', async () => {
    for (const url of ['/%61pi/v1/totals', '/api/v1/%74otals', '/api%2Fv1/totals']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).not.toBe(200);
    }
  });

  it('refuses the socket handshake without a valid token', async () => {
    expect(await handshake()).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    expect(await handshake('wrong-token-000000000000')).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    expect(await handshake(VIEW)).toBe('snapshot');
    expect(await handshake(new ShareLinks(SECRET).mint(60).token)).toBe('snapshot');
  });

  it('guards the replay namespace with the same viewer gate', async () => {
    const attempt = (token?: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(`${url}${REPLAY_NAMESPACE}`, {
          path: REPLAY_PATH,
          transports: ['websocket'],
          reconnection: false,
          ...(token ? { auth: { token } } : {}),
        });
        socket.on('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.on('connect_error', (err) => {
          socket.close();
          resolve(err.message);
        });
      });
    expect(await attempt()).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    expect(await attempt('wrong-token-000000000000')).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    expect(await attempt(VIEW)).toBe('connected');
    expect(await attempt(new ShareLinks(SECRET).mint(60).token)).toBe('connected');
  });

  it('lets only an admin mint share links, which then open the board', async () => {
    const denied = await app.inject({ method: 'POST', url: '/api/v1/admin/share-links', payload: {} });
    expect([denied.statusCode, denied.json().code]).toEqual([401, 'GMV_ERR_ADMIN_UNAUTHORIZED']);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/share-links',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { ttlSeconds: 600 },
    });
    expect(res.statusCode).toBe(200);
    const { token, expiresAt, path } = res.json();
    expect(path).toBe(`/?token=${token}`);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(await handshake(token)).toBe('snapshot');
  });

  it('drops board and replay sockets when their share link expires, saying why, and refuses them after', async () => {
    type Seen = { events: string[]; unauthorized: unknown[]; gone: Promise<string>; socket: Socket };
    const open = (namespace: string, token: string, path?: string): Seen => {
      const socket = connect(`${url}${namespace}`, {
        transports: ['websocket'],
        reconnection: false,
        auth: { token },
        ...(path ? { path } : {}),
      });
      const seen: Omit<Seen, 'gone'> = { events: [], unauthorized: [], socket };
      socket.on('connect', () => seen.events.push('connect'));
      socket.on('snapshot', () => seen.events.push('snapshot'));
      socket.on('unauthorized', (r: unknown) => seen.unauthorized.push(r));
      const gone = new Promise<string>((resolve) => {
        socket.on('disconnect', (reason) => resolve(reason));
        socket.on('connect_error', (err) => resolve(`connect_error ${err.message}`));
      });
      return { ...seen, gone };
    };
    // Expires within 1-2 s (links count whole seconds); the other link and the token last.
    const link = new ShareLinks(SECRET).mint(2).token;
    const lasting = new ShareLinks(SECRET).mint(3600).token;
    const board = open(LIVE_NAMESPACE, link);
    const replay = open(REPLAY_NAMESPACE, link, REPLAY_PATH);
    const byLasting = open(LIVE_NAMESPACE, lasting);
    const byToken = open(LIVE_NAMESPACE, VIEW);
    try {
      const expired = { code: 'GMV_ERR_VIEWER_UNAUTHORIZED', message: expect.stringMatching(/expired/), expired: true };
      expect(await board.gone).toBe('io server disconnect');
      expect(board.events).toEqual(['connect', 'snapshot']);
      expect(board.unauthorized).toEqual([expired]);
      expect(await replay.gone).toBe('io server disconnect');
      expect(replay.events).toEqual(['connect']);
      expect(replay.unauthorized).toEqual([expired]);
      // Only the expired credential goes.
      expect([byLasting.socket.connected, byToken.socket.connected]).toEqual([true, true]);
      expect([byLasting.unauthorized, byToken.unauthorized]).toEqual([[], []]);
      // Coming back with the same link is refused, with the reason in the error's data.
      const again = await new Promise<{ message: string; data: unknown }>((resolve) => {
        const socket = connect(`${url}${LIVE_NAMESPACE}`, {
          transports: ['websocket'],
          reconnection: false,
          auth: { token: link },
        });
        socket.on('connect_error', (err) => {
          socket.close();
          resolve({ message: err.message, data: (err as Error & { data?: unknown }).data });
        });
      });
      expect(again).toEqual({ message: 'GMV_ERR_VIEWER_UNAUTHORIZED', data: expired });
    } finally {
      for (const s of [board, replay, byLasting, byToken]) s.socket.close();
    }
  });

  it('says why a handshake is refused: no valid credential, or an expired link', async () => {
    const refusal = (token: string) =>
      new Promise<unknown>((resolve) => {
        const socket = connect(`${url}${LIVE_NAMESPACE}`, {
          transports: ['websocket'],
          reconnection: false,
          auth: { token },
        });
        socket.on('connect_error', (err) => {
          socket.close();
          resolve((err as Error & { data?: unknown }).data);
        });
      });
    expect(await refusal('wrong-token-000000000000')).toMatchObject({
      code: 'GMV_ERR_VIEWER_UNAUTHORIZED',
      expired: false,
    });
    const old = new ShareLinks(SECRET).mint(60, Date.now() - 3_600_000).token;
    expect(await refusal(old)).toMatchObject({ code: 'GMV_ERR_VIEWER_UNAUTHORIZED', expired: true });
    const forged = new ShareLinks('another-secret-0123456789abcdef0123').mint(60, Date.now() - 3_600_000).token;
    expect(await refusal(forged)).toMatchObject({ code: 'GMV_ERR_VIEWER_UNAUTHORIZED', expired: false });
  });

  it('sends security headers with a strict content security policy', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    // Both socket.io paths (/socket.io, REPLAY_PATH) are on this origin, ws: included.
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
