import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  completeBefore,
  LiveBoard,
  RATE_MAX_WAIT_MS,
  RATE_SETTLE_MS,
  top,
  type DimensionRow,
  type RollupRow,
} from '../../server/domain/board.js';
import type { Channel, Order } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { showOrder } from '../fixtures/orders.js';

const show = resolveShow(DEFAULT_SHOWS[0]!);
const GRACE = show.graceSeconds;
const DAY = 86_400;

/** A CNY order in show-second `second` (half a second in, so floor and truncation agree). */
function order(second: number, fen: number, fields: Partial<Order> = {}): Order {
  return showOrder(show, second, fen, fields);
}

function times(n: number, make: () => Order): Order[] {
  return Array.from({ length: n }, make);
}

/** What the store's rollups hold for these orders: per (second, type), and sale-only dimensions. */
function rollup(orders: readonly Order[]): { seconds: RollupRow[]; dimensions: DimensionRow[] } {
  const seconds = new Map<string, RollupRow>();
  const dims = new Map<string, DimensionRow>();
  for (const o of orders) {
    const second = Math.floor((o.ts - show.startMs) / 1000);
    const row = seconds.get(`${second}|${o.type}`) ?? { second, type: o.type, orders: 0, fen: 0 };
    row.orders++;
    row.fen += o.gmv_fen;
    seconds.set(`${second}|${o.type}`, row);
    if (o.type !== 'sale') continue;
    const keys: [DimensionRow['dimension'], string][] = [
      ['channel', o.channel],
      ['country', o.country],
      ['category', o.category],
    ];
    if (o.merchant_id) keys.push(['merchant', o.merchant_id]);
    for (const [dimension, key] of keys) {
      const d = dims.get(`${dimension}|${key}`) ?? { dimension, key, orders: 0, fen: 0 };
      d.orders++;
      d.fen += o.gmv_fen;
      dims.set(`${dimension}|${key}`, d);
    }
  }
  return { seconds: [...seconds.values()].sort((a, b) => a.second - b.second), dimensions: [...dims.values()] };
}

describe('LiveBoard totals', () => {
  it('starts at zero with no series, rate or rankings', () => {
    const board = new LiveBoard(show);
    expect(board.gross()).toEqual({ fen: 0, orders: 0 });
    expect(board.net()).toEqual({ fen: 0, orders: 0 });
    expect(board.series()).toEqual([]);
    expect(board.takeChanged()).toEqual([]);
    expect(board.rate(show.startMs + 10_000)).toEqual({
      ordersPerSec: 0,
      fenPerSec: 0,
      peakOrdersPerSec: 0,
      peakSecond: null,
      peakFenPerSec: 0,
      peakFenSecond: null,
    });
    expect(board.breakdowns()).toEqual({
      channel: [],
      country: [],
      category: [],
      merchant: [],
      province: [],
      city: [],
    });
    expect(board.newestEventMs).toBeNull();
  });

  it('counts a refund against net only', () => {
    const board = new LiveBoard(show);
    board.apply([order(1, 10_000), order(2, 5_000), order(3, 3_000, { type: 'refund' })], 1);
    expect(board.gross()).toEqual({ fen: 15000, orders: 2 });
    expect(board.grossFen()).toBe(15_000);
    expect(board.net()).toEqual({ fen: 12000, orders: 1 });
  });

  it('lets net go below zero when refunds outweigh sales', () => {
    const board = new LiveBoard(show);
    board.apply([order(1, 100), order(9, 250, { type: 'refund' })], 1);
    expect(board.net()).toEqual({ fen: -150, orders: 0 });
  });

  it('keeps refunds out of the series and the rankings', () => {
    const board = new LiveBoard(show);
    board.apply([order(1, 100), order(2, 900, { type: 'refund', country: 'US', merchant_id: 'm1' })], 1);
    expect(board.series()).toEqual([[1, 1, 100]]);
    expect(board.breakdowns().country).toEqual([{ key: 'CN', orders: 1, fen: 100 }]);
    expect(board.breakdowns().merchant).toEqual([]);
  });

  it('tracks the newest event time (refunds included) whatever the arrival order', () => {
    const board = new LiveBoard(show);
    board.apply([order(50, 1), order(70, 1, { type: 'refund' }), order(10, 1)], 123);
    board.apply([order(60, 1)], 456);
    expect(board.newestEventMs).toBe(show.startMs + 70_500);
    expect(board.committedAtMs).toBe(456);
  });

  it('bumps the version for each non-empty batch only', () => {
    const board = new LiveBoard(show);
    const v0 = board.version;
    board.apply([], 1);
    expect(board.version).toBe(v0);
    expect(board.committedAtMs).toBeNull();
    board.apply([order(1, 1)], 2);
    board.apply([order(1, 1, { type: 'refund' })], 3);
    expect(board.version).toBe(v0 + 2);
  });
});

