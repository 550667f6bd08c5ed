import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES, validateOrder, type OrderCheck, type ValidationContext } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';

const ctx: ValidationContext = {
  shows: DEFAULT_SHOWS.map(resolveShow),
  categories: new Set(DEFAULT_CATEGORIES),
};

/** 2015-11-11T00:00:00+08:00 and 2014-11-11T00:00:00+08:00 as epoch ms. */
const START_2015 = 1_447_171_200_000;
const START_2014 = 1_415_635_200_000;
const HOUR = 3_600_000;

const valid = {
  order_id: 'o-1',
  ts: '2015-11-11T00:00:05.250+08:00',
  amount: '199.00',
  currency: 'CNY',
  country: 'CN',
  channel: 'mobile',
};

function check(overrides: Record<string, unknown>, drop: string[] = []): OrderCheck {
  const raw: Record<string, unknown> = { ...valid, ...overrides };
  for (const key of drop) delete raw[key];
  return validateOrder(raw, ctx);
}

function rejection(result: OrderCheck): { field: string | null; code: string } {
  if (result.ok) throw new Error('expected a rejection, the order was accepted');
  return { field: result.field, code: result.code };
}

describe('validateOrder: accepted orders', () => {
  it('fills the defaults: a sale in category other with no merchant', () => {
    expect(validateOrder(valid, ctx)).toEqual({
      ok: true,
      order: {
        show: '2015',
        order_id: 'o-1',
        type: 'sale',
        ts: START_2015 + 5_250,
        amount_fen: 19_900,
        currency: 'CNY',
        gmv_fen: 19_900,
        country: 'CN',
        channel: 'mobile',
        category: 'other',
        merchant_id: '',
        province: '',
        city: '',
      },
    });
  });

  it('keeps the optional fields when they are given', () => {
    const r = check({ type: 'refund', category: 'beauty', merchant_id: 'tmall:store_42', channel: 'offline' });
    expect(r).toMatchObject({
      ok: true,
      order: { type: 'refund', category: 'beauty', merchant_id: 'tmall:store_42', channel: 'offline' },
    });
  });

  it('accepts an order id of exactly 64 allowed characters', () => {
    const id = 'Az09._:-'.repeat(8);
    expect(check({ order_id: id })).toMatchObject({ ok: true, order: { order_id: id } });
  });

  it('converts USD at the 2015 rate and keeps the original amount', () => {
    expect(check({ amount: '100.00', currency: 'USD' })).toMatchObject({
      ok: true,
      order: { amount_fen: 10_000, currency: 'USD', gmv_fen: 63_643 },
    });
  });

  it('converts USD at the 2014 rate for an order in the 2014 window', () => {
    const r = check({ amount: '100.00', currency: 'USD', ts: '2014-11-11T10:00:00+08:00' });
    expect(r).toMatchObject({ ok: true, order: { show: '2014', gmv_fen: 61_395 } });
  });

  it('rounds converted half fen away from zero', () => {
    // 50.00 USD * 6.3643 = 318.215 CNY.
    expect(check({ amount: '50', currency: 'USD' })).toMatchObject({ ok: true, order: { gmv_fen: 31_822 } });
    // 1000 JPY * 0.051722 = 51.722 CNY.
    expect(check({ amount: 1000, currency: 'JPY' })).toMatchObject({ ok: true, order: { gmv_fen: 5_172 } });
  });
});

describe('validateOrder: the show is chosen by event time', () => {
  it.each([
    ['2015-11-11T12:00:00+08:00', '2015'],
    ['2014-11-11T12:00:00+08:00', '2014'],
    [START_2014 - HOUR, '2014'],
    [START_2014 + 25 * HOUR - 1, '2014'],
    [START_2015 - HOUR, '2015'],
    [START_2015 + 25 * HOUR - 1, '2015'],
    ['2015-11-10T23:30:00+08:00', '2015'],
    ['2015-11-12T00:59:59.999+08:00', '2015'],
  ])('puts ts %s in show %s (windows include an hour of grace)', (ts, show) => {
    expect(check({ ts })).toMatchObject({ ok: true, order: { show } });
  });

  it.each([
    START_2014 - HOUR - 1,
    START_2014 + 25 * HOUR,
    START_2015 - HOUR - 1,
    START_2015 + 25 * HOUR,
    '2016-11-11T00:00:00+08:00',
    0,
  ])('rejects ts %s as outside every show', (ts) => {
    expect(rejection(check({ ts }))).toEqual({ field: 'ts', code: 'GMV_ERR_TS_OUTSIDE_SHOW' });
  });

  it('passes on the time parser codes for a malformed ts', () => {
    expect(rejection(check({ ts: '2015-11-11T00:00:00' }))).toEqual({ field: 'ts', code: 'GMV_ERR_TS_FORMAT' });
    expect(rejection(check({ ts: true }))).toEqual({ field: 'ts', code: 'GMV_ERR_TS_TYPE' });
  });
});

