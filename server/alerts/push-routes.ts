import { createECDH } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  endpointProblem,
  keysProblem,
  PushKeySchema,
  PushSubscriptionSchema,
  PushUnsubscribeSchema,
} from '../../shared/web-push.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { errorResponses, query, tokenParam } from '../routes/params.js';
import type { StoreHandle } from '../store/client.js';
import { WebPush } from './push.js';

/** Whether `p256dh` is a point on P-256 (what the encryption will need), not only 65 bytes. */
function onCurve(p256dh: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Web Push on the live node (docs/alerts.md#web-push): the key a browser subscribes with, and the
 * routes that keep its subscription. Under /api/v1/, so the viewer token guards them as it guards
 * /exec itself (server/security.ts). Without WEB_PUSH_* the key is null (/exec then says this server
 * sends no alerts to devices) and the subscription routes answer GMV_ERR_NOT_CONFIGURED. Null when off.
 */
export async function serveWebPush(app: FastifyInstance, config: Config, store: StoreHandle): Promise<WebPush | null> {
  const log = app.log.child({ module: 'web-push' });
  const push = config.webPush === null ? null : new WebPush(config.webPush, store, log, app.telemetry);
  const on = (): WebPush => {
    if (push === null) throw new Errors.NOT_CONFIGURED('Web Push is not configured (WEB_PUSH_VAPID_PUBLIC_KEY)');
    return push;
  };
  const rateLimit = { max: config.rateLimits.readPerMin, timeWindow: 60_000 };
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['alerts'];
  const querystring = query({ token: tokenParam });

  r.get(
    '/api/v1/push/key',
    {
      config: { rateLimit },
      schema: {
        summary: 'The VAPID public key a browser subscribes to Web Push with (null: off), and the alerts pushed',
        tags,
        querystring,
        response: { 200: PushKeySchema, ...errorResponses },
      },
    },
    async () =>
      push === null
        ? { publicKey: null, events: [] }
        : { publicKey: push.config.publicKey, events: push.config.events },
  );

  r.post(
    '/api/v1/push/subscriptions',
    {
      config: { rateLimit },
      schema: {
        summary: "Subscribe this device to Web Push alerts: the browser's PushSubscription",
        tags,
        querystring,
        body: PushSubscriptionSchema,
        response: { 200: Type.Object({ subscribed: Type.Literal(true), renewed: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req) => {
      const p = on();
      const { endpoint, keys } = req.body;
      const problem = endpointProblem(endpoint, p.config.services) ?? keysProblem(keys);
      if (problem !== null) throw new Errors.PUSH_SUBSCRIPTION(problem);
      if (!onCurve(keys.p256dh)) throw new Errors.PUSH_SUBSCRIPTION('keys.p256dh is not a point on P-256');
      const outcome = await p.subscribe({ endpoint, p256dh: keys.p256dh, auth: keys.auth });
      if (outcome === 'full') throw new Errors.PUSH_FULL(String(p.count));
      return { subscribed: true as const, renewed: outcome === 'updated' };
    },
  );

  r.delete(
    '/api/v1/push/subscriptions',
    {
      config: { rateLimit },
      schema: {
        summary: 'Unsubscribe a device from Web Push alerts, by its endpoint',
        tags,
        querystring,
        body: PushUnsubscribeSchema,
        response: { 200: Type.Object({ removed: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req) => ({ removed: await on().unsubscribe(req.body.endpoint) }),
  );

  if (push !== null) {
    await push.refresh();
    log.info({ devices: push.count, events: push.config.events }, 'web push on');
  }
  return push;
}