describe('LiveBoard series', () => {
  it('files each sale under the whole show-second it happened in, grace seconds included', () => {
    const board = new LiveBoard(show);
    board.apply(
      [
        order(0, 1, { ts: show.startMs }),
        order(0, 2, { ts: show.startMs + 999 }),
        order(0, 4, { ts: show.startMs - 1 }),
        order(0, 8, { ts: show.startMs - GRACE * 1000 }),
        order(0, 16, { ts: show.endMs + GRACE * 1000 - 1 }),
      ],
      1,
    );
    expect(board.series()).toEqual([
      [-GRACE, 1, 8],
      [-1, 1, 4],
      [0, 2, 3],
      [DAY + GRACE - 1, 1, 16],
    ]);
  });

  it('counts sales outside the window in the totals but not in the series', () => {
    const board = new LiveBoard(show);
    board.apply([order(0, 1, { ts: show.startMs - GRACE * 1000 - 1 }), order(DAY + GRACE, 2)], 1);
    expect(board.series()).toEqual([]);
    expect(board.gross()).toEqual({ fen: 3, orders: 2 });
  });

  it('hands out each changed second once, ascending, with its absolute values', () => {
    const board = new LiveBoard(show);
    board.apply([order(5, 100), order(2, 10), order(5, 200)], 1);
    expect(board.takeChanged()).toEqual([
      [2, 1, 10],
      [5, 2, 300],
    ]);
    expect(board.takeChanged()).toEqual([]);
    board.apply([order(5, 1000)], 2);
    expect(board.takeChanged()).toEqual([[5, 3, 1300]]);
    board.apply([order(3, 1000, { type: 'refund' })], 3);
    expect(board.takeChanged()).toEqual([]);
  });
});