describe('validateOrder: rejected orders', () => {
  it.each([null, [valid], 'order', 42])('rejects %o as not an object', (raw) => {
    expect(validateOrder(raw, ctx)).toMatchObject({ ok: false, field: null, code: 'GMV_ERR_LINE_NOT_OBJECT' });
  });

  it.each(['order_id', 'ts', 'amount', 'currency', 'country', 'channel'])('requires %s', (field) => {
    expect(rejection(check({}, [field]))).toEqual({ field, code: 'GMV_ERR_FIELD_REQUIRED' });
  });

  it('names an unknown field', () => {
    expect(rejection(check({ price: '1.00' }))).toEqual({ field: 'price', code: 'GMV_ERR_FIELD_UNKNOWN' });
  });

  it('rejects a "__proto__" key from JSON.parse as unknown rather than reading through it', () => {
    const raw: unknown = JSON.parse(`{"__proto__": {"category": "nope"}, ${JSON.stringify(valid).slice(1)}`);
    expect(rejection(validateOrder(raw, ctx))).toEqual({ field: '__proto__', code: 'GMV_ERR_FIELD_UNKNOWN' });
  });

  it('keeps an unknown field name short and printable in the message', () => {
    const r = check({ ['\u0000bad' + 'x'.repeat(100)]: 1 });
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : r.message;
    expect(message).toMatch(/^unknown field "\?badx+…"$/);
    expect(message.length).toBeLessThan(60);
  });

  it.each(['', 'x'.repeat(65), 'a b', 'née', 'a/b', 42, null])('rejects order_id %o', (order_id) => {
    expect(rejection(check({ order_id }))).toEqual({ field: 'order_id', code: 'GMV_ERR_ID_FORMAT' });
  });

  it.each(['', 'x'.repeat(65), 'shop 1', 7])('rejects merchant_id %o', (merchant_id) => {
    expect(rejection(check({ merchant_id }))).toEqual({ field: 'merchant_id', code: 'GMV_ERR_ID_FORMAT' });
  });

  it.each(['Sale', 'return', '', 1, null])('rejects type %o', (type) => {
    expect(rejection(check({ type }))).toEqual({ field: 'type', code: 'GMV_ERR_TYPE_UNKNOWN' });
  });

  it.each([
    ['1.234', 'GMV_ERR_AMOUNT_PRECISION'],
    ['0', 'GMV_ERR_AMOUNT_RANGE'],
    ['10000000.01', 'GMV_ERR_AMOUNT_RANGE'],
    ['1e3', 'GMV_ERR_AMOUNT_FORMAT'],
    [true, 'GMV_ERR_AMOUNT_TYPE'],
    [null, 'GMV_ERR_AMOUNT_TYPE'],
  ])('rejects amount %o with %s', (amount, code) => {
    expect(rejection(check({ amount }))).toEqual({ field: 'amount', code });
  });

  it.each(['usd', 'XYZ', 'RMB', '', 5, null, '__proto__', 'toString'])('rejects currency %o', (currency) => {
    const r = check({ currency });
    expect(rejection(r)).toEqual({ field: 'currency', code: 'GMV_ERR_CURRENCY_UNKNOWN' });
    expect(r.ok ? '' : r.message).toContain('USD');
  });

  it.each(['cn', 'XX', 'CHN', 'UK', '', 86])('rejects country %o', (country) => {
    expect(rejection(check({ country }))).toEqual({ field: 'country', code: 'GMV_ERR_COUNTRY_UNKNOWN' });
  });

  it.each(['app', 'Mobile', 'web', '', 1])('rejects channel %o', (channel) => {
    expect(rejection(check({ channel }))).toEqual({ field: 'channel', code: 'GMV_ERR_CHANNEL_UNKNOWN' });
  });

  it.each(['toys', 'Other', '', 3, '__proto__'])('rejects category %o', (category) => {
    expect(rejection(check({ category }))).toEqual({ field: 'category', code: 'GMV_ERR_CATEGORY_UNKNOWN' });
  });

  it('reports the first problem when several fields are wrong', () => {
    expect(rejection(check({ order_id: '', currency: 'XYZ', extra: 1 }))).toEqual({
      field: 'extra',
      code: 'GMV_ERR_FIELD_UNKNOWN',
    });
    expect(rejection(check({ country: 'XX', channel: 'app' }))).toEqual({
      field: 'country',
      code: 'GMV_ERR_COUNTRY_UNKNOWN',
    });
  });
});
