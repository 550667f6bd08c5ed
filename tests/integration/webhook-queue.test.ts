import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId, type AlertEvent } from '../../server/alerts/payloads.js';
import { Webhooks } from '../../server/alerts/webhooks.js';
import { Telemetry, type WebhookEvent } from '../../server/telemetry.js';
import { parseWebhooks } from '../../shared/webhooks.js';
import { until } from '../fixtures/app.js';

/** A real receiver on loopback that holds every request until the test answers it. */
const held: { id: string; res: ServerResponse }[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => held.push({ id: String(req.headers['idempotency-key']), res }));
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function event(i: number): AlertEvent {
  const at = Date.parse('2015-11-11T00:00:00+08:00') + i;
  return {
    id: alertId('milestone', '2015', i * 100, at),
    type: 'milestone',
    show: { id: '2015', name: 'gala', timeZone: 'Asia/Shanghai' },
    milestone: `${i}.00`,
    crossedAtMs: at,
    previousCrossedAtMs: null,
    gmv: `${i}.00`,
    orders: i,
  };
}

describe('a hook queue', () => {
  it('delivers one at a time, in order, and drops the oldest waiting delivery when full', async () => {
    const telemetry = new Telemetry();
    const outcomes: WebhookEvent['outcome'][] = [];
    telemetry.on('webhook', (e) => outcomes.push(e.outcome));
    const hooks = parseWebhooks([{ name: 'slow', url }]);
    const webhooks = new Webhooks(hooks, pino({ level: 'silent' }), telemetry, { maxQueued: 2 });
    try {
      // 1 goes out at once and is held; 2 and 3 wait; 4 finds the queue full: 2, the oldest waiting, goes.
      for (const i of [1, 2, 3, 4]) webhooks.send(event(i));
      expect(outcomes).toEqual(['dropped']);
      expect(webhooks.backlog).toBe(3);
      for (let n = 1; n <= 3; n++) {
        await until(() => held.length === n, 10_000, `request ${n}`);
        // The next one waits for this answer: one request of a hook in flight at a time.
        expect(webhooks.backlog).toBe(4 - n);
        held[n - 1]!.res.writeHead(200).end();
      }
      await until(() => webhooks.backlog === 0, 10_000, 'the queue drained');
      expect(held.map((h) => h.id)).toEqual([event(1).id, event(3).id, event(4).id]);
      expect(outcomes).toEqual(['dropped', 'ok', 'ok', 'ok']);
    } finally {
      webhooks.close();
    }
  });
});
