import type { FastifyRequest } from 'fastify';
import { DirectorAccess } from '../auth.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The director's label (never the token), set by the director check. */
    director?: string;
  }
}

/** What every route of the console shares: its check, its rate limit and its OpenAPI tags. */
export interface DirectorGuard {
  /** Refuses a request without a director (or admin) token; sets `req.director` to its label. */
  onRequest: (req: FastifyRequest) => Promise<void>;
  /** The route's `config` (the read API's rate limit per address). */
  config: { rateLimit: { max: number; timeWindow: number } };
  /** Spread into the route's schema. */
  base: { tags: string[]; security: { bearer: never[] }[] };
}

/**
 * The console's one access rule (docs/director.md, "Access"): a director or admin token, the
 * read API's rate limit, the `director` tag. Every console route file takes it from here.
 */
export function directorGuard(config: Config): DirectorGuard {
  const access = new DirectorAccess(config.directorTokens, config.adminTokens);
  return {
    onRequest: async (req) => {
      const who = access.identify(req.headers.authorization);
      if (who === null) throw new Errors.ADMIN_UNAUTHORIZED();
      req.director = who;
    },
    config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
    base: { tags: ['director'], security: [{ bearer: [] }] },
  };
}
