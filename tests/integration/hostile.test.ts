import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, injectOrders, grossTotals } from '../fixtures/app.js';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('hostile');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path, { MAX_BODY_BYTES: String(1024 * 1024) }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(payload: string | Buffer, headers: Record<string, string> = {}) {
  return injectOrders(app, payload, headers);
}
const totals = () => grossTotals(app);

describe('hostile input', () => {
  it('accepts a gzip body and refuses a gzip bomb before it inflates', async () => {
    const ok = await post(gzipSync(ndjson([order(1), order(2)])), { 'content-encoding': 'gzip' });
    expect(ok.json()).toMatchObject({ accepted: 2, rejected: [] });
    // 64 MiB of zeros packs into ~64 KiB.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect([res.statusCode, res.json().code]).toEqual([413, 'GMV_ERR_BODY_TOO_LARGE']);
    const corrupt = await post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect([corrupt.statusCode, corrupt.json().code]).toEqual([400, 'GMV_ERR_BODY_INVALID']);
    const br = await post('x', { 'content-encoding': 'br' });
    expect([br.statusCode, br.json().code]).toEqual([415, 'GMV_ERR_ENCODING']);
    expect((await totals()).orders).toBe(2);
  });

  it('rejects each bad line by number, field and code, and counts none of them', async () => {
    const before = await totals();
    const lines = [
      '{"__proto__":{"polluted":true},"order_id":"p1"}',
      JSON.stringify({ ...order(10), constructor: { prototype: { x: 1 } } }),
      JSON.stringify({ ...order(11), amount: -5 }),
      JSON.stringify({ ...order(12), amount: 0 }),
      JSON.stringify({ ...order(13), amount: '1e309' }),
      JSON.stringify({ ...order(14), amount: '1.001' }),
      JSON.stringify({ ...order(15), amount: '10000000.01' }),
      JSON.stringify({ ...order(16), amount: true }),
      JSON.stringify({ ...order(17), currency: 'XXX' }),
      JSON.stringify({ ...order(18), ts: '2015-11-11T00:00:00' }),
      JSON.stringify({ ...order(19), ts: '1999-11-11T00:00:00Z' }),
      JSON.stringify({ ...order(20), order_id: "1'; DROP TABLE orders; --" }),
      JSON.stringify({ ...order(21), merchant_id: '<script>alert(1)</script>' }),
      JSON.stringify({ ...order(22), country: 'ZZ' }),
      JSON.stringify({ ...order(23), category: `cat-${'x'.repeat(20)}` }),
      JSON.stringify({ ...order(24), channel: 'tv' }),
      '{"order_id":"truncated","ts":"2015-11-11T00:00:00+08:00","amo',
      // Strict JSON: a key twice (JSON.parse would keep the last), amounts as numbers a double would round.
      JSON.stringify(order(25)).replace('{', '{"amount":"1.00",'),
      JSON.stringify(order(26)).replace(/}$/, ',"am\\u006funt":"999999.00"}'),
      JSON.stringify({ ...order(27), amount: 1 }).replace('"amount":1', '"amount":19.999999999999999999'),
      JSON.stringify({ ...order(28), amount: 1 }).replace('"amount":1', '"amount":0.1e1'),
    ];
    const res = await post(lines.join('\n'));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accepted: number; rejected: { line: number; field: string | null; code: string }[] }>();
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r) => [r.line, r.field, r.code])).toEqual([
      [1, '__proto__', 'GMV_ERR_FIELD_UNKNOWN'],
      [2, 'constructor', 'GMV_ERR_FIELD_UNKNOWN'],
      [3, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [4, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [5, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [6, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [7, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [8, 'amount', 'GMV_ERR_AMOUNT_TYPE'],
      [9, 'currency', 'GMV_ERR_CURRENCY_UNKNOWN'],
      [10, 'ts', 'GMV_ERR_TS_FORMAT'],
      [11, 'ts', 'GMV_ERR_TS_OUTSIDE_SHOW'],
      [12, 'order_id', 'GMV_ERR_ID_FORMAT'],
      [13, 'merchant_id', 'GMV_ERR_ID_FORMAT'],
      [14, 'country', 'GMV_ERR_COUNTRY_UNKNOWN'],
      [15, 'category', 'GMV_ERR_CATEGORY_UNKNOWN'],
      [16, 'channel', 'GMV_ERR_CHANNEL_UNKNOWN'],
      [17, null, 'GMV_ERR_LINE_JSON'],
      [18, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [19, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [20, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [21, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await totals()).toEqual(before);
  });

  it('never counts an invalid line, never rejects a valid one and never answers 5xx (fuzzed)', async () => {
    let next = 100_000;
    const mutations: ((o: Record<string, unknown>) => Record<string, unknown>)[] = [
      (o) => ({ ...o, amount: '-1' }),
      (o) => ({ ...o, amount: 'NaN' }),
      (o) => ({ ...o, ts: 'yesterday' }),
      (o) => ({ ...o, currency: 'ABC' }),
      (o) => ({ ...o, extra: 1 }),
      (o) => ({ ...o, order_id: '' }),
      (o) => ({ ...o, country: 'cn' }),
      (o) => ({ ...o, channel: null }),
      (o) => {
        const { ts: _ts, ...rest } = o;
        return rest;
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: 0, max: mutations.length - 1 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (plan) => {
          const before = await totals();
          const lines = plan.map((m) => {
            const o = order(next++);
            return m === undefined ? o : mutations[m]!(o);
          });
          const valid = lines.filter((_, i) => plan[i] === undefined);
          const res = await post(ndjson(lines));
          expect(res.statusCode).toBe(200);
          const body = res.json<{ accepted: number; duplicates: number; rejected: { line: number }[] }>();
          expect(body.accepted).toBe(valid.length);
          expect(body.rejected.map((r) => r.line)).toEqual(plan.flatMap((m, i) => (m === undefined ? [] : [i + 1])));
          const after = await totals();
          expect(after.orders - before.orders).toBe(valid.length);
          const fen = valid.reduce((s, o) => s + (o.currency === 'CNY' ? fenOf(o) : 0), 0);
          if (valid.every((o) => o.currency === 'CNY')) {
            expect(after.gmv).toBe(fenToDecimal(Math.round(Number(before.gmv) * 100) + fen));
          }
        },
      ),
      { numRuns: 40, seed: 20151111 },
    );
  });

  it('keeps cardinality bounded: unknown countries and categories never reach memory or storage', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ ...order(200_000 + i), country: `Q${i % 10}` }));
    const res = (await post(ndjson(lines))).json<{ accepted: number }>();
    expect(res.accepted).toBe(0);
    const rs = await app.store.client.query({
      query: `SELECT DISTINCT country FROM ${app.store.db}.orders WHERE country LIKE 'Q%'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([]);
  });
});
