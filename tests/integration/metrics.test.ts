import Fastify, { type FastifyInstance } from 'fastify';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import metricsPlugin from '../../server/metrics.js';
import telemetryPlugin from '../../server/telemetry.js';
import { injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const METRICS = 'metrics-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const dir = tempDir('metrics');
let app: AllNode;
let url: string;

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, { METRICS_TOKENS: METRICS, ADMIN_TOKENS: ADMIN, RECONCILE_MS: '200' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** One sample of the exposition text: metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (comments skipped), independently of prom-client. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return samples;
}

async function scrape(token = METRICS): Promise<Sample[]> {
  const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  return parse(res.body);
}

/** The value of one sample; every given label must match. Fails when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}

describe('GET /metrics', () => {
  it('counts exactly what was sent: outcomes, rejections by code, flushes, ticks and sockets', async () => {
    const boards = [liveClient(url), liveClient(url)];
    try {
      await until(() => boards.every((b) => b.snapshots.length > 0), 10_000, 'snapshots');
      const before = await scrape();
      expect(value(before, 'gmv_ingest_orders_total', { outcome: 'accepted' })).toBe(0);
      expect(value(before, 'gmv_ingest_flush_orders_count')).toBe(0);

      // Two batches with every kind of line, each line tagged with what it should become.
      type Tag = 'new' | 'duplicate' | `GMV_ERR_${string}`;
      const first = Array.from({ length: 30 }, (_, i) => order(i + 1));
      const second = Array.from({ length: 15 }, (_, i) => order(i + 101));
      const batches: [unknown, Tag][][] = [
        [
          ...first.map((o): [unknown, Tag] => [o, 'new']),
          [first[3], 'duplicate'],
          [{ ...first[0], order_id: 'bad-amount-1', amount: '-1' }, 'GMV_ERR_AMOUNT_RANGE'],
          [{ ...first[0], order_id: 'bad-currency', currency: 'XXX' }, 'GMV_ERR_CURRENCY_UNKNOWN'],
          ['{not json', 'GMV_ERR_LINE_JSON'],
          [{ ...first[0], order_id: 'bad-channel', channel: 'tv' }, 'GMV_ERR_CHANNEL_UNKNOWN'],
        ],
        [
          ...first.slice(10, 20).map((o): [unknown, Tag] => [o, 'duplicate']),
          ...second.map((o): [unknown, Tag] => [o, 'new']),
          [{ ...first[0], order_id: 'bad-amount-2', amount: '-1' }, 'GMV_ERR_AMOUNT_RANGE'],
        ],
      ];
      const tags = batches.flat().map(([, tag]) => tag);
      const expected = {
        accepted: tags.filter((t) => t === 'new').length,
        duplicates: tags.filter((t) => t === 'duplicate').length,
        byCode: new Map<string, number>(),
      };
      for (const t of tags) if (t.startsWith('GMV_ERR_')) expected.byCode.set(t, (expected.byCode.get(t) ?? 0) + 1);
      const rejected = [...expected.byCode.values()].reduce((a, b) => a + b, 0);

      for (const batch of batches) {
        const res = await injectOrders(app, ndjson(batch.map(([line]) => line)));
        expect(res.statusCode).toBe(200);
      }
      // The boards show every accepted order before the scrape.
      for (const b of boards) {
        await until(() => b.ticks.find((t) => t.gross.orders === expected.accepted), 10_000, 'tick');
      }

      const m = await scrape();
      expect(value(m, 'gmv_ingest_orders_total', { outcome: 'accepted' })).toBe(expected.accepted);
      expect(value(m, 'gmv_ingest_orders_total', { outcome: 'duplicate' })).toBe(expected.duplicates);
      expect(value(m, 'gmv_ingest_orders_total', { outcome: 'rejected' })).toBe(rejected);
      const byCode = m.filter((s) => s.name === 'gmv_ingest_rejections_total');
      expect(new Map(byCode.map((s) => [s.labels.code, s.value]))).toEqual(expected.byCode);

      // Requests were sent one after another: one flush each, writing every new order.
      expect(value(m, 'gmv_ingest_flush_orders_count')).toBe(batches.length);
      expect(value(m, 'gmv_ingest_flush_orders_sum')).toBe(expected.accepted);
      expect(value(m, 'gmv_ingest_flush_orders_bucket', { le: '+Inf' })).toBe(batches.length);
      expect(value(m, 'gmv_ingest_flush_duration_seconds_count')).toBe(batches.length);
      expect(value(m, 'gmv_ingest_flush_duration_seconds_sum')).toBeGreaterThan(0);
      expect(value(m, 'gmv_ingest_flush_failures_total')).toBe(0);
      expect(value(m, 'gmv_http_requests_total', { route: '/api/v1/orders', method: 'POST', status: '200' })).toBe(
        batches.length,
      );
      for (const reason of ['lag', 'queue', 'store']) expect(value(m, 'gmv_ingest_shed_total', { reason })).toBe(0);

      // Each commit is observed once, by the first broadcast after it (one tick may carry both).
      const lagCount = value(m, 'gmv_live_accept_to_tick_seconds_count');
      expect(lagCount).toBeGreaterThanOrEqual(1);
      expect(lagCount).toBeLessThanOrEqual(batches.length);
      expect(value(m, 'gmv_live_accept_to_tick_seconds_sum')).toBeGreaterThan(0);
      expect(value(m, 'gmv_live_broadcasts_total', { kind: 'tick' })).toBeGreaterThanOrEqual(1);

      expect(value(m, 'gmv_live_sockets')).toBe(boards.length);
      expect(value(m, 'gmv_live_healthy')).toBe(1);
      expect(value(m, 'gmv_ingest_pending_orders')).toBe(0);
      // The start-up rebuild, without repair.
      expect(value(m, 'gmv_live_rebuilds_total', { repaired: 'false' })).toBe(1);
      expect(value(m, 'gmv_live_rebuilds_total', { repaired: 'true' })).toBe(0);
      // Node's own figures ride along.
      expect(value(m, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
      expect(value(m, 'gmv_event_loop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
      expect(value(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

      boards[1]!.socket.close();
      let sockets = -1;
      for (let i = 0; i < 200 && sockets !== 1; i++) {
        sockets = value(await scrape(), 'gmv_live_sockets');
        if (sockets !== 1) await new Promise((r) => setTimeout(r, 25));
      }
      expect(sockets).toBe(1);
    } finally {
      for (const b of boards) b.socket.close();
    }
  });

  it('reports reconciliation: checks made and no drift', async () => {
    let m = await scrape();
    for (let i = 0; i < 200 && value(m, 'gmv_reconcile_checks_total') === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      m = await scrape();
    }
    expect(value(m, 'gmv_reconcile_checks_total')).toBeGreaterThanOrEqual(1);
    expect(value(m, 'gmv_reconcile_drifts_total')).toBe(0);
    expect(value(m, 'gmv_reconcile_drift_orders')).toBe(0);
    expect(value(m, 'gmv_reconcile_drift_fen')).toBe(0);
  });

  it('answers the text exposition format to a metrics or an admin token', async () => {
    for (const token of [METRICS, ADMIN]) {
      const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.body).toContain('# TYPE gmv_ingest_orders_total counter');
    }
  });

  it('refuses without a metrics or admin token, and stays out of the API document', async () => {
    const refusals = [{}, { authorization: `Bearer ${TOKEN}` }, { authorization: 'Bearer x' }];
    for (const headers of refusals) {
      const res = await app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('GMV_ERR_METRICS_UNAUTHORIZED');
      expect(res.body).not.toContain('gmv_');
    }
    // The refusals are counted too, under the route pattern.
    expect(value(await scrape(), 'gmv_http_requests_total', { route: '/metrics', status: '401' })).toBe(
      refusals.length,
    );
    const doc = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});

describe('metrics plugin on its own', () => {
  /** The telemetry and metrics plugins alone, as the app registers them. */
  async function bare(env: Record<string, string>): Promise<FastifyInstance> {
    const config = loadConfig({ DATA_DIR: dir.path, ...env });
    const a = Fastify({ logger: false });
    await a.register(telemetryPlugin);
    await a.register(metricsPlugin, { config });
    return a;
  }

  it('is closed to everyone when no metrics or admin token is configured', async () => {
    const a = await bare({ INGEST_TOKENS: TOKEN });
    try {
      for (const token of [undefined, TOKEN, METRICS]) {
        const res = await a.inject({ url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
        expect(res.statusCode).toBe(401);
      }
    } finally {
      await a.close();
    }
  });

  it('keeps a registry per app, so two apps in one process count apart', async () => {
    const [a, b] = [await bare({ METRICS_TOKENS: METRICS }), await bare({ METRICS_TOKENS: METRICS })];
    try {
      a.telemetry.emit('ingest', { accepted: 3, duplicates: 0, rejected: [] });
      const get = async (x: FastifyInstance) =>
        value(
          parse((await x.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } })).body),
          'gmv_ingest_orders_total',
          { outcome: 'accepted' },
        );
      expect(await get(a)).toBe(3);
      expect(await get(b)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
