import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { LivePart } from '../live/node.js';
import type { MilestoneCrossing } from '../live/service.js';
import { encodeFen, encodePart } from '../wire.js';
import { alertId, feedAlertId, type AlertEvent } from './payloads.js';
import type { WebPush } from './push.js';
import { Webhooks } from './webhooks.js';

/** What the alerts part holds. */
export interface AlertsPart {
  webhooks: Webhooks;
  /** Web Push to the devices subscribed on /exec (null: WEB_PUSH_* not set). */
  webPush: WebPush | null;
}

/**
 * Webhooks on the live node: crossings flow down from the live state (LiveService.onCrossing, as
 * to the director's desk) into one queue per hook. A crossing is told once; a later crossing
 * time for the same milestone (a late sale moved it) is told as `milestone-revised`. Milestones
 * already reached when this process started were told by the one before, and are not told again.
 * With several live nodes only the one holding the show's lease tells. The same events go to Web
 * Push (`webPush`, server/alerts/push.ts) when it is on.
 */
export function serveWebhooks(
  app: FastifyInstance,
  config: Config,
  live: Pick<LivePart, 'live' | 'liveLease'>,
  webPush: WebPush | null = null,
): AlertsPart {
  const log = app.log.child({ module: 'webhooks' });
  const webhooks = new Webhooks(config.webhooks, log, app.telemetry);
  if (config.webhooks.length === 0 && webPush === null) return { webhooks, webPush };
  const send = (e: AlertEvent): void => {
    webhooks.send(e);
    webPush?.send(e);
  };
  const service = live.live;
  const show = { id: service.show.id, name: service.show.name, timeZone: service.show.timeZone };
  // The gross the state was rebuilt to at start: milestones up to it were reached before this process.
  const startGross = service.board.grossFen();
  /** The crossing time last told (or known) for each milestone, by fen. */
  const told = new Map<number, number>();
  const crossed = (c: MilestoneCrossing): void => {
    const before = told.get(c.fen);
    told.set(c.fen, c.atMs);
    // Found again (after a rebuild, say): nothing new.
    if (before === c.atMs) return;
    if (before === undefined && c.fen <= startGross) return;
    if (live.liveLease && !live.liveLease.held) return;
    const type = before === undefined ? 'milestone' : 'milestone-revised';
    const event: AlertEvent = {
      id: alertId(type, show.id, c.fen, c.atMs),
      type,
      show,
      milestone: encodeFen(c.fen),
      crossedAtMs: c.atMs,
      previousCrossedAtMs: before ?? null,
      ...encodePart(service.board.gross()),
    };
    send(event);
  };
  const stop = service.onCrossing(crossed);
  const wantsFeed =
    config.webhooks.some((h) => h.events.includes('stale') || h.events.includes('fresh')) ||
    (webPush !== null && (webPush.wants('stale') || webPush.wants('fresh')));
  const stopWatch = wantsFeed
    ? watchData(service, config.stale.redMs, (e) => {
        if (!live.liveLease || live.liveLease.held) send({ ...e, show, ...encodePart(service.board.gross()) });
      })
    : () => {};
  if (config.webhooks.length > 0) log.info({ hooks: config.webhooks.map((h) => h.name) }, 'webhooks on');
  app.addHook('onClose', async () => {
    stop();
    stopWatch();
    webhooks.close();
    webPush?.close();
  });
  return { webhooks, webPush };
}

/**
 * Tells when the live data stops: no commit of the show for `redMs` (STALE_RED_SECONDS, when the
 * boards' freshness mark turns red), once per stop, and when it comes back. Armed by a commit this
 * process saw, so a start long after the last order (or between shows) tells nothing.
 */
function watchData(
  service: Pick<LivePart['live'], 'board' | 'show'>,
  redMs: number,
  tell: (
    e: Pick<Extract<AlertEvent, { type: 'stale' | 'fresh' }>, 'id' | 'type' | 'lastDataAtMs' | 'resumedAtMs'>,
  ) => void,
): () => void {
  let seen = service.board.committedAtMs;
  let armed = false;
  let staleSince: number | null = null;
  const check = (): void => {
    const at = service.board.committedAtMs;
    if (at === null) return;
    if (at !== seen) {
      if (staleSince !== null) {
        tell({
          id: feedAlertId('fresh', service.show.id, at),
          type: 'fresh',
          lastDataAtMs: staleSince,
          resumedAtMs: at,
        });
      }
      seen = at;
      armed = true;
      staleSince = null;
      return;
    }
    if (armed && staleSince === null && Date.now() - at >= redMs) {
      staleSince = at;
      tell({ id: feedAlertId('stale', service.show.id, at), type: 'stale', lastDataAtMs: at, resumedAtMs: null });
    }
  };
  const timer = setInterval(check, Math.min(1000, Math.max(100, Math.floor(redMs / 4))));
  timer.unref();
  return () => clearInterval(timer);
}
