import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { liveClient, startApp, until, injectOrders } from '../fixtures/app.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const dir = tempDir('ingest');
let app: AllNode;
let url: string;

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(body: string, type = 'application/x-ndjson', token = TOKEN) {
  return injectOrders(app, body, { 'content-type': type, authorization: `Bearer ${token}` });
}

async function storedTotals(): Promise<{ orders: number; gmv: string }> {
  const rs = await app.store.client.query({
    query: `SELECT toString(count()) AS orders, toDecimalString(sum(gmv), 2) AS gmv FROM ${app.store.db}.orders
            WHERE show = '2015' AND type = 'sale'`,
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ orders: string; gmv: string }>();
  return { orders: Number(r!.orders), gmv: r!.gmv };
}

describe('ingest on real chDB', () => {
  const known = Array.from({ length: 120 }, (_, i) => order(i + 1, { country: 'CN' }));
  const expectedFen = known.reduce((s, o) => s + fenOf(o), 0);

  it('counts a known set exactly across batch splits, duplicates and invalid lines', async () => {
    const batches = [known.slice(0, 50), known.slice(40, 90), known.slice(85)];
    let accepted = 0;
    let duplicates = 0;
    for (const [b, batch] of batches.entries()) {
      const lines: unknown[] = [...batch];
      // An invalid line and an in-batch duplicate in every batch.
      lines.splice(3, 0, { ...batch[0], order_id: `bad-${b}`, amount: '-1' });
      lines.push(batch[1]);
      const res = await post(ndjson(lines));
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        accepted: number;
        duplicates: number;
        rejected: { line: number; field: string; code: string }[];
      }>();
      expect(body.rejected).toEqual([
        { line: 4, field: 'amount', code: 'GMV_ERR_AMOUNT_RANGE', message: 'amount must be greater than 0' },
      ]);
      accepted += body.accepted;
      duplicates += body.duplicates;
    }
    expect(accepted).toBe(known.length);
    // 10 + 5 overlapping orders between batches, plus one in-batch duplicate per batch.
    expect(duplicates).toBe(10 + 5 + 3);

    const totals = (await app.inject({ url: '/api/v1/totals' })).json();
    expect(totals.gross).toEqual({ gmv: fenToDecimal(expectedFen), orders: known.length });
    expect(await storedTotals()).toEqual({ orders: known.length, gmv: fenToDecimal(expectedFen) });
  });

  it('gives a socket client a snapshot and ticks with the same exact totals', async () => {
    const c = liveClient(url);
    try {
      const snap = await until(() => c.snapshots[0], 10_000, 'snapshot');
      expect(snap.gross).toEqual({ gmv: fenToDecimal(expectedFen), orders: known.length });
      // The snapshot carries its recent seconds; the older ones are in chunks over HTTP (with ETags).
      let seriesOrders = snap.series.reduce((n, [, orders]) => n + orders, 0);
      expect(snap.history?.chunks.length).toBeGreaterThan(0);
      for (const chunk of snap.history!.chunks) {
        const res = await app.inject({ url: `/api/v1/live/series/${chunk}` });
        expect(res.statusCode).toBe(200);
        const body = res.json<{ show: string; chunk: number; series: [number, number, string][] }>();
        expect(body.chunk).toBe(chunk);
        seriesOrders += body.series.filter(([s]) => s < snap.history!.before).reduce((n, [, o]) => n + o, 0);
        const again = await app.inject({
          url: `/api/v1/live/series/${chunk}`,
          headers: { 'if-none-match': res.headers.etag as string },
        });
        expect(again.statusCode).toBe(304);
      }
      expect(seriesOrders).toBe(known.length);
      expect((await app.inject({ url: '/api/v1/live/series/999' })).json().code).toBe('GMV_ERR_NOT_FOUND');

      const extra = order(5000, { country: 'CN' });
      expect((await post(ndjson([extra]))).json().accepted).toBe(1);
      const tick = await until(() => c.ticks.find((t) => t.gross.orders === known.length + 1), 10_000, 'tick');
      expect(tick.gross.gmv).toBe(fenToDecimal(expectedFen + fenOf(extra)));
      expect(tick.seq).toBeGreaterThan(snap.seq);
      for (let i = 1; i < c.ticks.length; i++) expect(c.ticks[i]!.seq).toBe(c.ticks[i - 1]!.seq + 1);
      // The tick carries the second that changed, with its absolute value.
      expect(tick.series.some(([s]) => s === 5000 % 3600)).toBe(true);

      c.socket.emit('resync');
      await until(() => c.snapshots.length === 2, 10_000, 'resync snapshot');
      expect(c.snapshots[1]!.gross.orders).toBe(known.length + 1);
    } finally {
      c.socket.close();
    }
  });

  it('converts USD at the show rate and keeps refunds out of the gross total', async () => {
    const before = (await app.inject({ url: '/api/v1/totals' })).json();
    const usd = order(7000, { currency: 'USD', amount: '10.00' });
    const refund = { ...known[0], type: 'refund' };
    const res = (await post(ndjson([usd, refund]))).json();
    expect(res).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const after = (await app.inject({ url: '/api/v1/totals' })).json();
    // 10.00 USD at 6.3643 CNY = 63.64 (63.643 rounded).
    const grossFen = Math.round(Number(before.gross.gmv) * 100) + 6364;
    expect(after.gross).toEqual({ gmv: fenToDecimal(grossFen), orders: before.gross.orders + 1 });
    expect(after.net).toEqual({ gmv: fenToDecimal(grossFen - fenOf(known[0]!)), orders: before.gross.orders });
  });

  it('accepts a JSON array and reports rejected items by position', async () => {
    const res = await post(JSON.stringify([order(8001), { ...order(8002), colour: 'red' }]), 'application/json');
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ line: 2, field: 'colour', code: 'GMV_ERR_FIELD_UNKNOWN', message: 'unknown field "colour"' }],
    });
  });

  it('refuses requests it cannot use with a code', async () => {
    expect((await post(ndjson([order(9001)]), 'application/x-ndjson', 'wrong-token-0000000000')).json().code).toBe(
      'GMV_ERR_UNAUTHORIZED',
    );
    const noAuth = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: ndjson([order(9001)]) });
    expect(noAuth.statusCode).toBe(401);
    const text = await post('hello', 'text/plain');
    expect([text.statusCode, text.json().code]).toEqual([415, 'GMV_ERR_MEDIA_TYPE']);
    const empty = await post('');
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'GMV_ERR_BODY_EMPTY']);
    const garbage = await post('not json\nnor this\n');
    expect([garbage.statusCode, garbage.json().code]).toEqual([400, 'GMV_ERR_BODY_INVALID']);
    const after = (await app.inject({ url: '/api/v1/totals' })).json();
    expect(after.gross.orders).toBe(known.length + 3);
  });

  it('keeps the totals and the dedup memory across a restart on the same data', async () => {
    const before = (await app.inject({ url: '/api/v1/totals' })).json();
    await app.close();
    ({ app, url } = await startApp(dir.path));
    const after = (await app.inject({ url: '/api/v1/totals' })).json();
    expect(after.gross).toEqual(before.gross);
    expect(after.net).toEqual(before.net);
    const again = (await post(ndjson(known))).json();
    expect(again).toEqual({ accepted: 0, duplicates: known.length, rejected: [] });
    expect((await app.inject({ url: '/api/v1/totals' })).json().gross).toEqual(before.gross);
  });

  it('takes HTTP names case-insensitively and refuses unknown routes and parameters with codes', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { 'content-type': 'Application/X-NDJSON', authorization: `bearer ${TOKEN}` },
      payload: ndjson([order(9100)]),
    });
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const unknownParam = await app.inject({ url: '/api/v1/totals?colour=red' });
    expect([unknownParam.statusCode, unknownParam.json().code]).toEqual([400, 'GMV_ERR_REQUEST_INVALID']);
    const unknownShow = await app.inject({ url: '/api/v1/totals?show=1999' });
    expect([unknownShow.statusCode, unknownShow.json().code]).toEqual([404, 'GMV_ERR_SHOW_UNKNOWN']);
    const noRoute = await app.inject({ url: '/api/v1/nothing' });
    expect([noRoute.statusCode, noRoute.json().code]).toEqual([404, 'GMV_ERR_NOT_FOUND']);
  });

  it('answers health, readiness and the OpenAPI description', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', store: 'chdb' });
    const spec = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/totals']));
  });
});
