import { describe, expect, it } from 'vitest';
import { compareFigures, FIGURES, type LiveFigures } from '../../server/live/reconcile.js';
import type { StoredFigures, StoredTally } from '../../server/store/board.js';

const tallies = (entries: Record<string, [number, number]>) =>
  new Map<string, StoredTally>(Object.entries(entries).map(([k, [orders, fen]]) => [k, { orders, fen }]));

/** A show's figures, live and stored alike: 10 sales of 100 fen over two channels, one refund. */
function figures(): { live: LiveFigures; stored: StoredFigures } {
  const totals = { saleOrders: 10, saleFen: 1000, refundOrders: 1, refundFen: 100 };
  const channel = { mobile: [6, 600], pc: [4, 400] } as Record<string, [number, number]>;
  const country = { CN: [10, 1000] } as Record<string, [number, number]>;
  const category = { apparel: [10, 1000] } as Record<string, [number, number]>;
  const merchant = { m1: [7, 700], m2: [3, 300] } as Record<string, [number, number]>;
  return {
    live: {
      totals: { ...totals },
      breakdowns: {
        channel: tallies(channel),
        country: tallies(country),
        category: tallies(category),
        merchant: tallies(merchant),
      },
    },
    stored: {
      totals: { ...totals },
      breakdowns: { channel: tallies(channel), country: tallies(country), category: tallies(category) },
      merchants: tallies(merchant),
    },
  };
}

/** The drift of the totals as it was checked before: gross plus net, orders and fen. */
function linearSum(live: LiveFigures, stored: StoredFigures): [number, number] {
  const l = live.totals;
  const s = stored.totals;
  return [
    l.saleOrders - s.saleOrders + (l.saleOrders - l.refundOrders - (s.saleOrders - s.refundOrders)),
    l.saleFen - s.saleFen + (l.saleFen - l.refundFen - (s.saleFen - s.refundFen)),
  ];
}

describe('compareFigures', () => {
  it('finds nothing when every figure is equal', () => {
    const { live, stored } = figures();
    const { drift, differences } = compareFigures(live, stored);
    expect(differences).toEqual([]);
    expect(Object.keys(drift).sort()).toEqual([...FIGURES].sort());
    expect(Object.values(drift).every((v) => v === 0)).toBe(true);
  });

  it('finds a sale counted under the wrong channel, which leaves every total equal', () => {
    const { live, stored } = figures();
    live.breakdowns.channel = tallies({ mobile: [5, 500], pc: [5, 500] });
    expect(linearSum(live, stored)).toEqual([0, 0]);
    const { drift, differences } = compareFigures(live, stored);
    expect(differences).toEqual([
      { figure: 'channel_orders', key: 'mobile', live: 5, stored: 6 },
      { figure: 'channel_fen', key: 'mobile', live: 500, stored: 600 },
      { figure: 'channel_orders', key: 'pc', live: 5, stored: 4 },
      { figure: 'channel_fen', key: 'pc', live: 500, stored: 400 },
    ]);
    expect(drift).toMatchObject({ gross_orders: 0, gross_fen: 0, channel_orders: 2, channel_fen: 200 });
  });

  it('finds totals whose differences cancel in gross plus net', () => {
    const { live, stored } = figures();
    // One sale too many and two refunds too many: 2 x 1 - 2 = 0 orders, 2 x 100 - 200 = 0 fen.
    live.totals = { saleOrders: 11, saleFen: 1100, refundOrders: 3, refundFen: 300 };
    expect(linearSum(live, stored)).toEqual([0, 0]);
    const { drift, differences } = compareFigures(live, stored);
    expect(differences.map((d) => d.figure)).toEqual(['gross_orders', 'gross_fen', 'refund_orders', 'refund_fen']);
    expect(drift).toMatchObject({ gross_orders: 1, gross_fen: 100, refund_orders: 2, refund_fen: 200 });
  });

  it('compares a key missing on one side with zero, on either side', () => {
    const { live, stored } = figures();
    live.breakdowns.country = tallies({ CN: [9, 900], US: [1, 100] });
    stored.merchants.set('m3', { orders: 1, fen: 5000 });
    const { drift, differences } = compareFigures(live, stored);
    expect(differences).toEqual([
      { figure: 'country_orders', key: 'CN', live: 9, stored: 10 },
      { figure: 'country_fen', key: 'CN', live: 900, stored: 1000 },
      { figure: 'country_orders', key: 'US', live: 1, stored: 0 },
      { figure: 'country_fen', key: 'US', live: 100, stored: 0 },
      { figure: 'merchant_orders', key: 'm3', live: 0, stored: 1 },
      { figure: 'merchant_fen', key: 'm3', live: 0, stored: 5000 },
    ]);
    expect(drift).toMatchObject({ country_orders: 2, country_fen: 200, merchant_orders: 1, merchant_fen: 5000 });
  });

  it('finds a difference in GMV alone, with the same order counts', () => {
    const { live, stored } = figures();
    live.breakdowns.merchant = tallies({ m1: [7, 701], m2: [3, 299] });
    const { differences } = compareFigures(live, stored);
    expect(differences).toEqual([
      { figure: 'merchant_fen', key: 'm1', live: 701, stored: 700 },
      { figure: 'merchant_fen', key: 'm2', live: 299, stored: 300 },
    ]);
  });
});
