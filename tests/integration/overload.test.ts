import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const METRICS = 'metrics-token-0123456789abcdef';
const dir = tempDir('overload');
let app: AllNode;
let url: string;
beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, {
    MAX_PENDING_ORDERS: '2000',
    MAX_BATCH_LINES: '1000',
    METRICS_TOKENS: METRICS,
  }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe('overload', () => {
  it('sheds with 503 and Retry-After when the write queue is full, and counts exactly what it accepted', async () => {
    const bodies = Array.from({ length: 24 }, (_, k) =>
      ndjson(Array.from({ length: 1000 }, (_, i) => order(k * 1000 + i))),
    );
    const answers = await Promise.all(
      bodies.map((body) =>
        fetch(`${url}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` },
          body,
        }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() })),
      ),
    );
    const shed = answers.filter((a) => a.status === 503);
    const ok = answers.filter((a) => a.status === 200);
    expect(shed.length).toBeGreaterThan(0);
    expect(ok.length + shed.length).toBe(answers.length);
    for (const a of shed) {
      expect(a.retryAfter).toBe('1');
      expect(a.body.code).toBe('GMV_ERR_OVERLOADED');
    }
    const accepted = ok.reduce((n, a) => n + (a.body as { accepted: number }).accepted, 0);
    expect(accepted).toBe(ok.length * 1000);
    const totals = await (await fetch(`${url}/api/v1/totals`)).json();
    expect(totals.gross.orders).toBe(accepted);

    // The metrics count the same: every 503 as shed (queue full, or the loop lagging), every stored order.
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })).text();
    const sample = (series: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    expect(sample('gmv_ingest_shed_total{reason="queue"}') + sample('gmv_ingest_shed_total{reason="lag"}')).toBe(
      shed.length,
    );
    expect(sample('gmv_ingest_orders_total{outcome="accepted"}')).toBe(accepted);
  });
});
