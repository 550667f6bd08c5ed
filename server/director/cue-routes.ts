import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ArmRequestSchema, DIRECTOR_PATH, DirectorStateSchema } from '../../shared/director.js';
import type { Config } from '../config.js';
import { directorGuard } from './guard.js';
import { Errors } from '../errors.js';
import { errorResponses } from '../routes/params.js';
import type { DeskResult, DirectorDesk } from './desk.js';

/**
 * POST /api/v1/director/arm and /disarm: the armed milestone cue (docs/director.md, "Armed
 * milestone cues"). Same access, rate limit and audit as the console's other routes.
 */
export const cueRoutes: FastifyPluginAsync<{ config: Config; desk: DirectorDesk }> = async (
  plain,
  { config, desk },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { onRequest, config: routeConfig, base } = directorGuard(config);
  const answer = (r: DeskResult) => {
    if (!r.ok) throw new Errors.REQUEST_INVALID(r.reason);
    return r.state;
  };

  app.post(
    `${DIRECTOR_PATH}/arm`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: "Arm a milestone's card: on air at its crossing (auto) or ready for the take (manual)",
        body: ArmRequestSchema,
        response: { 200: DirectorStateSchema, ...errorResponses },
      },
    },
    async (req) => answer(await desk.arm(req.director!, req.body.amount, req.body.mode)),
  );

  app.post(
    `${DIRECTOR_PATH}/disarm`,
    {
      config: routeConfig,
      onRequest,
      schema: { ...base, summary: 'Disarm the armed cue', response: { 200: DirectorStateSchema, ...errorResponses } },
    },
    async (req) => answer(await desk.disarm(req.director!)),
  );
};
