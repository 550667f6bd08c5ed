import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import {
  DIRECTOR_MARKS_PATH,
  DirectorMarkListSchema,
  DirectorMarkSchema,
  MARKS_PATH,
  MarkListSchema,
  NewMarkSchema,
  type ShowMark,
} from '../../shared/marks.js';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { directorGuard } from './guard.js';
import type { LivePart } from '../live/node.js';
import { errorResponses, instantOf, query, showOf, showParam, tokenParam } from '../routes/params.js';
import type { StoreHandle } from '../store/client.js';
import { marksRev, readMarks, type MarkRow } from '../store/marks.js';
import { MarkBook, toDirectorMark } from './marks.js';

const toShowMark = (m: MarkRow): ShowMark => ({
  id: m.id,
  at: new Date(m.atMs).toISOString(),
  kind: m.kind,
  label: m.label,
});

const MarkIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'the mark id' }) },
  { additionalProperties: false },
);

/**
 * Run-of-show marks on the live node: the console's routes under /api/v1/director/marks (a
 * director or admin token, like the rest of the console) and the boards' read, GET
 * /api/v1/marks (viewer access, like the history API).
 */
export const markRoutes: FastifyPluginAsync<{ config: Config; book: MarkBook; store: StoreHandle }> = async (
  plain,
  { config, book, store },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { onRequest, config: routeConfig, base } = directorGuard(config);
  const timeZone = book.show.timeZone;

  app.get(
    DIRECTOR_MARKS_PATH,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: "The live show's run-of-show marks, by time, with who made them",
        response: { 200: DirectorMarkListSchema, ...errorResponses },
      },
    },
    async () => {
      const { rev, marks } = await book.list();
      return { show: book.show.id, timeZone, rev, marks: marks.map(toDirectorMark) };
    },
  );

  app.post(
    DIRECTOR_MARKS_PATH,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: 'Make a run-of-show mark at `at` (default: the show clock now)',
        body: NewMarkSchema,
        response: { 200: DirectorMarkSchema, ...errorResponses },
      },
    },
    async (req) => {
      const { kind, label, at } = req.body;
      const atMs = at === undefined ? null : instantOf('at', at);
      return toDirectorMark(await book.create(req.director!, kind, label, atMs));
    },
  );

  app.delete(
    `${DIRECTOR_MARKS_PATH}/:id`,
    {
      config: routeConfig,
      onRequest,
      schema: {
        ...base,
        summary: 'Remove a run-of-show mark',
        params: MarkIdParams,
        response: { 200: DirectorMarkSchema, ...errorResponses },
      },
    },
    async (req) => toDirectorMark(await book.remove(req.director!, req.params.id)),
  );

  app.get(
    MARKS_PATH,
    {
      config: routeConfig,
      schema: {
        summary: "A show's run-of-show marks, by time (the boards' curve and the replay timeline)",
        tags: ['history'],
        querystring: query({ show: showParam, token: tokenParam }),
        response: { 200: MarkListSchema, ...errorResponses },
      },
    },
    async (req) => {
      const show = showOf(config, req.query.show);
      if (show.id === book.show.id) {
        const { rev, marks } = await book.list();
        return { show: show.id, timeZone, rev, marks: marks.map(toShowMark) };
      }
      // Another show's marks do not change here: the rev first, so a list never looks newer than it is.
      const rev = await marksRev(store, show.id);
      const marks = await readMarks(store, show.id);
      return { show: show.id, timeZone: show.timeZone, rev, marks: marks.map(toShowMark) };
    },
  );
};

/**
 * The marks' part of the director's console on the live node: the book (at the rev the store
 * holds), its routes, and the boards' notice: the rev in every snapshot (LiveService.marksRev) and,
 * on each change, a `marks` message to every board of every node (through the adapter, like ticks).
 */
export async function serveMarks(
  app: FastifyInstance,
  config: Config,
  store: StoreHandle,
  live: Pick<LivePart, 'live' | 'io'>,
): Promise<MarkBook> {
  const nsp = live.io.of(LIVE_NAMESPACE);
  const show = showOf(config, config.liveShow);
  const book = await MarkBook.open(
    show,
    store,
    {
      clockMs: () => live.live.clockMs(),
      publish: (rev) => {
        live.live.marksRev = rev;
        nsp.emit('marks', { show: show.id, rev });
      },
    },
    app.log.child({ module: 'marks' }),
  );
  await app.register(markRoutes, { config, book, store });
  return book;
}
