import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { SCREEN_PATHS } from './security.js';

const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** The board's page (built by Vite into dist/client), on every node that serves the wall. */
export async function serveBoardPages(app: FastifyInstance): Promise<void> {
  if (!existsSync(CLIENT_DIR)) {
    app.log.warn({ dir: CLIENT_DIR }, 'board not built: run `npm run build` to serve it');
    return;
  }
  await app.register(fastifyStatic, { root: CLIENT_DIR, index: 'index.html', wildcard: false });
  // The replay and executive screens are the same page; the client picks the screen by path.
  for (const path of SCREEN_PATHS)
    app.get(path, { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
}
