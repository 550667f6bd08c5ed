import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TokenSet } from './auth.js';
import type { Config } from './config.js';
import { Errors } from './errors.js';
import { FIGURES } from './live/reconcile.js';
import type { ShedReason } from './telemetry.js';

/** Readings taken at scrape time, from the parts a node has; a part it lacks reads 0. */
export interface MetricProbes {
  /** Board sockets connected to this node. */
  sockets(): number;
  /** The live state is trusted (last write succeeded). */
  liveHealthy(): boolean;
  /** Orders queued for the writer. */
  pendingOrders(): number;
  /** p99 event-loop delay as the ingest load shedder sees it, ms. */
  loopLagMs(): number;
  /** When the last reconciliation completed (or started, before the first), epoch ms; null: none here. */
  lastCheckMs(): number | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (never prom-client's global one). */
    metrics: Registry;
    /** What each part of the node reports at scrape time: set by the parts of its role (roles.ts). */
    probes: MetricProbes;
  }
}

const SHED_REASONS: readonly ShedReason[] = ['lag', 'queue', 'bytes', 'store', 'in-flight'];

/**
 * Prometheus metrics at GET /metrics. The figures come from the app's Telemetry
 * events and, at scrape time, from a few live readings (sockets, queue, loop lag),
 * so no other module imports prom-client. Each app owns its registry: several apps
 * (tests) in one process never collide.
 *
 * Scraping needs a METRICS_TOKENS or ADMIN_TOKENS bearer token; with neither set
 * the endpoint refuses everyone (the figures describe load and failures).
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const registry = new Registry();
    app.decorate('metrics', registry);
    const probes: MetricProbes = {
      sockets: () => 0,
      liveHealthy: () => false,
      pendingOrders: () => 0,
      loopLagMs: () => 0,
      lastCheckMs: () => null,
    };
    app.decorate('probes', probes);
    collectDefaultMetrics({ register: registry });
    const registers = [registry];

    // Every series is declared alike: a name, its help, its labels (and buckets), in this app's registry.
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      buckets: number[],
      labelNames: readonly L[] = [],
    ) => new Histogram<L>({ name, help, buckets, labelNames, registers });
    /** A gauge read at scrape time, from the node's parts (probes). */
    const reading = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });

    const orders = counter(
      'gmv_ingest_orders_total',
      'Order lines of answered ingest requests, by outcome (accepted = stored).',
      ['outcome'],
    );
    const rejections = counter('gmv_ingest_rejections_total', 'Rejected order lines by GMV_ERR_* code.', ['code']);
    const shed = counter(
      'gmv_ingest_shed_total',
      'Ingest requests answered 503: event-loop lag, full write queue, store unavailable, or orders in flight on another node.',
      ['reason'],
    );
    const flushOrders = histogram(
      'gmv_ingest_flush_orders',
      'Orders written per flush (one INSERT; 0 when every order was a duplicate).',
      [0, 1, 10, 100, 1000, 5000, 10_000, 25_000, 50_000, 100_000, 200_000, 500_000, 1_000_000],
    );
    const flushSeconds = histogram(
      'gmv_ingest_flush_duration_seconds',
      'Duration of a flush, dedup reads and INSERT, seconds.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    const flushPhaseSeconds = histogram(
      'gmv_ingest_flush_phase_seconds',
      'Time of each phase of a flush: prepare (dedup and encoding, JS thread), wait (for the INSERT before), barrier (a rebuild after a failure), engine (the INSERT), post (after the commit), seconds.',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ['phase'],
    );
    const flushFailures = counter(
      'gmv_ingest_flush_failures_total',
      'Flushes whose INSERT failed (nothing in them acknowledged; the live state rebuilds).',
    );
    const acceptToTick = histogram(
      'gmv_live_accept_to_tick_seconds',
      'From a commit accepting orders of the live show to the first broadcast that shows them, seconds.',
      [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10],
    );
    const broadcasts = counter(
      'gmv_live_broadcasts_total',
      'Messages sent to every board by the broadcast loop, by kind.',
      ['kind'],
    );
    const rebuilds = counter(
      'gmv_live_rebuilds_total',
      'Rebuilds of the live state from ClickHouse (repaired: rollups derived again first).',
      ['repaired'],
    );
    const rebuildSeconds = histogram(
      'gmv_live_rebuild_duration_seconds',
      'Duration of a rebuild of the live state, seconds.',
      [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    );
    const checks = counter(
      'gmv_reconcile_checks_total',
      'Completed comparisons of the live state with ClickHouse (each at a quiet point of the writer).',
    );
    const drifts = counter(
      'gmv_reconcile_drifts_total',
      'Comparisons that found any figure of the live state differing from ClickHouse (a total, or a key of a breakdown).',
    );
    const driftOrders = gauge(
      'gmv_reconcile_drift_orders',
      'Order-count drift found by the last comparison (live minus stored, gross plus net; opposite differences cancel in it).',
    );
    const driftFen = gauge(
      'gmv_reconcile_drift_fen',
      'GMV drift found by the last comparison, fen (live minus stored, gross plus net; opposite differences cancel in it).',
    );
    const figureDrift = gauge(
      'gmv_reconcile_figure_drift',
      'Drift of each figure found by the last comparison: live minus stored for a total (gross_*, refund_*); for a breakdown (channel_*, country_*, category_*, merchant_*) the sum over its keys of |live minus stored|. Orders, or fen.',
      ['figure'],
    );
    reading(
      'gmv_reconcile_last_check_age_seconds',
      'Seconds since the last completed comparison (since start before the first); 0 on a node without the live state.',
      () => {
        const at = probes.lastCheckMs();
        return at === null ? 0 : (Date.now() - at) / 1000;
      },
    );

    const webhooks = counter(
      'gmv_alert_webhook_deliveries_total',
      'Webhook deliveries (docs/alerts.md) by hook and outcome: ok (delivered), retried (an attempt failed, another is scheduled), failed (given up), dropped (queue full, or the node stopped).',
      ['hook', 'outcome'],
    );

    const requests = counter(
      'gmv_http_requests_total',
      'HTTP requests answered, by route pattern, method and status (refusals of whole requests included).',
      ['route', 'method', 'status'],
    );
    app.addHook('onResponse', async (req, reply) => {
      // The route pattern, never the raw URL, keeps the label set small.
      requests.inc({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: reply.statusCode });
    });

    reading('gmv_live_sockets', 'Board sockets connected to this node.', () => probes.sockets());
    reading('gmv_live_healthy', '1 while the live state is trusted (last write succeeded), else 0.', () =>
      probes.liveHealthy() ? 1 : 0,
    );
    reading('gmv_ingest_pending_orders', 'Orders queued for the writer.', () => probes.pendingOrders());
    reading(
      'gmv_event_loop_lag_p99_seconds',
      'p99 event-loop delay over the last window, as the ingest load shedder sees it, seconds.',
      () => probes.loopLagMs() / 1000,
    );

    // Series that should read 0 before their first event, not be missing.
    for (const outcome of ['accepted', 'duplicate', 'rejected']) orders.inc({ outcome }, 0);
    for (const reason of SHED_REASONS) shed.inc({ reason }, 0);
    for (const kind of ['tick', 'snapshot']) broadcasts.inc({ kind }, 0);
    for (const repaired of ['true', 'false']) rebuilds.inc({ repaired }, 0);
    for (const figure of FIGURES) figureDrift.set({ figure }, 0);
    // Web Push's deliveries, all devices together, are the hook "web-push" (server/alerts/push.ts).
    for (const name of [...config.webhooks.map((h) => h.name), ...(config.webPush ? ['web-push'] : [])]) {
      for (const outcome of ['ok', 'retried', 'failed', 'dropped']) webhooks.inc({ hook: name, outcome }, 0);
    }

    const t = app.telemetry;
    t.on('ingest', (e) => {
      orders.inc({ outcome: 'accepted' }, e.accepted);
      orders.inc({ outcome: 'duplicate' }, e.duplicates);
      orders.inc({ outcome: 'rejected' }, e.rejected.length);
      for (const r of e.rejected) rejections.inc({ code: r.code });
    });
    t.on('shed', (reason) => shed.inc({ reason }));
    t.on('flush', (e) => {
      flushOrders.observe(e.rows);
      flushSeconds.observe(e.ms / 1000);
      const p = e.phases;
      flushPhaseSeconds.observe({ phase: 'prepare' }, p.prepareMs / 1000);
      flushPhaseSeconds.observe({ phase: 'wait' }, p.waitMs / 1000);
      flushPhaseSeconds.observe({ phase: 'barrier' }, p.barrierMs / 1000);
      flushPhaseSeconds.observe({ phase: 'engine' }, p.engineMs / 1000);
      flushPhaseSeconds.observe({ phase: 'post' }, p.postMs / 1000);
    });
    t.on('flushFailed', () => flushFailures.inc());
    t.on('broadcast', (e) => {
      broadcasts.inc({ kind: e.kind });
      for (const ms of e.acceptedLagMs) acceptToTick.observe(ms / 1000);
    });
    t.on('rebuild', (e) => {
      rebuilds.inc({ repaired: String(e.repaired) });
      rebuildSeconds.observe(e.ms / 1000);
    });
    t.on('reconcile', (e) => {
      checks.inc();
      driftOrders.set(e.driftOrders);
      driftFen.set(e.driftFen);
      for (const [figure, value] of Object.entries(e.figures)) figureDrift.set({ figure }, value);
      if (e.mismatched) drifts.inc();
    });
    t.on('webhook', (e) => webhooks.inc({ hook: e.hook, outcome: e.outcome }));

    const scrapers = new TokenSet([...config.metricsTokens, ...config.adminTokens]);
    if (scrapers.size === 0) app.log.info('/metrics is closed: set METRICS_TOKENS to scrape it');
    app.get(
      '/metrics',
      {
        // Operational, not part of the API: kept out of the OpenAPI document.
        schema: { hide: true },
        onRequest: async (req) => {
          if (!scrapers.allows(req.headers.authorization)) throw new Errors.METRICS_UNAUTHORIZED();
        },
      },
      async (_req, reply) => {
        const body = await registry.metrics();
        return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(body);
      },
    );
  },
  { name: 'metrics', dependencies: ['telemetry'] },
);
