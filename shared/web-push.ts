import { Type, type Static } from 'typebox';
import type { AlertType } from './webhooks.js';

/**
 * Origins of the browsers' push services, the default of WEB_PUSH_SERVICES: a subscription's
 * endpoint must be on one of them, so the server never POSTs to an address a subscriber chose.
 * Chrome (FCM), Firefox (Mozilla autopush), Safari (Apple), Edge (WNS, one host per region).
 */
export const WEB_PUSH_SERVICES = [
  'https://fcm.googleapis.com',
  'https://updates.push.services.mozilla.com',
  'https://web.push.apple.com',
  'https://*.notify.windows.com',
] as const;

/** Longest endpoint URL taken (FCM's are about 200 characters; WNS's about 300). */
export const MAX_ENDPOINT_CHARS = 2048;

/** base64url without padding. */
const B64URL = '^[A-Za-z0-9_-]+$';

/**
 * POST /api/v1/push/subscriptions: a browser's `PushSubscription.toJSON()`. `p256dh` is the
 * browser's P-256 public key (65 bytes, uncompressed), `auth` its 16-byte secret, both base64url.
 */
export const PushSubscriptionSchema = Type.Object(
  {
    endpoint: Type.String({ minLength: 12, maxLength: MAX_ENDPOINT_CHARS }),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    keys: Type.Object(
      {
        p256dh: Type.String({ minLength: 87, maxLength: 88, pattern: B64URL }),
        auth: Type.String({ minLength: 22, maxLength: 24, pattern: B64URL }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PushSubscriptionJson = Static<typeof PushSubscriptionSchema>;

/** DELETE /api/v1/push/subscriptions: the endpoint to forget. */
export const PushUnsubscribeSchema = Type.Object(
  { endpoint: Type.String({ minLength: 12, maxLength: MAX_ENDPOINT_CHARS }) },
  { additionalProperties: false },
);

/**
 * GET /api/v1/push/key: the VAPID public key a browser subscribes with (`applicationServerKey`);
 * null when this server does not push (a 200 all the same: /exec asks on every load).
 */
export const PushKeySchema = Type.Object({
  publicKey: Type.Union([Type.String(), Type.Null()]),
  /** The alerts pushed (WEB_PUSH_EVENTS). */
  events: Type.Array(Type.String()),
});
export type PushKey = Static<typeof PushKeySchema>;

/**
 * What the service worker receives in a push message (JSON, encrypted to the subscription):
 * the title and body to show, in English, and the alert as webhooks' `json` format tells it.
 */
export interface PushMessage {
  /** The alert's id (`<show>:<type>:…`): the notification's tag, so a repeat replaces it. */
  id: string;
  type: AlertType;
  title: string;
  body: string;
  /** The page to open on a click. */
  url: '/exec';
  show: string;
  milestone?: string;
  crossedAt?: string;
  gmv: string;
  orders: number;
  sentAt: string;
}

/** Why an endpoint is refused (null: taken): not a URL, or not on one of `services`. */
export function endpointProblem(endpoint: string, services: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'the endpoint may not carry a user or password';
  const onService = services.some((s) => {
    const m = /^(https?:)\/\/(\*\.)?(.+)$/.exec(s);
    if (m === null || m[1] !== url.protocol) return false;
    return m[2] === undefined ? url.host === m[3] : url.host.endsWith(`.${m[3]}`);
  });
  return onService ? null : `the endpoint is not on a push service this server sends to (${url.origin})`;
}

/** Decodes base64url (no padding) to bytes; null when it is not base64url. */
function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Why the keys are refused (null: taken): p256dh must be an uncompressed P-256 point, auth 16 bytes. */
export function keysProblem(keys: { p256dh: string; auth: string }): string | null {
  const point = fromBase64Url(keys.p256dh);
  if (point === null || point.length !== 65 || point[0] !== 4) return 'keys.p256dh is not a P-256 public key';
  const auth = fromBase64Url(keys.auth);
  if (auth === null || auth.length !== 16) return 'keys.auth is not 16 bytes';
  return null;
}
