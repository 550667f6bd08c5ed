import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { LivePart } from '../live/node.js';
import type { MilestoneCrossing } from '../live/service.js';
import { encodeFen, encodePart } from '../wire.js';
import { alertId, type AlertEvent } from './payloads.js';
import { Webhooks, type WebhookDeps } from './webhooks.js';

/** What the alerts part holds. */
export interface AlertsPart {
  webhooks: Webhooks;
}

/**
 * Webhooks on the live node: crossings flow down from the live state (LiveService.onCrossing, as
 * to the director's desk) into one queue per hook. A crossing is told once; a later crossing
 * time for the same milestone (a late sale moved it) is told as `milestone-revised`. Milestones
 * already reached when this process started were told by the one before, and are not told again.
 * With several live nodes only the one holding the show's lease tells.
 */
export function serveWebhooks(
  app: FastifyInstance,
  config: Config,
  live: Pick<LivePart, 'live' | 'liveLease'>,
  deps?: Partial<WebhookDeps>,
): AlertsPart {
  const log = app.log.child({ module: 'webhooks' });
  const webhooks = new Webhooks(config.webhooks, log, app.telemetry, deps);
  if (config.webhooks.length === 0) return { webhooks };
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
    webhooks.send(event);
  };
  const stop = service.onCrossing(crossed);
  log.info({ hooks: config.webhooks.map((h) => h.name) }, 'webhooks on');
  app.addHook('onClose', async () => {
    stop();
    webhooks.close();
  });
  return { webhooks };
}
