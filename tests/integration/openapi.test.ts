import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import {
  BreakdownsResponseSchema,
  DIMENSIONS,
  OnAirResponseSchema,
  SeriesResponseSchema,
  ShowSummarySchema,
  type OnAirResponse,
} from '../../shared/history.js';
import { IngestResponseSchema, OrderInput } from '../../shared/order.js';
import {
  ERROR_SCHEMA_ID,
  ErrorResponseSchema,
  SeriesChunkSchema,
  SnapshotSchema,
  TickSchema,
  TotalsResponseSchema,
} from '../../shared/protocol.js';
import { injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('openapi');
let app: AllNode;
let url: string;
/** The answer to the first batch: accepted orders, a duplicate and a rejected line. */
let firstAnswer: unknown;

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path));
  // Orders from China with the buyer's province and city: every breakdown has rows.
  const orders = Array.from({ length: 120 }, (_, i) => {
    const o = order(i + 1);
    return o.country === 'CN' ? { ...o, province: '33', city: 'Hangzhou' } : o;
  });
  const refund = order(7, { order_id: 'r-7', type: 'refund' });
  const res = await injectOrders(app, ndjson([...orders, orders[0], refund, { ...order(999), amount: '1e3' }]));
  expect(res.statusCode).toBe(200);
  firstAnswer = res.json();
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** The value fits the schema; on failure the test prints what TypeBox found wrong. */
function expectFits(schema: TSchema, value: unknown): void {
  expect([...Value.Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  expect(Value.Check(schema, value)).toBe(true);
}

/** Polls an async check until it gives a value, or fails after 10 s. */
async function eventually<T>(check: () => Promise<T | null>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function get(path: string): Promise<unknown> {
  const res = await app.inject({ url: path });
  expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
  return res.json();
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> & { anyOf?: unknown[] } }> };
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

describe('GET /openapi.json', () => {
  it('gives every route a 200 schema, and its 4xx and 5xx the one error body by reference', async () => {
    const doc = (await get('/openapi.json')) as Document;
    const errorRef = `#/components/schemas/${ERROR_SCHEMA_ID}`;
    expect(Object.keys(doc.components.schemas[ERROR_SCHEMA_ID]?.properties ?? {})).toEqual(
      Object.keys(ErrorResponseSchema.properties),
    );

    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/orders',
        'GET /api/v1/totals',
        'GET /api/v1/live/series/{chunk}',
        'GET /api/v1/shows',
        'GET /api/v1/days',
        'GET /api/v1/series',
        'GET /api/v1/breakdowns',
        'GET /api/v1/on-air',
        'GET /api/v1/export.csv',
        'GET /api/v1/export.parquet',
        'POST /api/v1/admin/share-links',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    // Hidden routes stay out of the document.
    expect(operations.map((o) => o.route)).not.toContain('GET /openapi.json');

    for (const { route, op } of operations) {
      const responses = op.responses ?? {};
      const ok = Object.values(responses['200']?.content ?? {});
      expect(ok.length, `${route}: 200`).toBeGreaterThan(0);
      for (const c of ok) expect(Object.keys(c.schema ?? {}).length, `${route}: 200 schema`).toBeGreaterThan(0);
      expect(Object.keys(responses), route).toEqual(expect.arrayContaining(['4XX', '5XX']));
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status)) continue;
        expect(response.content, `${route}: ${status}`).toEqual({ 'application/json': { schema: { $ref: errorRef } } });
      }
    }
  });

  it('answers refused requests with the one error body, its code one of the table', async () => {
    for (const [path, status] of [
      ['/api/v1/series?step=2s', 400],
      ['/api/v1/totals?show=nope', 404],
      ['/api/v1/live/series/999', 404],
      ['/api/v1/nowhere', 404],
    ] as const) {
      const res = await app.inject({ url: path });
      expect(res.statusCode, path).toBe(status);
      expectFits(ErrorResponseSchema, res.json());
    }
  });

  it('describes POST /api/v1/orders: one order or an array of them as JSON, one order a line as NDJSON', async () => {
    const doc = (await get('/openapi.json')) as Document;
    const body = doc.paths['/api/v1/orders']!.post!.requestBody!.content;
    expect(Object.keys(body).sort()).toEqual(['application/json', 'application/x-ndjson']);
    const [one, many] = body['application/json']!.schema.anyOf as [
      { properties: object },
      { type: string; items: { properties: object } },
    ];
    expect(Object.keys(one.properties)).toEqual(Object.keys(OrderInput.properties));
    expect(many.type).toBe('array');
    expect(Object.keys(many.items.properties)).toEqual(Object.keys(OrderInput.properties));
    expect(body['application/x-ndjson']!.schema.description).toMatch(/per line/);
  });
});

describe('answers fit the schemas the document is generated from', () => {
  it('ingest, totals (live and at an instant), shows, series, breakdowns and a series chunk', async () => {
    expectFits(IngestResponseSchema, firstAnswer);
    expect(firstAnswer).toMatchObject({ duplicates: 1, rejected: [{ code: 'GMV_ERR_AMOUNT_FORMAT' }] });

    expectFits(TotalsResponseSchema, await get('/api/v1/totals'));
    expectFits(TotalsResponseSchema, await get('/api/v1/totals?at=2015-11-11T00:01:00%2B08:00'));
    expectFits(TotalsResponseSchema, await get('/api/v1/totals?show=2014'));
    expectFits(Type.Array(ShowSummarySchema), await get('/api/v1/shows'));
    for (const step of ['1s', '1m', '1h']) {
      const series = await get(`/api/v1/series?step=${step}`);
      expectFits(SeriesResponseSchema, series);
      expect((series as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    }
    for (const dimension of DIMENSIONS) {
      const rows = await get(`/api/v1/breakdowns?dimension=${dimension}`);
      expectFits(BreakdownsResponseSchema, rows);
      expect((rows as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    }
    // The live state takes the committed orders a moment after the ingest answer.
    const chunk = await eventually(async () => {
      const res = await app.inject({ url: '/api/v1/live/series/0' });
      return res.statusCode === 200 ? res.json<unknown>() : null;
    }, 'series chunk 0');
    expectFits(SeriesChunkSchema, chunk);
  });

  it('a snapshot and a tick over socket.io, and on-air once the wall has shown them', async () => {
    const c = liveClient(url);
    try {
      const snapshot = await until(() => c.snapshots[0], 10_000, 'snapshot');
      expectFits(SnapshotSchema, snapshot);
      expect((await injectOrders(app, ndjson([order(500)]))).json()).toMatchObject({ accepted: 1 });
      const tick = await until(() => c.ticks.find((t) => t.gross.orders > snapshot.gross.orders), 10_000, 'tick');
      expectFits(TickSchema, tick);
    } finally {
      c.socket.close();
    }

    // Before anything was on air, and what the wall showed just now (recorded a little after the broadcast).
    const before = (await get('/api/v1/on-air?at=2000-01-01T00:00:00Z')) as OnAirResponse;
    expectFits(OnAirResponseSchema, before);
    expect(before.onAir).toBeNull();
    const onAir = await eventually(async () => {
      const answer = (await get(`/api/v1/on-air?at=${encodeURIComponent(new Date().toISOString())}`)) as OnAirResponse;
      return answer.onAir ? answer : null;
    }, 'an on-air record');
    expectFits(OnAirResponseSchema, onAir);
  });
});
