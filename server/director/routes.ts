import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  AuditListSchema,
  AuditQuerySchema,
  DIRECTOR_PATH,
  DirectorStateSchema,
  MAX_AUDIT_ENTRIES,
  PreviewRequestSchema,
} from '../../shared/director.js';
import type { Config } from '../config.js';
import { directorGuard } from './guard.js';
import { Errors } from '../errors.js';
import { errorResponses } from '../routes/params.js';
import type { StoreHandle } from '../store/client.js';
import { readDirectorActions } from '../store/director.js';
import type { Fleet } from '../live/fleet.js';
import { FleetAnswerSchema } from '../../shared/fleet.js';
import type { DeskResult, DirectorDesk } from './desk.js';

/** Audit entries listed when the request names no limit. */
const DEFAULT_AUDIT_ENTRIES = 50;

/**
 * /api/v1/director/*: the console's routes, on the live node only (it holds the program). Every
 * one needs a director (or admin) token; every action is recorded before it takes effect.
 */
export const directorRoutes: FastifyPluginAsync<{
  config: Config;
  desk: DirectorDesk;
  store: StoreHandle;
  fleet: Fleet;
}> = async (plain, { config, desk, store, fleet }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { onRequest, config: routeConfig, base } = directorGuard(config);
  const answer = (r: DeskResult) => {
    if (!r.ok) throw new Errors.REQUEST_INVALID(r.reason);
    return r.state;
  };

  app.get(
    `${DIRECTOR_PATH}/state`,
    {
      config: routeConfig,
      onRequest,
      schema: { ...base, summary: 'Program and preview', response: { 200: DirectorStateSchema, ...errorResponses } },
    },
    async () => desk.state,
  );

  app.post(
    `${DIRECTOR_PATH}/preview`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: 'Set the preview: the scene the next take puts on air',
        body: PreviewRequestSchema,
        response: { 200: DirectorStateSchema, ...errorResponses },
      },
    },
    async (req) => answer(await desk.act(req.director!, 'preview', req.body.scene)),
  );

  for (const [action, summary] of [
    ['take', 'Put the preview on air'],
    ['hold', 'Hold the figures on the wall while the live state goes on'],
    ['release', 'Release a hold: the wall catches up, counting up'],
  ] as const) {
    app.post(
      `${DIRECTOR_PATH}/${action}`,
      {
        config: routeConfig,
        onRequest,
        schema: { ...base, summary, response: { 200: DirectorStateSchema, ...errorResponses } },
      },
      async (req) => answer(await desk.act(req.director!, action)),
    );
  }

  app.get(
    `${DIRECTOR_PATH}/audit`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: `The director's actions, newest first (at most ${MAX_AUDIT_ENTRIES})`,
        querystring: AuditQuerySchema,
        response: { 200: AuditListSchema, ...errorResponses },
      },
    },
    async (req) => ({
      actions: await readDirectorActions(store, config.liveShow, req.query.limit ?? DEFAULT_AUDIT_ENTRIES),
    }),
  );

  app.get(
    `${DIRECTOR_PATH}/screens`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: 'Every screen as it reports, flagged ones first (the screen fleet)',
        response: { 200: FleetAnswerSchema, ...errorResponses },
      },
    },
    async () => fleet.list(),
  );
};
