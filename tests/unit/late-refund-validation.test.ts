import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders, decodeOrdersText, type DecodedBatch } from '../../server/ingest/batch.js';
import { lateRefundTest } from '../../server/ingest/late-refunds.js';
import { endedShows, LATE_SHOW, validateOrder, type ValidationContext } from '../../shared/order.js';

// The route's context: the default shows (2015, and 2014 it is compared with) and late refunds on.
const config = loadConfig({});
const ctx: ValidationContext = { shows: config.shows, categories: new Set(config.categories), lateRefunds: true };
const NDJSON = 'application/x-ndjson';

const refund = (over: Record<string, unknown> = {}) => ({
  order_id: 't-1',
  ts: '2015-11-14T10:00:00.000+08:00',
  amount: '19.99',
  currency: 'USD',
  country: 'CN',
  channel: 'mobile',
  type: 'refund',
  ...over,
});

/** Both parser paths on one NDJSON body: the byte-level fast path and the reference (JSON.parse, validateOrder). */
function bothPaths(lines: string[]): { fast: DecodedBatch; reference: DecodedBatch } {
  const body = lines.join('\n');
  return {
    fast: decodeOrders(Buffer.from(body), NDJSON, config.limits, ctx),
    reference: decodeOrdersText(body, NDJSON, config.limits, ctx),
  };
}

function withoutCount(d: DecodedBatch) {
  if (!d.ok) return d;
  const { fast: _, ...rest } = d;
  return rest;
}

describe('validateOrder(refund after its show, ctx)', () => {
  it('accepts a refund after a show has ended as a late refund, its show and GMV left to ingest', () => {
    const check = validateOrder(refund(), ctx);
    expect(check).toEqual({
      ok: true,
      order: {
        show: LATE_SHOW,
        order_id: 't-1',
        type: 'refund',
        ts: Date.parse('2015-11-14T02:00:00Z'),
        amount_fen: 1999,
        currency: 'USD',
        gmv_fen: 0,
        country: 'CN',
        channel: 'mobile',
        category: 'other',
        merchant_id: '',
        province: '',
        city: '',
      },
    });
  });

  it('refuses it as before without lateRefunds, a sale after the show, and a refund before every show', () => {
    const outside = { ok: false, field: 'ts', code: 'GMV_ERR_TS_OUTSIDE_SHOW' };
    expect(validateOrder(refund(), { ...ctx, lateRefunds: false })).toMatchObject(outside);
    expect(validateOrder(refund({ type: 'sale' }), ctx)).toMatchObject(outside);
    expect(validateOrder(refund({ type: undefined }), ctx)).toMatchObject(outside);
    expect(validateOrder(refund({ ts: '2010-01-01T00:00:00Z' }), ctx)).toMatchObject(outside);
  });

  it('keeps a refund inside a window (grace included) an ordinary order of that show', () => {
    // 2015 ends 2015-11-12T00:00+08:00 with an hour of grace.
    const inGrace = validateOrder(refund({ ts: '2015-11-12T00:59:59.999+08:00', currency: 'CNY' }), ctx);
    expect(inGrace).toMatchObject({ ok: true, order: { show: '2015', gmv_fen: 1999 } });
    const justAfter = validateOrder(refund({ ts: '2015-11-12T01:00:00.000+08:00' }), ctx);
    expect(justAfter).toMatchObject({ ok: true, order: { show: LATE_SHOW } });
  });

  it('checks the other fields of a late refund as for any order', () => {
    expect(validateOrder(refund({ currency: 'XXX' }), ctx)).toMatchObject({
      ok: false,
      field: 'currency',
      code: 'GMV_ERR_CURRENCY_UNKNOWN',
    });
    expect(validateOrder(refund({ amount: '0' }), ctx)).toMatchObject({ field: 'amount' });
    expect(validateOrder(refund({ country: 'ZZ' }), ctx)).toMatchObject({ field: 'country' });
    expect(validateOrder(refund({ channel: 'tv' }), ctx)).toMatchObject({ field: 'channel' });
  });

  it('endedShows(shows, ms) lists the shows ended before ms, the latest first', () => {
    const ms = Date.parse('2015-11-14T02:00:00Z');
    expect(endedShows(config.shows, ms).map((s) => s.id)).toEqual(['2015', '2014']);
    expect(endedShows(config.shows, Date.parse('2015-01-01T00:00:00Z')).map((s) => s.id)).toEqual(['2014']);
  });

  it('lateRefundTest(shows) tells a resolved late refund from an order of the window', () => {
    const late = lateRefundTest(config.shows);
    const base = { show: '2015', order_id: 'x', amount_fen: 1, currency: 'CNY', gmv_fen: 1 };
    const o = { ...base, country: 'CN', channel: 'pc' as const, category: 'other', merchant_id: '' };
    expect(late({ ...o, type: 'refund', ts: Date.parse('2015-11-14T00:00:00Z') })).toBe(true);
    expect(late({ ...o, type: 'sale', ts: Date.parse('2015-11-14T00:00:00Z') })).toBe(false);
    expect(late({ ...o, type: 'refund', ts: Date.parse('2015-11-11T10:00:00+08:00') })).toBe(false);
  });
});