describe('LiveBoard rate and peak', () => {
  it('averages the last five complete seconds and ignores the one in progress', () => {
    const board = new LiveBoard(show);
    board.apply(
      times(100, () => order(4, 7)),
      1,
    );
    [1, 2, 3, 4, 3].forEach((n, i) =>
      board.apply(
        times(n, () => order(5 + i, 1001)),
        1,
      ),
    );
    board.apply(
      times(50, () => order(10, 7)),
      1,
    );
    // Orders have arrived from second 12: up to 11 every second is complete, the clock decides.
    board.apply([order(12, 7)], 1);
    // 13 orders and 13,013 fen over seconds 5..9: 2.6/s and 2,602.6 fen/s.
    const expected = { ordersPerSec: 2.6, fenPerSec: 2603, peakOrdersPerSec: 100, peakSecond: 4 };
    expect(board.rate(show.startMs + 10_000)).toMatchObject(expected);
    expect(board.rate(show.startMs + 10_999)).toMatchObject(expected);
    expect(board.rate(show.startMs + 11_000).ordersPerSec).toBe(12.4); // 62 orders over 6..10
  });

  it('does not dip while ingest lags: it leaves out the seconds still arriving', () => {
    const board = new LiveBoard(show);
    for (let s = 0; s < 10; s++)
      board.apply(
        times(10, () => order(s, 100)),
        1,
      );
    // The newest order is of 9.5 s and the clock reads 12 s: seconds 9 to 11 are still arriving
    // (a window over 7..11 would read 6/s); 3..7 are complete.
    expect(board.rate(show.startMs + 12_000)).toMatchObject({ ordersPerSec: 10, fenPerSec: 1000 });
    // Nothing more comes: once the wait is over the clock alone completes seconds, and the rate falls.
    expect(board.rate(show.startMs + 9_500 + RATE_MAX_WAIT_MS + 1).ordersPerSec).toBe(10);
    expect(board.rate(show.startMs + 25_000)).toMatchObject({ ordersPerSec: 0, fenPerSec: 0 });
  });

  it('completeBefore: the clock, held back a settle time before the newest order, at most the wait', () => {
    const start = 1_000_000;
    expect(completeBefore(start + 5_000, start + 9_000, start)).toBe(5);
    expect(completeBefore(start + 5_000, start + 5_000, start)).toBe(5 - RATE_SETTLE_MS / 1000);
    expect(completeBefore(start + 5_000, null, start)).toBe(5);
    expect(completeBefore(start + 60_000, start + 1_000, start)).toBe(60 - RATE_MAX_WAIT_MS / 1000);
  });

  it('reads the grace seconds before the start and reports zero long after the end', () => {
    const board = new LiveBoard(show);
    board.apply(
      times(10, () => order(-2, 100)),
      1,
    );
    // Nothing arrives after second -2: the clock completes it once the wait is over.
    expect(board.rate(show.startMs + RATE_MAX_WAIT_MS)).toMatchObject({
      ordersPerSec: 2,
      fenPerSec: 200,
      peakSecond: -2,
    });
    expect(board.rate(show.endMs + 10 * GRACE * 1000)).toEqual({
      ordersPerSec: 0,
      fenPerSec: 0,
      peakOrdersPerSec: 10,
      peakSecond: -2,
      peakFenPerSec: 1000,
      peakFenSecond: -2,
    });
  });

  it('keeps the second with the most GMV beside the one with the most orders', () => {
    const board = new LiveBoard(show);
    board.apply([...times(5, () => order(3, 100)), order(6, 1000), order(6, 1000), order(8, 2000)], 1);
    expect(board.rate(show.startMs)).toMatchObject({
      peakOrdersPerSec: 5,
      peakSecond: 3,
      peakFenPerSec: 2000,
      peakFenSecond: 6,
    });
    board.apply([order(8, 1)], 2);
    expect(board.rate(show.startMs)).toMatchObject({ peakFenPerSec: 2001, peakFenSecond: 8 });
  });

  it('gives a tied peak to the earliest second, whatever the arrival order', () => {
    const late = new LiveBoard(show);
    late.apply([order(7, 1), order(7, 1), order(3, 1), order(3, 1)], 1);
    const early = new LiveBoard(show);
    early.apply([order(3, 1), order(3, 1), order(7, 1), order(7, 1)], 1);
    expect(late.rate(show.startMs).peakSecond).toBe(3);
    expect(early.rate(show.startMs).peakSecond).toBe(3);
    late.apply([order(7, 1)], 2);
    expect(late.rate(show.startMs)).toMatchObject({ peakOrdersPerSec: 3, peakSecond: 7 });
  });
});

