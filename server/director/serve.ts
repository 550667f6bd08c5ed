import type { FastifyInstance } from 'fastify';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { watchFeed } from '../live/feed.js';
import type { LivePart } from '../live/node.js';
import type { MilestoneCrossing } from '../live/service.js';
import type { StoreHandle } from '../store/client.js';
import { insertDirectorAction } from '../store/director.js';
import { DirectorDesk } from './desk.js';
import { cueRoutes } from './cue-routes.js';
import { serveMarks } from './mark-routes.js';
import { feedRoutes } from './feed-routes.js';
import { directorRoutes } from './routes.js';

/** How often a crossing is told to the desk before it gives up (a minute of a failing store). */
const CROSSING_TRIES = 60;

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
  live: Pick<LivePart, 'live' | 'io' | 'fleet'>,
): Promise<DirectorPart> {
  const nsp = live.io.of(LIVE_NAMESPACE);
  const log = app.log.child({ module: 'director' });
  const desk = new DirectorDesk(
    config.liveShow,
    {
      seqOnAir: () => live.live.seq,
      milestone: (fen) => live.live.milestone(fen),
      publish: (program) => {
        live.live.program = program;
        // Shown by every board at the same instant, like ticks (PRESENT_DELAY_MS).
        nsp.emit('program', { ...program, presentAtMs: Date.now() + config.presentDelayMs });
      },
      record: (r) => insertDirectorAction(store, r),
    },
    log,
  );
  // Crossings flow down from the live state to the desk, which may put an armed cue on air. One
  // the audit could not record (the store failing) is told again each second while it stands.
  let closed = false;
  const tell = (c: MilestoneCrossing, tries: number): void => {
    desk.crossed(c).catch((err: unknown) => {
      log.error({ err: String(err), tries }, 'armed cue not taken yet');
      const again = () => !closed && live.live.milestone(c.fen)?.crossedAtMs === c.atMs && tell(c, tries + 1);
      if (tries < CROSSING_TRIES) setTimeout(again, 1000).unref();
    });
  };
  const stop = live.live.onCrossing((c) => tell(c, 1));
  app.addHook('onClose', async () => {
    closed = true;
    stop();
  });
  await app.register(directorRoutes, { config, desk, store, fleet: live.fleet });
  await app.register(cueRoutes, { config, desk });
  await serveMarks(app, config, store, live);
  await app.register(feedRoutes, { config, ...watchFeed(app, config, store, live) });
  return { director: desk };
}
