import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = ['endpoint', 'p256dh', 'auth', 'at', 'deleted'];

/** A device subscribed to Web Push: its push service endpoint and the keys its messages are encrypted to. */
export interface PushSubscriptionRow {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A TabSeparated field, escaped as ClickHouse reads it back. */
function tsv(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Writes a subscription (`deleted` false) or its removal (true), in one synchronous INSERT:
 * committed when it returns. The newest row of an endpoint wins; at the same ms a removal does.
 */
export async function writePushSubscription(
  store: StoreHandle,
  s: PushSubscriptionRow,
  deleted: boolean,
  atMs = Date.now(),
): Promise<void> {
  const row = `${tsv(s.endpoint)}\t${tsv(s.p256dh)}\t${tsv(s.auth)}\t${epochSeconds(atMs)}\t${deleted ? 1 : 0}\n`;
  await insertTsv(store, 'push_subscriptions', COLUMNS, row, 'gmv-push');
}

/** The subscribed devices, newest first, at most `limit` of them. */
export async function readPushSubscriptions(store: StoreHandle, limit: number): Promise<PushSubscriptionRow[]> {
  const rs = await store.query({
    query: `SELECT endpoint, argMax(p256dh, (at, deleted)) AS p256dh, argMax(auth, (at, deleted)) AS auth,
                   max(at) AS last
            FROM ${store.db}.push_subscriptions
            GROUP BY endpoint HAVING argMax(deleted, (at, deleted)) = 0
            ORDER BY last DESC, endpoint LIMIT {limit:UInt32}`,
    query_params: { limit },
    format: 'JSONCompactEachRow',
  });
  const rows = await rs.json<[string, string, string, string]>();
  return rows.map(([endpoint, p256dh, auth]) => ({ endpoint, p256dh, auth }));
}
