import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { DIRECTOR_PATH } from '../../shared/director.js';
import { FeedStatusSchema, type FeedStatus } from '../../shared/feed.js';
import type { Config } from '../config.js';
import { directorGuard } from './guard.js';
import type { FeedReport, FeedThresholds } from '../domain/feed-watch.js';
import type { FeedPart } from '../live/feed.js';
import { errorResponses } from '../routes/params.js';

/** GET /api/v1/director/feed: the feed watch's alerts and figures, for director (or admin) tokens. */
export const feedRoutes: FastifyPluginAsync<{ config: Config } & FeedPart> = async (plain, { config, feed }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { onRequest, config: routeConfig, base } = directorGuard(config);
  app.get(
    `${DIRECTOR_PATH}/feed`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: 'The feed watch: alerts about the incoming orders, and the rate against its band',
        response: { 200: FeedStatusSchema, ...errorResponses },
      },
    },
    async () => feedStatus(feed.report(), config.feedWatch),
  );
};

const tenth = (x: number) => Math.round(x * 10) / 10;

/** The watch's latest report as the route answers it. */
export function feedStatus(r: FeedReport | null, thresholds: FeedThresholds): FeedStatus {
  return {
    at: r ? new Date(r.atMs).toISOString() : null,
    second: r?.second ?? null,
    alerts: (r?.alerts ?? []).map((a) => ({
      kind: a.kind,
      subject: a.subject,
      value: tenth(a.value),
      threshold: tenth(a.threshold),
      ...(a.band ? { band: { low: tenth(a.band.low), high: tenth(a.band.high) } } : {}),
      ...(a.lastYear !== undefined ? { lastYear: a.lastYear } : {}),
      since: new Date(a.sinceMs).toISOString(),
    })),
    rate: r?.rate
      ? {
          ordersPerSec: tenth(r.rate.ordersPerSec),
          expectedPerSec: tenth(r.rate.expectedPerSec),
          low: tenth(r.rate.low),
          high: tenth(r.rate.high),
          ratio: Math.round(r.rate.ratio * 1000) / 1000,
          judged: r.rate.judged,
        }
      : null,
    window: {
      seconds: thresholds.windowSeconds,
      lines: r?.lines ?? 0,
      rejected: r?.rejected ?? 0,
      orders: r?.orders ?? 0,
      late: r?.late ?? 0,
    },
    senders: (r?.senders ?? []).map((s) => ({
      ...s,
      skewMedianMs: s.skewMedianMs === null ? null : Math.round(s.skewMedianMs),
      skewP95Ms: s.skewP95Ms === null ? null : Math.round(s.skewP95Ms),
    })),
    thresholds: { ...thresholds },
  };
}
