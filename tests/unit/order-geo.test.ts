import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders } from '../../server/ingest/batch.js';
import { validateOrder, type ValidationContext } from '../../shared/order.js';

const config = loadConfig({});
const ctx: ValidationContext = { shows: config.shows, categories: new Set(config.categories) };
const NDJSON = 'application/x-ndjson';

const base = {
  order_id: 'o-1',
  ts: '2015-11-11T00:00:05.250+08:00',
  amount: '199.00',
  currency: 'CNY',
  country: 'CN',
  channel: 'mobile',
};

const line = (fields: Record<string, unknown>, i = 1): string =>
  JSON.stringify({ ...base, order_id: `o-${i}`, ...fields });

describe("an order's buyer province and city", () => {
  it('keeps a province code and a city in any script, on the fast path and the reference path alike', () => {
    const lines = [
      line({ province: '33', city: 'Hangzhou' }, 1),
      line({ province: '61', city: "Xi'an" }, 2),
      line({ province: '65', city: '乌鲁木齐' }, 3),
      line({ country: 'US', city: 'St. Louis' }, 4),
      line({}, 5),
    ];
    const fast = decodeOrders(Buffer.from(lines.join('\n')), NDJSON, config.limits, ctx);
    const json = decodeOrders(Buffer.from(`[${lines.join(',')}]`), 'application/json', config.limits, ctx);
    if (!fast.ok || !json.ok) throw new Error('batch refused');
    expect(fast.rejected).toEqual([]);
    // Only the non-ASCII city left the fast path.
    expect(fast.fast).toBe(4);
    expect(json.fast).toBe(0);
    expect(fast.orders).toStrictEqual(json.orders);
    expect(fast.orders.map((o) => [o.province, o.city])).toEqual([
      ['33', 'Hangzhou'],
      ['61', "Xi'an"],
      ['65', '乌鲁木齐'],
      ['', 'St. Louis'],
      ['', ''],
    ]);
  });

  it('rejects a province outside China, an unknown province code and a malformed city, naming the line and field', () => {
    const lines = [
      line({ province: '33' }, 1),
      line({ country: 'US', province: '33' }, 2),
      line({ province: '71' }, 3),
      line({ province: 33 }, 4),
      line({ city: ' Hangzhou' }, 5),
      line({ city: 'a/b' }, 6),
      line({ city: 'x'.repeat(49) }, 7),
      line({ city: '' }, 8),
      line({ country: 'HK', province: '81' }, 9),
    ];
    for (const [body, type] of [
      [lines.join('\n'), NDJSON],
      [`[${lines.join(',')}]`, 'application/json'],
    ] as const) {
      const r = decodeOrders(Buffer.from(body), type, config.limits, ctx);
      if (!r.ok) throw new Error('batch refused');
      expect(r.orders.map((o) => o.order_id)).toEqual(['o-1']);
      expect(r.rejected.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
        { line: 2, field: 'province', code: 'GMV_ERR_PROVINCE_COUNTRY' },
        { line: 3, field: 'province', code: 'GMV_ERR_PROVINCE_UNKNOWN' },
        { line: 4, field: 'province', code: 'GMV_ERR_PROVINCE_UNKNOWN' },
        { line: 5, field: 'city', code: 'GMV_ERR_CITY_FORMAT' },
        { line: 6, field: 'city', code: 'GMV_ERR_CITY_FORMAT' },
        { line: 7, field: 'city', code: 'GMV_ERR_CITY_FORMAT' },
        { line: 8, field: 'city', code: 'GMV_ERR_CITY_FORMAT' },
        { line: 9, field: 'province', code: 'GMV_ERR_PROVINCE_UNKNOWN' },
      ]);
    }
    expect(validateOrder({ ...base, country: 'JP', province: '11' }, ctx)).toMatchObject({
      ok: false,
      message: 'province is only allowed with country CN',
    });
  });

  it('takes a city of exactly 48 characters, counted as characters, not bytes', () => {
    expect(validateOrder({ ...base, city: '京'.repeat(48) }, ctx)).toMatchObject({ ok: true });
    expect(validateOrder({ ...base, city: 'a'.repeat(48) }, ctx)).toMatchObject({ ok: true });
  });
});
