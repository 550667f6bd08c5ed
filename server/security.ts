import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { ShareLinks, TokenSet, ViewerAccess } from './auth.js';
import type { Config } from './config.js';
import { Errors } from './errors.js';
import { errorResponses } from './routes/params.js';
import { Instant } from '../shared/protocol.js';

declare module 'fastify' {
  interface FastifyInstance {
    viewers: ViewerAccess;
  }
}

/** Paths of the screens other than the wall; they serve the board's page too (see app.ts). */
export const SCREEN_PATHS = ['/replay', '/exec', '/director', '/audit'] as const;

/** POST /api/v1/admin/share-links: how long the link lasts (default a day). */
const ShareLinkRequestSchema = Type.Object(
  { ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 86_400 })) },
  { additionalProperties: false },
);

/** A minted share link: the token, when it expires (RFC 3339 UTC) and the board's path with it. */
const ShareLinkSchema = Type.Object({
  token: Type.String(),
  expiresAt: Instant,
  path: Type.String(),
});

/** What a viewer token guards: the board's page (every screen) and the read API (ingest and admin have their own). */
function needsViewer(path: string): boolean {
  // The director's console and routes have their own credential (DIRECTOR_TOKENS).
  if (path === '/director' || path.startsWith('/api/v1/director/')) return false;
  if (path === '/' || path === '/index.html' || (SCREEN_PATHS as readonly string[]).includes(path)) return true;
  return path.startsWith('/api/') && path !== '/api/v1/orders' && !path.startsWith('/api/v1/admin/');
}

/** Security headers, viewer access to the board and read API, and admin actions. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // The board's and the replays' sockets (/socket.io, REPLAY_PATH) are on this origin; CSP 3
          // 'self' covers its ws:/wss: too. A balancer splitting them by path keeps them one origin.
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'none'"],
        },
      },
      // The board is shown on TVs over plain HTTP on a venue network too.
      strictTransportSecurity: false,
    });

    const viewers = new ViewerAccess(config.viewTokens, config.shareSecret);
    app.decorate('viewers', viewers);
    if (viewers.open && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
      app.log.warn(
        { host: config.host },
        'the board and read API are open to anyone who can reach this address: set VIEW_TOKENS or SHARE_SECRET',
      );
    }
    app.addHook('onRequest', async (req) => {
      if (viewers.open) return;
      // Judge the path as the router does (decoded), so /%61pi/... is guarded like /api/...
      let path: string;
      try {
        path = decodeURIComponent(req.url.split('?')[0]!);
      } catch {
        throw new Errors.VIEWER_UNAUTHORIZED();
      }
      const guarded = needsViewer(path) || needsViewer(req.routeOptions.url ?? '');
      if (!guarded) return;
      const query = req.query as { token?: unknown } | undefined;
      const header = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = typeof query?.token === 'string' ? query.token : header;
      if (!viewers.allows(token)) throw new Errors.VIEWER_UNAUTHORIZED();
    });

    const admins = new TokenSet(config.adminTokens);
    const links = config.shareSecret ? new ShareLinks(config.shareSecret) : null;
    app.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/admin/share-links',
      {
        schema: {
          summary: 'Mint a signed, expiring share link for a screen',
          tags: ['admin'],
          security: [{ bearer: [] }],
          body: ShareLinkRequestSchema,
          response: { 200: ShareLinkSchema, ...errorResponses },
        },
        onRequest: async (req) => {
          if (!admins.allows(req.headers.authorization)) throw new Errors.ADMIN_UNAUTHORIZED();
        },
      },
      async (req) => {
        if (!links) throw new Errors.NOT_CONFIGURED('SHARE_SECRET is not set');
        const { token, expiresAt } = links.mint(req.body?.ttlSeconds ?? 86_400);
        return { token, expiresAt, path: `/?token=${token}` };
      },
    );
  },
  { name: 'security' },
);
