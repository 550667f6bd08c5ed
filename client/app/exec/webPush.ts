import type { PushKey } from '../../../shared/web-push.js';

/** The service worker at the site root (client/public/sw.js), so its scope is every page. */
export const SW_URL = '/sw.js';
/**
 * How long the browser may take to register with its push service (Google's for Chrome, Mozilla's for
 * Firefox). Unreachable, Chromium retries for minutes without an answer: the screen says so instead.
 */
export const SUBSCRIBE_TIMEOUT_MS = 15_000;

/** /exec's web app manifest (client/public/exec.webmanifest). */
export const MANIFEST_URL = '/exec.webmanifest';

/**
 * Where Web Push stands on this device: `checking` at first; `unsupported` (no service worker or
 * Push API); `unavailable` (this server does not push: not configured, or not this node); `off`
 * (may subscribe); `working`; `on`; `denied` (notifications blocked); `failed` (the last try failed:
 * `detail` says why, e.g. the browser's push service cannot be reached).
 */
export type PushState =
  | { state: 'checking' | 'unsupported' | 'unavailable' | 'off' | 'working' | 'on' | 'denied' }
  | { state: 'failed'; detail: string };

/** Whether this browser has what Web Push needs. */
export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    typeof Notification !== 'undefined'
  );
}

/** base64url (the VAPID public key) → bytes, as `applicationServerKey` wants them. */
export function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** A request of the push routes with the page's viewer token (its `?token=`), as every read does. */
async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const token = new URLSearchParams(window.location.search).get('token');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = (await res.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!res.ok) throw new PushApiError(res.status, json?.code ?? null, json?.message ?? `HTTP ${res.status}`);
  return json as T;
}

/** A refusal of the push routes: the status and our error code. */
export class PushApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** The server's VAPID public key; null when this server (or node: no such route) does not push. */
export async function serverKey(): Promise<string | null> {
  try {
    return (await call<PushKey>('GET', '/api/v1/push/key')).publicKey;
  } catch (err) {
    if (err instanceof PushApiError && err.status === 404) return null;
    throw err;
  }
}

/** Registers the service worker (again: the browser keeps one per scope) and tells it where /exec is. */
export async function registerWorker(): Promise<ServiceWorkerRegistration> {
  const reg = await navigator.serviceWorker.register(SW_URL, { scope: '/' });
  const ready = await navigator.serviceWorker.ready;
  ready.active?.postMessage({ type: 'exec-url', url: window.location.pathname + window.location.search });
  return reg;
}

/** Hands the server the browser's subscription (again is fine: its keys are renewed). */
export function saveSubscription(sub: PushSubscription): Promise<unknown> {
  const { endpoint, keys } = sub.toJSON();
  return call('POST', '/api/v1/push/subscriptions', { endpoint, keys });
}

/** Forgets the device on the server. */
export function dropSubscription(endpoint: string): Promise<unknown> {
  return call('DELETE', '/api/v1/push/subscriptions', { endpoint });
}
