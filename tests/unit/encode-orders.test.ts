import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, MAX_ORDER_FEN } from '../../shared/money.js';
import { CHANNELS, ORDER_TYPES, type Order } from '../../shared/order.js';
import { encodeOrders, epochSeconds } from '../../server/store/orders.js';

/** The row as ClickHouse must read it, built the plain way (the former string path). */
function reference(orders: readonly Order[]): string {
  return orders
    .map(
      (o) =>
        `${o.show}\t${o.order_id}\t${o.type}\t${epochSeconds(o.ts)}\t${formatFen(o.amount_fen)}\t${o.currency}\t` +
        `${formatFen(o.gmv_fen)}\t${o.country}\t${o.channel}\t${o.category}\t${o.merchant_id}\t` +
        `${o.province ?? ''}\t${o.city ?? ''}\n`,
    )
    .join('');
}

const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const order: fc.Arbitrary<Order> = fc.record({
  show: fc.constantFrom('2014', '2015', 'gala-2026'),
  order_id: id,
  type: fc.constantFrom(...ORDER_TYPES),
  // From 1970 to past 2100, every millisecond digit pattern.
  ts: fc.integer({ min: 0, max: 4_200_000_000_000 }),
  amount_fen: fc.integer({ min: 1, max: MAX_ORDER_FEN }),
  currency: fc.constantFrom('CNY', 'USD', 'EUR'),
  gmv_fen: fc.integer({ min: 0, max: 2 ** 40 }),
  country: fc.constantFrom('CN', 'US', 'HK'),
  channel: fc.constantFrom(...CHANNELS),
  category: fc.constantFrom('apparel', 'other'),
  merchant_id: fc.oneof(fc.constant(''), id),
  province: fc.constantFrom('', '33', '44'),
  city: fc.oneof(
    fc.constantFrom('', 'Hangzhou', "Xi'an", '杭州', '乌鲁木齐', 'Zürich'),
    fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}$/),
  ),
});

describe('encodeOrders(orders)', () => {
  it('writes the same TabSeparated bytes as the row template, for any valid orders', () => {
    fc.assert(
      fc.property(fc.array(order, { maxLength: 40 }), (orders) => {
        expect(encodeOrders(orders).toString('utf8')).toBe(reference(orders));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes small amounts and times with their leading zeros', () => {
    const o: Order = {
      show: '2015',
      order_id: 'a',
      type: 'sale',
      ts: 1_447_171_200_007,
      amount_fen: 5,
      currency: 'CNY',
      gmv_fen: 0,
      country: 'CN',
      channel: 'pc',
      category: 'other',
      merchant_id: '',
    };
    expect(encodeOrders([o]).toString('latin1')).toBe(
      '2015\ta\tsale\t1447171200.007\t0.05\tCNY\t0.00\tCN\tpc\tother\t\t\t\n',
    );
  });

  it('writes nothing for no orders', () => {
    expect(encodeOrders([]).length).toBe(0);
  });
});
