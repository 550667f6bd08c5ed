import { merchantNames } from '../store/merchants.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import {
  BreakdownsResponseSchema,
  DIMENSIONS,
  MAX_SERIES_ROWS,
  OnAirResponseSchema,
  SERIES_STEPS,
  SeriesResponseSchema,
  ShowSummarySchema,
  type SeriesStep,
} from '../../shared/history.js';
import { subtractFen } from '../../shared/money.js';
import type { TotalsPart, TotalsResponse } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { salesAndRefunds, type ExactTotals } from '../store/board.js';
import type { StoreHandle } from '../store/client.js';
import { breakdownExport, marksExport, runExport, seriesExport, type ExportFormat } from '../store/exports.js';
import { STEP_MS, listShows, onAirAt, seriesRows, totalsAt } from '../store/history.js';
import { dimensionRows, merchantRange, wholeSeconds, type Range } from '../store/ranges.js';
import { errorResponses, instantOf, instantParam, query, rangeOf, showOf, showParam, tokenParam } from './params.js';
import { encodePart, encodeRows, encodeSalesRefunds, encodeStep, totalsResponse } from '../wire.js';
import { dayRoutes } from './days.js';

const iso = (ms: number) => new Date(ms).toISOString();

function parts(t: ExactTotals): { gross: TotalsPart; net: TotalsPart } {
  const { sales, refunds } = salesAndRefunds(t);
  return encodeSalesRefunds(sales, refunds);
}

/** GET /api/v1/totals?at=: totals of the stored orders with event time up to `at`, exact to the ms. */
export async function totalsAtInstant(
  store: StoreHandle,
  config: Config,
  id: string | undefined,
  at: string,
): Promise<TotalsResponse> {
  const atMs = instantOf('at', at);
  const show = showOf(config, id);
  return totalsResponse(show.id, atMs, 0, parts(await totalsAt(store, show.id, atMs)));
}

/** Refuses a series that would pass MAX_SERIES_ROWS steps, naming `step`. */
function checkRows(range: Range, step: SeriesStep): void {
  const r = wholeSeconds(range);
  // Unaligned minute or hour ranges can touch one step more at the edges.
  const most = Math.ceil((r.toMs - r.fromMs) / STEP_MS[step]) + (step === '1s' ? 0 : 1);
  if (most > MAX_SERIES_ROWS) {
    throw new Errors.REQUEST_INVALID(
      `step ${step} over this range gives up to ${most} rows, more than ${MAX_SERIES_ROWS}: use a larger step or a shorter range`,
    );
  }
}

/** "20151110T160000Z", for file names. */
const compact = (ms: number) =>
  iso(ms)
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * The analyst's side: the configured shows, series and breakdowns of any range,
 * what was on air at an instant, and exports that ClickHouse formats and the
 * reply streams.
 */
