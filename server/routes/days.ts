import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { DaysResponseSchema, type DaysResponse } from '../../shared/history.js';
import type { Config } from '../config.js';
import type { StoreHandle } from '../store/client.js';
import { dayFigures } from '../store/days.js';
import { encodePart } from '../wire.js';
import { errorResponses, query, tokenParam } from './params.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** GET /api/v1/days: each show's net GMV, refunds (after its end too) and refund rate. */
export const dayRoutes: FastifyPluginAsync<{ config: Config; store: StoreHandle }> = async (
  plain,
  { config, store },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/days',
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: "Each show's gross, refunds (after its end too), net GMV and refund rate",
        tags: ['history'],
        querystring: query({ token: tokenParam }),
        response: { 200: DaysResponseSchema, ...errorResponses },
      },
    },
    async (): Promise<DaysResponse> => ({
      days: (await dayFigures(store, config.shows)).map((d) => ({
        show: d.show.id,
        name: d.show.name,
        start: iso(d.show.startMs),
        end: iso(d.show.endMs),
        live: d.show.id === config.liveShow,
        gross: encodePart(d.gross),
        refunds: encodePart(d.refunds),
        lateRefunds: encodePart(d.lateRefunds),
        net: encodePart(d.net),
        refundRate: d.refundRate,
      })),
    }),
  );
};
