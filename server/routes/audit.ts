import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AuditResponseSchema, type AuditResponse, type OnAirFrame } from '../../shared/audit.js';
import { explain, wallLedger, type Ledger } from '../audit/explain.js';
import type { Config } from '../config.js';
import { salesAndRefunds } from '../store/board.js';
import type { StoreHandle } from '../store/client.js';
import { onAirFrameAt, rebuildsSince, watermarkSplit } from '../store/audit.js';
import { onAirAt } from '../store/history.js';
import { totalsAt } from '../store/history.js';
import { readRepairMarks } from '../store/repair.js';
import { encodePart, encodeSalesRefunds } from '../wire.js';
import { errorResponses, instantOf, instantParam, query, showOf, showParam, tokenParam } from './params.js';

const iso = (ms: number) => new Date(ms).toISOString();
const NOTHING: Ledger = { sales: { orders: 0, fen: 0 }, refunds: { orders: 0, fen: 0 } };

/**
 * The audit (docs/audit.md): what was on air at an instant, the store's truth now for the same
 * event-time cut, and the difference explained part by part.
 */
export async function auditAt(
  store: StoreHandle,
  config: Config,
  id: string | undefined,
  at: string,
): Promise<AuditResponse> {
  const atMs = instantOf('at', at);
  const show = showOf(config, id);
  const readAtMs = Date.now();
  const [rec, frame, truthTotals, marks] = await Promise.all([
    onAirAt(store, show.id, atMs),
    onAirFrameAt(store, show.id, atMs),
    totalsAt(store, show.id, atMs),
    readRepairMarks(store),
  ]);
  const truth = salesAndRefunds(truthTotals);
  const wall = rec
    ? wallLedger({ orders: rec.grossOrders, fen: rec.grossFen }, { orders: rec.netOrders, fen: rec.netFen })
    : NOTHING;
  // A record from before the watermark was kept cannot be split (unless the wall showed nothing).
  const unsplittable = rec !== null && rec.committedAtMs === null && (rec.grossOrders > 0 || rec.netOrders !== 0);
  const [split, rebuilds] = await Promise.all([
    unsplittable ? null : watermarkSplit(store, show.id, atMs, rec?.committedAtMs ?? null),
    rec ? rebuildsSince(store, show.id, rec.sentAtMs, rec.builtAtMs) : 0,
  ]);
  const e = explain(wall, truth, split);
  return {
    show: show.id,
    at: iso(atMs),
    readAt: iso(readAtMs),
    onAir: rec && {
      seq: rec.seq,
      kind: rec.kind,
      sentAt: iso(rec.sentAtMs),
      asOf: iso(rec.asOfMs),
      committedAt: rec.committedAtMs === null ? null : iso(rec.committedAtMs),
      newestEvent: rec.newestEventMs === null ? null : iso(rec.newestEventMs),
      healthy: rec.healthy,
      gross: encodePart({ fen: rec.grossFen, orders: rec.grossOrders }),
      net: encodePart({ fen: rec.netFen, orders: rec.netOrders }),
      frame: frame && { seq: frame.seq, sentAt: iso(frame.sentAtMs), frame: JSON.parse(frame.json) as OnAirFrame },
    },
    truth: encodeSalesRefunds(truth.sales, truth.refunds),
    ...e,
    repairs: { rebuilds, pending: marks.filter((m) => m.show === show.id).length },
  };
}

/** GET /api/v1/audit: behind the viewer access, like the rest of the read API. */
export const auditRoutes: FastifyPluginAsync<{ config: Config; store: StoreHandle }> = async (
  plain,
  { config, store },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/audit',
    {
      config: { rateLimit: { max: config.rateLimits.readPerMin, timeWindow: 60_000 } },
      schema: {
        summary: 'What was on air at an instant, the store’s truth now, and the difference explained',
        tags: ['history'],
        querystring: query({ show: showParam, at: instantParam('the instant (wall time)'), token: tokenParam }),
        response: { 200: AuditResponseSchema, ...errorResponses },
      },
    },
    async (req) => auditAt(store, config, req.query.show, req.query.at),
  );
};