describe('LiveBoard breakdowns', () => {
  it('ranks by GMV, breaks ties by key, and keeps the top 10 (top 3 channels)', () => {
    const board = new LiveBoard(show);
    const countries = ['US', 'JP', 'HK', 'TW', 'DE', 'FR', 'GB', 'KR', 'SG', 'MY', 'AU', 'CA'];
    const fens = [500, 900, 500, 100, 700, 500, 300, 800, 200, 600, 50, 400];
    board.apply(
      countries.map((country, i) => order(1, fens[i]!, { country, merchant_id: i % 2 ? 'm-odd' : '' })),
      1,
    );
    const { country, channel, merchant } = board.breakdowns();
    expect(country.map((r) => r.key)).toEqual(['JP', 'KR', 'DE', 'MY', 'FR', 'HK', 'US', 'CA', 'GB', 'SG']);
    expect(country[0]).toEqual({ key: 'JP', orders: 1, fen: 900 });
    expect(channel).toEqual([{ key: 'mobile', orders: 12, fen: 5550 }]);
    expect(merchant).toEqual([{ key: 'm-odd', orders: 6, fen: 3300 }]);
  });

  it('top() equals a full sort by GMV then key, cut to n', () => {
    const tallies = fc.dictionary(
      fc.stringMatching(/^[a-e]{1,2}$/),
      fc.record({ orders: fc.integer({ min: 1, max: 5 }), fen: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(tallies, fc.integer({ min: 1, max: 12 }), (dict, n) => {
        const map = new Map(Object.entries(dict));
        const expected = [...map]
          .sort(([ka, a], [kb, b]) => b.fen - a.fen || (ka < kb ? -1 : 1))
          .slice(0, n)
          .map(([key, t]) => ({ key, orders: t.orders, fen: t.fen }));
        expect(top(map, n)).toEqual(expected);
      }),
    );
  });
});

describe('LiveBoard.load', () => {
  const arbOrder = fc
    .record({
      second: fc.oneof(fc.integer({ min: -3, max: 6 }), fc.integer({ min: -GRACE - 5, max: DAY + GRACE + 5 })),
      ms: fc.integer({ min: 0, max: 999 }),
      fen: fc.integer({ min: 1, max: 1_000_000_000 }),
      refund: fc.boolean(),
      channel: fc.constantFrom<Channel>('mobile', 'pc', 'offline'),
      country: fc.constantFrom('CN', 'HK', 'US', 'JP'),
      category: fc.constantFrom('apparel', 'food', 'other'),
      merchant: fc.integer({ min: 0, max: 14 }),
    })
    .map((r) =>
      order(0, r.fen, {
        ts: show.startMs + r.second * 1000 + r.ms,
        type: r.refund ? 'refund' : 'sale',
        channel: r.channel,
        country: r.country,
        category: r.category,
        merchant_id: r.merchant === 0 ? '' : `m${r.merchant}`,
      }),
    );

  it('rebuilds from rollups the same board that applying the orders built', () => {
    fc.assert(
      fc.property(fc.array(arbOrder, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (orders, batch) => {
        const applied = new LiveBoard(show);
        for (let i = 0; i < orders.length; i += batch) applied.apply(orders.slice(i, i + batch), 1);
        const { seconds, dimensions } = rollup(orders);
        const loaded = new LiveBoard(show);
        loaded.load(seconds, dimensions, applied.newestEventMs);

        expect(loaded.gross()).toEqual(applied.gross());
        expect(loaded.net()).toEqual(applied.net());
        expect(loaded.series()).toEqual(applied.series());
        expect(loaded.breakdowns()).toEqual(applied.breakdowns());
        for (const s of [0, 4, 7, DAY])
          expect(loaded.rate(show.startMs + s * 1000)).toEqual(applied.rate(show.startMs + s * 1000));
        expect(loaded.newestEventMs).toBe(applied.newestEventMs);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves nothing to hand out as changed, and bumps the version', () => {
    const board = new LiveBoard(show);
    const { seconds, dimensions } = rollup([order(1, 100), order(2, 50, { type: 'refund' })]);
    const v0 = board.version;
    board.load(seconds, dimensions, show.startMs + 2_500);
    expect(board.takeChanged()).toEqual([]);
    expect(board.version).toBeGreaterThan(v0);
    expect(board.series()).toEqual([[1, 1, 100]]);
    expect(board.net()).toEqual({ fen: 50, orders: 0 });
  });
});

describe('the merchant ranking kept as sales arrive', () => {
  it('always equals a full scan of every merchant, batch after batch, across loads of rolled-up rows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.record({ m: fc.integer({ min: 0, max: 40 }), fen: fc.integer({ min: 1, max: 5_000 }) }), {
            maxLength: 60,
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 11 }),
        (batches, loadAt) => {
          const board = new LiveBoard(show);
          batches.forEach((batch, i) => {
            if (i === loadAt) {
              // Rolled-up rows (a replay, a rebuild) make the next read scan again.
              board.addRollups([], [{ dimension: 'merchant', key: 'm-rollup', orders: 3, fen: 7_000 }]);
            }
            board.apply(
              batch.map(({ m, fen }) => order(1, fen, { merchant_id: `m${m}` })),
              1,
            );
            expect(board.breakdowns().merchant).toEqual(top(board.breakdownTallies('merchant'), 10));
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
