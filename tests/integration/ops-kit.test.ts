import { readFileSync } from 'node:fs';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectOrders, startApp } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

// The operator kit (ops/): every metric the Grafana dashboard and the Prometheus alert rules name
// must be one the server exports, or a panel stays empty and an alert never fires.

const METRICS = 'metrics-token-0123456789abcdef';
const dir = tempDir('ops-kit');
let app: AllNode;

beforeAll(async () => {
  ({ app } = await startApp(dir.path, { METRICS_TOKENS: METRICS, RECONCILE_MS: '200' }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** Every PromQL expression of the dashboard's panels, with where it is. */
function dashboardExprs(): [where: string, expr: string][] {
  const dashboard = JSON.parse(readFileSync('ops/grafana/gmv-live.json', 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => [`panel "${p.title}"`, t.expr] as [string, string]),
  );
}

/** Every alert's expression. The file keeps each on one line, so that this reads them without a YAML parser. */
function alertExprs(): [where: string, expr: string][] {
  const text = readFileSync('ops/prometheus/alerts.yml', 'utf8');
  const alerts = [...text.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1]!);
  const exprs = [...text.matchAll(/^\s*expr: (.+)$/gm)].map((m) => m[1]!);
  expect(exprs).toHaveLength(alerts.length);
  return alerts.map((a, i) => [`alert ${a}`, exprs[i]!]);
}

/** The metric names an expression uses (ours, prom-client's process and Node.js ones). */
function metricNames(expr: string): string[] {
  // Label matchers ({reason="store"}) hold values, not metric names.
  const outside = expr.replace(/\{[^}]*\}/g, '');
  return [...outside.matchAll(/\b(?:gmv|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

/** The metric families /metrics declares, with the sample names each may have. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

describe('ops/ (Grafana dashboard and Prometheus alert rules)', () => {
  it('names only metrics that /metrics exports, after orders have been taken', async () => {
    const orders = [order(1), order(2), order(3), order(4, { amount: '-1.00' })];
    const res = await injectOrders(app, ndjson(orders));
    expect(res.json()).toMatchObject({ accepted: 3 });
    const scrape = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } });
    expect(scrape.statusCode).toBe(200);
    const names = exported(scrape.body);
    expect(scrape.body).toMatch(/^gmv_ingest_orders_total\{outcome="accepted"\} 3$/m);

    const exprs = [...dashboardExprs(), ...alertExprs()];
    expect(exprs.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const [where, expr] of exprs) {
      const used = metricNames(expr);
      expect(used.length, `${where} names no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of used) if (!names.has(name)) missing.push(`${where}: ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('covers the figures an operator watches', () => {
    const used = new Set([...dashboardExprs(), ...alertExprs()].flatMap(([, e]) => metricNames(e)));
    for (const name of [
      'gmv_ingest_orders_total',
      'gmv_ingest_shed_total',
      'gmv_ingest_flush_orders_bucket',
      'gmv_ingest_flush_duration_seconds_bucket',
      'gmv_ingest_pending_orders',
      'gmv_live_broadcasts_total',
      'gmv_live_accept_to_tick_seconds_bucket',
      'gmv_live_sockets',
      'gmv_reconcile_figure_drift',
      'gmv_reconcile_checks_total',
      'gmv_event_loop_lag_p99_seconds',
      'process_resident_memory_bytes',
      'gmv_live_healthy',
    ]) {
      expect(used, name).toContain(name);
    }
  });
});
