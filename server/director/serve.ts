import type { FastifyInstance } from 'fastify';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { watchFeed } from '../live/feed.js';
import type { LivePart } from '../live/node.js';
import type { StoreHandle } from '../store/client.js';
import { insertDirectorAction } from '../store/director.js';
import { DirectorDesk } from './desk.js';
import { feedRoutes } from './feed-routes.js';
import { directorRoutes } from './routes.js';

/** What the director's part holds. */
export interface DirectorPart {
  director: DirectorDesk;
}

/**
 * The director's console on the live node: the desk (program and preview), its routes, and the
 * program on the wall: in every snapshot (LiveService.program) and, on each change, a `program`
 * message to every board of every node (through the adapter, like ticks).
 */
export async function serveDirector(
  app: FastifyInstance,
  config: Config,
  store: StoreHandle,
  live: Pick<LivePart, 'live' | 'io'>,
): Promise<DirectorPart> {
  const nsp = live.io.of(LIVE_NAMESPACE);
  const desk = new DirectorDesk(
    config.liveShow,
    {
      seqOnAir: () => live.live.seq,
      publish: (program) => {
        live.live.program = program;
        nsp.emit('program', program);
      },
      record: (r) => insertDirectorAction(store, r),
    },
    app.log.child({ module: 'director' }),
  );
  await app.register(directorRoutes, { config, desk, store });
  await app.register(feedRoutes, { config, ...watchFeed(app, config, store, live) });
  return { director: desk };
}