export const historyRoutes: FastifyPluginAsync<{ config: Config; store: StoreHandle }> = async (
  plain,
  { config, store },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const rateLimit = { max: config.rateLimits.readPerMin, timeWindow: 60_000 };
  const range = {
    show: showParam,
    from: Type.Optional(instantParam('start of the range')),
    to: Type.Optional(instantParam('end (exclusive)')),
    token: tokenParam,
  };
  const step = Type.Optional(Type.Enum(SERIES_STEPS, { default: '1m' }));
  await plain.register(dayRoutes, { config, store });

  app.get(
    '/api/v1/shows',
    {
      config: { rateLimit },
      schema: {
        summary: 'The configured shows and what the store holds of each',
        tags: ['history'],
        querystring: query({ token: tokenParam }),
        response: { 200: Type.Array(ShowSummarySchema), ...errorResponses },
      },
    },
    async () => listShows(store, config.shows, config.liveShow),
  );

  app.get(
    '/api/v1/series',
    {
      config: { rateLimit },
      schema: {
        summary: 'Sales, refunds and net GMV per step (1s, 1m, 1h) over a range of event time',
        tags: ['history'],
        querystring: query({ ...range, step }),
        response: { 200: SeriesResponseSchema, ...errorResponses },
      },
    },
    async (req) => {
      const show = showOf(config, req.query.show);
      const r = rangeOf(show, req.query.from, req.query.to);
      const step = req.query.step ?? '1m';
      checkRows(r, step);
      const rows = await seriesRows(store, show, r, step);
      const summed = wholeSeconds(r);
      return {
        show: show.id,
        step,
        from: iso(summed.fromMs),
        to: iso(summed.toMs),
        rows: rows.map((b) => ({ t: iso(b.startMs), ...encodeStep(b) })),
      };
    },
  );

  app.get(
    '/api/v1/breakdowns',
    {
      config: { rateLimit },
      schema: {
        summary: 'Sales by channel, country, category, merchant, province or city over a range of event time',
        tags: ['history'],
        querystring: query({
          ...range,
          dimension: Type.Enum(DIMENSIONS),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10 })),
        }),
        response: { 200: BreakdownsResponseSchema, ...errorResponses },
      },
    },
    async (req) => {
      const show = showOf(config, req.query.show);
      const r = rangeOf(show, req.query.from, req.query.to);
      const { dimension } = req.query;
      const summed = dimension === 'merchant' ? merchantRange(r) : wholeSeconds(r);
      const rows = await dimensionRows(store, show.id, r, [dimension], 'sale', req.query.limit ?? 10);
      // The engine picked them; this orders them the same way for the answer (exactly, past 2^53 too).
      rows.sort((a, b) => {
        const d = subtractFen(b.bigFen ?? b.fen, a.bigFen ?? a.fen);
        return d > 0 ? 1 : d < 0 ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      });
      // A merchant's display name from the reference data, looked up in the engine for these rows only.
      const names =
        dimension === 'merchant'
          ? await merchantNames(
              store,
              rows.map((r) => r.key),
            )
          : new Map<string, string>();
      return {
        show: show.id,
        dimension,
        from: iso(summed.fromMs),
        to: iso(summed.toMs),
        rows: encodeRows(
          rows.map((row) => ({
            key: row.key,
            orders: row.orders,
            fen: row.bigFen ?? row.fen,
            name: names.get(row.key),
          })),
        ),
      };
    },
  );

  app.get(
    '/api/v1/on-air',
    {
      config: { rateLimit },
      schema: {
        summary: 'What the wall showed at an instant, next to the event-time truth',
        tags: ['history'],
        querystring: query({ show: showParam, at: instantParam('the instant'), token: tokenParam }),
        response: { 200: OnAirResponseSchema, ...errorResponses },
      },
    },
    async (req) => {
      const atMs = instantOf('at', req.query.at);
      const show = showOf(config, req.query.show);
      const [row, truth] = await Promise.all([onAirAt(store, show.id, atMs), totalsAt(store, show.id, atMs)]);
      return {
        show: show.id,
        at: iso(atMs),
        onAir: row && {
          seq: row.seq,
          kind: row.kind,
          sentAt: iso(row.sentAtMs),
          asOf: iso(row.asOfMs),
          gross: encodePart({ fen: row.grossFen, orders: row.grossOrders }),
          net: encodePart({ fen: row.netFen, orders: row.netOrders }),
        },
        truth: parts(truth),
      };
    },
  );

  const exportQuery = query({
    ...range,
    kind: Type.Optional(Type.Enum(['series', 'breakdown', 'marks'], { default: 'series' })),
    step,
    dimension: Type.Optional(Type.Enum(DIMENSIONS)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SERIES_ROWS, default: MAX_SERIES_ROWS })),
  });
  const exportRoute = (format: ExportFormat, contentType: string) =>
    app.get(
      `/api/v1/export.${format}`,
      {
        config: { rateLimit },
        schema: {
          summary: `A series (kind=series, step), a breakdown (kind=breakdown, dimension) or the run-of-show marks (kind=marks) as ${format === 'csv' ? 'CSV' : 'Parquet'}`,
          tags: ['history'],
          querystring: exportQuery,
          response: {
            200: {
              description: `attachment; ${format === 'csv' ? 'CSV with a header row' : 'a Parquet file'}`,
              content: { [contentType.split(';')[0]!]: { schema: Type.String({ format: 'binary' }) } },
            },
            ...errorResponses,
          },
        },
      },
      async (req, typed) => {
        // A stream of the file ClickHouse formats, past the serializer.
        const reply = typed as unknown as FastifyReply;
        const show = showOf(config, req.query.show);
        const r = rangeOf(show, req.query.from, req.query.to);
        let q;
        let name;
        if ((req.query.kind ?? 'series') === 'series') {
          const step = req.query.step ?? '1m';
          checkRows(r, step);
          q = seriesExport(store, show, r, step, format);
          name = `series-${step}`;
        } else if (req.query.kind === 'marks') {
          q = marksExport(store, show.id, r, format);
          name = 'marks';
        } else {
          const { dimension } = req.query;
          if (!dimension) throw new Errors.REQUEST_INVALID('dimension is required when kind is breakdown');
          q = breakdownExport(store, show.id, r, dimension, req.query.limit ?? MAX_SERIES_ROWS, format);
          name = dimension;
        }
        const stream = await runExport(store, q, format);
        const file = `gmv-${show.id}-${name}-${compact(r.fromMs)}-${compact(r.toMs)}.${format}`;
        return reply
          .header('content-type', contentType)
          .header('content-disposition', `attachment; filename="${file}"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
  exportRoute('csv', 'text/csv; charset=utf-8');
  exportRoute('parquet', 'application/vnd.apache.parquet');
};
