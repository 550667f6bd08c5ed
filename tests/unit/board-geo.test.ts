import { describe, expect, it } from 'vitest';
import { ARC_BUDGET, LiveBoard, MAX_CITY_KEYS, OTHER_CITIES } from '../../server/domain/board.js';
import { MerchantDirectory } from '../../server/domain/merchants.js';
import { merchantHub } from '../../shared/geo.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { showOrder } from '../fixtures/orders.js';

const show = resolveShow(DEFAULT_SHOWS[0]!);

const directory = new MerchantDirectory([
  { id: 'm-hz', name: '西湖茶庄', province: '33', city: 'Hangzhou', lon: 120.155, lat: 30.274 },
  { id: 'm-noloc', name: 'Nowhere Goods', province: '', city: '', lon: null, lat: null },
]);

describe('LiveBoard: provinces and cities', () => {
  it("ranks sales by the buyer's province and city, and leaves out orders that carry none", () => {
    const board = new LiveBoard(show);
    board.apply(
      [
        showOrder(show, 1, 500, { province: '33', city: 'Hangzhou' }),
        showOrder(show, 1, 300, { province: '44', city: 'Shenzhen' }),
        showOrder(show, 2, 400, { province: '44', city: 'Guangzhou' }),
        showOrder(show, 2, 900, { country: 'US', city: 'Boston' }),
        showOrder(show, 3, 100),
        showOrder(show, 3, 9999, { type: 'refund', province: '11', city: 'Beijing' }),
      ],
      1,
    );
    const b = board.breakdowns();
    expect(b.province).toEqual([
      { key: '44', orders: 2, fen: 700 },
      { key: '33', orders: 1, fen: 500 },
    ]);
    expect(b.city.map((r) => [r.key, r.fen])).toEqual([
      ['Boston', 900],
      ['Hangzhou', 500],
      ['Guangzhou', 400],
      ['Shenzhen', 300],
    ]);
  });

  it(`counts at most ${MAX_CITY_KEYS} cities, the sales of any further city under "" (other cities)`, () => {
    const board = new LiveBoard(show);
    const orders = Array.from({ length: MAX_CITY_KEYS + 50 }, (_, i) => showOrder(show, 1, 10, { city: `c${i}` }));
    board.apply(orders, 1);
    // A city counted before the cap still counts under its own name.
    board.apply([showOrder(show, 2, 1_000_000, { city: 'c7' })], 2);
    const tallies = board.breakdownTallies('city');
    expect(tallies.size).toBe(MAX_CITY_KEYS + 1);
    expect(tallies.get(OTHER_CITIES)).toMatchObject({ orders: 50, fen: 500 });
    expect(tallies.get('c7')).toMatchObject({ orders: 2, fen: 1_000_010 });
    expect(board.breakdowns().city[0]).toEqual({ key: 'c7', orders: 2, fen: 1_000_010 });
    // Rolled-up rows are capped the same way.
    const rebuilt = new LiveBoard(show);
    rebuilt.load(
      [],
      Array.from({ length: MAX_CITY_KEYS + 3 }, (_, i) => ({
        dimension: 'city' as const,
        key: `r${i}`,
        orders: 1,
        fen: 5,
      })),
      null,
    );
    expect(rebuilt.breakdownTallies('city').size).toBe(MAX_CITY_KEYS + 1);
    expect(rebuilt.breakdownTallies('city').get(OTHER_CITIES)).toMatchObject({ orders: 3, fen: 15 });
  });
});

describe('LiveBoard: merchants from the reference data', () => {
  it('names the ranked merchants the reference data knows, and only those', () => {
    const board = new LiveBoard(show);
    board.merchants = directory;
    board.apply(
      [showOrder(show, 1, 500, { merchant_id: 'm-hz' }), showOrder(show, 1, 200, { merchant_id: 'm-unknown' })],
      1,
    );
    expect(board.breakdowns().merchant).toEqual([
      { key: 'm-hz', orders: 1, fen: 500, name: '西湖茶庄' },
      { key: 'm-unknown', orders: 1, fen: 200 },
    ]);
  });

  it("draws arcs with the buyer's province and the merchant's location in tenths of a degree, null where not known", () => {
    const board = new LiveBoard(show);
    board.merchants = directory;
    board.apply(
      [
        showOrder(show, 1, 500, { merchant_id: 'm-hz', province: '44', city: 'Shenzhen' }),
        showOrder(show, 1, 500, { merchant_id: 'm-noloc', province: '11' }),
        showOrder(show, 1, 500, { merchant_id: 'm-unknown', country: 'US' }),
        showOrder(show, 1, 500, { order_id: 'no-merchant' }),
      ],
      1,
    );
    const { arcs } = board.takeArcs();
    expect(arcs).toEqual([
      [merchantHub('m-hz'), 'CN', '44', 1202, 303],
      [merchantHub('m-noloc'), 'CN', '11', null, null],
      [merchantHub('m-unknown'), 'US', '', null, null],
      [merchantHub('no-merchant'), 'CN', '', null, null],
    ]);
  });

  it('looks a location up only for the orders drawn as arcs', () => {
    const board = new LiveBoard(show);
    let lookups = 0;
    const counting = Object.create(directory) as MerchantDirectory;
    counting.location = (id: string) => {
      lookups++;
      return directory.location(id);
    };
    board.merchants = counting;
    const orders = Array.from({ length: 20_000 }, () => showOrder(show, 1, 10, { merchant_id: 'm-hz' }));
    board.apply(orders, 1);
    // The reservoir keeps ARC_BUDGET arcs; replacements are rare once it is full (about budget × ln(n / budget)).
    expect(lookups).toBeGreaterThanOrEqual(ARC_BUDGET);
    expect(lookups).toBeLessThan(ARC_BUDGET * 10);
    expect(board.takeArcs().arcs.every((a) => a[3] === 1202 && a[4] === 303)).toBe(true);
  });
});