describe('decodeOrders(late refunds): the fast path agrees with the reference path', () => {
  it('reads a plain late refund on the fast path, into `late` with its line', () => {
    const { fast, reference } = bothPaths([
      '{"order_id":"s-1","ts":"2015-11-11T00:00:01Z","amount":"5","currency":"CNY","country":"CN","channel":"pc"}',
      JSON.stringify(refund()),
      JSON.stringify(refund({ currency: 'XXX' })),
    ]);
    expect(withoutCount(fast)).toStrictEqual(withoutCount(reference));
    expect(fast.ok && fast.fast).toBe(2);
    expect(fast.ok && (fast.late ?? []).map((l) => [l.line, l.order.order_id, l.order.show])).toEqual([
      [2, 't-1', LATE_SHOW],
    ]);
    expect(fast.ok && fast.orders.map((o) => o.show)).toEqual(['2015']);
    expect(fast.ok && fast.rejected.map((r) => [r.line, r.field, r.code])).toEqual([
      [3, 'currency', 'GMV_ERR_CURRENCY_UNKNOWN'],
    ]);
  });

  it('gives the same answer on both paths for generated refunds around the shows', () => {
    const instants = [
      '2010-01-01T00:00:00Z',
      '2014-11-11T12:00:00+08:00',
      '2014-11-12T00:59:59.999+08:00',
      '2014-11-12T01:00:00+08:00',
      '2015-06-01T00:00:00Z',
      '2015-11-11T23:00:00+08:00',
      '2015-11-12T01:00:00.000+08:00',
      '2015-11-20T09:30:00.5+08:00',
      '2030-01-01T00:00:00Z',
    ];
    const line = fc.record({
      order_id: fc.constantFrom('t-1', 'y-2', 'a.b:c_d-e'),
      ts: fc.oneof(fc.constantFrom(...instants), fc.integer({ min: 0, max: 2_000_000_000_000 })),
      amount: fc.constantFrom('1', '19.99', '0', '10000000.00', '10000000.01', '1.234'),
      currency: fc.constantFrom('CNY', 'USD', 'JPY', 'XXX', 'cny'),
      country: fc.constantFrom('CN', 'US', 'ZZ'),
      channel: fc.constantFrom('mobile', 'pc', 'offline', 'tv'),
      type: fc.constantFrom('refund', 'refund', 'sale', 'Refund'),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const { fast, reference } = bothPaths(lines.map((l) => JSON.stringify(l)));
        expect(withoutCount(fast)).toStrictEqual(withoutCount(reference));
      }),
      { numRuns: 400, seed: 15 },
    );
  });
});
