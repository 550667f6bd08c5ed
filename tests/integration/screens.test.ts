import { existsSync } from 'node:fs';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const VIEW = 'view-token-0123456789abcdef';
const dir = tempDir('screens');
let app: AllNode;
beforeAll(async () => {
  if (!existsSync('dist/client/index.html')) throw new Error('the board is not built: run `npm run build` first');
  ({ app } = await startApp(dir.path, { VIEW_TOKENS: VIEW }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('the replay and executive screens', () => {
  it('are served the board page, guarded by the viewer token like /', async () => {
    const wall = await app.inject({ url: `/?token=${VIEW}` });
    expect(wall.statusCode).toBe(200);
    for (const path of ['/replay', '/exec']) {
      const page = await app.inject({ url: `${path}?token=${VIEW}` });
      expect([page.statusCode, page.headers['content-type']], path).toEqual([200, 'text/html; charset=utf-8']);
      expect(page.body, path).toBe(wall.body);
      const bearer = await app.inject({ url: path, headers: { authorization: `Bearer ${VIEW}` } });
      expect(bearer.statusCode, path).toBe(200);
      const none = await app.inject({ url: path });
      expect([none.statusCode, none.json().code], path).toEqual([401, 'GMV_ERR_VIEWER_UNAUTHORIZED']);
      const wrong = await app.inject({ url: `${path}?token=nope` });
      expect(wrong.statusCode, path).toBe(401);
    }
    // Percent-encoded spellings are judged as the router decodes them.
    for (const path of ['/%72eplay', '/%65xec'])
      expect((await app.inject({ url: path })).statusCode, path).not.toBe(200);
  });

  it('keep the strict content security policy of the board', async () => {
    const page = await app.inject({ url: `/exec?token=${VIEW}` });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
