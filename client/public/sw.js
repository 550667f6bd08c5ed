// The service worker of /exec (docs/alerts.md#web-push): shows each Web Push alert as a notification
// and opens /exec when one is clicked. Plain JavaScript served as is from the site root
// (client/public/sw.js → dist/client/sw.js), so its scope is the whole origin. It caches nothing:
// the screens stay live, never served from a stale copy.

/** Where /exec's page said it lives (its `?token=` with it), kept for a click with no page open. */
const STATE_CACHE = 'gmv-live-sw';
const EXEC_URL_KEY = '/__gmv-exec-url';

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const m = event.data;
  if (m === null || typeof m !== 'object' || m.type !== 'exec-url' || typeof m.url !== 'string') return;
  // Only a path of this origin's /exec: a click never opens anything else.
  if (!/^\/exec(\?|$)/.test(m.url)) return;
  event.waitUntil(caches.open(STATE_CACHE).then((c) => c.put(EXEC_URL_KEY, new Response(m.url))));
});

/** The alert in a push message (shared/web-push.ts PushMessage); null when it is not one. */
function readMessage(data) {
  if (!data) return null;
  try {
    const m = data.json();
    return m !== null && typeof m === 'object' && typeof m.title === 'string' ? m : null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  const m = readMessage(event.data);
  // A push must show a notification (userVisibleOnly): one we cannot read still says something came.
  const title = m === null ? 'GMV Live' : m.title;
  const sentAt = m === null ? NaN : Date.parse(m.sentAt);
  const options = {
    body: m === null ? 'A new alert: open the executive screen.' : String(m.body ?? ''),
    // One notification per alert: the same alert again (another node, a retry) replaces it.
    tag: m === null ? 'gmv-live' : String(m.id),
    icon: '/exec-icon-192.png',
    timestamp: Number.isFinite(sentAt) ? sentAt : Date.now(),
    data: { id: m === null ? null : m.id, type: m === null ? null : m.type },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

async function execUrl() {
  try {
    const c = await caches.open(STATE_CACHE);
    const r = await c.match(EXEC_URL_KEY);
    return r ? await r.text() : '/exec';
  } catch {
    return '/exec';
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname === '/exec');
      if (open) return open.focus();
      return self.clients.openWindow(await execUrl());
    })(),
  );
});
