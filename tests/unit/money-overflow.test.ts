import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveBoard, RATE_MAX_WAIT_MS, top, type DimensionRow, type RollupRow } from '../../server/domain/board.js';
import { LastYearCurve } from '../../server/domain/comparison.js';
import { Milestones } from '../../server/domain/milestones.js';
import {
  addFen,
  decimalToFen,
  decimalToFenExact,
  exactFen,
  formatFen,
  MAX_ORDER_FEN,
  nearestFen,
  type SplitFen,
} from '../../shared/money.js';
import { DEFAULT_CATEGORIES, validateOrder, type Order } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';

// Issue #12: totals past 2^53 fen. Every expectation is computed in BigInt, written out by
// `decimal` below (not by formatFen), independently of the code under test.
const show = resolveShow(DEFAULT_SHOWS[0]!);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Exact fen as the API writes it: "123.45", "-0.05". */
function decimal(fen: bigint): string {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The largest order the validator accepts: 10,000,000.00 in the show's dearest currency. */
function maxOrder(fields: Record<string, unknown> = {}): Order {
  const dearest = [...show.ratesMicro].sort((a, b) => b[1] - a[1])[0]![0];
  const raw = {
    order_id: 'max-1',
    ts: '2015-11-11T00:00:07.500+08:00',
    amount: (MAX_ORDER_FEN / 100).toFixed(2),
    currency: dearest,
    country: 'GB',
    channel: 'mobile',
    category: 'electronics',
    merchant_id: 'm-max',
    ...fields,
  };
  const check = validateOrder(raw, { shows: [show], categories: new Set(DEFAULT_CATEGORIES) });
  if (!check.ok) throw new Error(check.message);
  return check.order;
}

const MAX = maxOrder();
const MAX_FEN = BigInt(MAX.gmv_fen);
/** Enough of the largest orders to pass 2^53 fen, and then some. */
const PAST = Number((1n << 53n) / MAX_FEN) + 1_000;

describe('formatFen and decimalToFenExact past 2^53 fen', () => {
  it.each([
    [1n << 53n, '90071992547409.92'],
    [(1n << 53n) + 1n, '90071992547409.93'],
    [10n ** 22n + 7n, '100000000000000000000.07'],
    [-(10n ** 20n) - 5n, '-1000000000000000000.05'],
    [5n, '0.05'],
    [-5n, '-0.05'],
    [0n, '0.00'],
  ])('formats the bigint %s exactly', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
    expect(formatFen(fen)).toBe(decimal(fen));
  });

  it('formats any bigint, and a double past 2^53 at its exact value, never in exponent form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (fen) => {
        expect(formatFen(fen)).toBe(decimal(fen));
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 2 ** 53, max: 1e30, noNaN: true }), (x) => {
        const fen = Math.round(x);
        expect(formatFen(fen)).toBe(decimal(BigInt(fen)));
        expect(formatFen(-fen)).toBe(decimal(-BigInt(fen)));
      }),
    );
  });

  it('reads any size back exactly: a number while safe, a bigint beyond; decimalToFen still refuses past 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (fen) => {
        const back = decimalToFenExact(decimal(fen));
        expect(BigInt(back)).toBe(fen);
        expect(typeof back).toBe(fen >= -SAFE && fen <= SAFE ? 'number' : 'bigint');
      }),
    );
    expect(decimalToFenExact('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
    expect(decimalToFenExact('90071992547409.92')).toBe(1n << 53n);
    expect(() => decimalToFen('90071992547409.92')).toThrow();
  });
});

describe('SplitFen', () => {
  it('sums numbers, doubles past 2^53 and bigints of either sign exactly', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: MAX.gmv_fen }),
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
      fc.double({ min: 2 ** 53, max: 1e24, noNaN: true }).map((x) => Math.round(x)),
    );
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 40 }), (amounts) => {
        const s: SplitFen = { hi: 0, fen: 0 };
        let want = 0n;
        for (const a of amounts) {
          addFen(s, a);
          want += BigInt(a);
        }
        expect(BigInt(exactFen(s))).toBe(want);
        expect(nearestFen(s)).toBe(Number(want));
        expect(s.fen >= 0 && s.fen < 2 ** 52).toBe(true);
      }),
    );
  });
});

describe('LiveBoard past 2^53 fen', () => {
  it('keeps gross, net and every breakdown exact under the largest orders, all in one second and one merchant', () => {
    const board = new LiveBoard(show);
    const small = maxOrder({
      order_id: 'small',
      ts: '2015-11-11T00:00:08.500+08:00',
      amount: '0.01',
      currency: 'CNY',
      merchant_id: 'm-small',
    });
    const refund = maxOrder({ order_id: 'refund-1', type: 'refund' });
    // Applied in batches as commits arrive; the same validated order stands for each of them.
    for (let left = PAST; left > 0; left -= 10_000) board.apply(new Array<Order>(Math.min(left, 10_000)).fill(MAX), 1);
    board.apply([small, refund, refund], 2);

    const gross = BigInt(PAST) * MAX_FEN + 1n;
    expect(gross).toBeGreaterThan(1n << 53n);
    expect(board.gross()).toEqual({ fen: gross, orders: PAST + 1 });
    expect(board.net()).toEqual({ fen: gross - 2n * MAX_FEN, orders: PAST - 1 });
    expect(board.grossFen()).toBe(Number(gross));
    expect(board.refundFen()).toBe(2 * MAX.gmv_fen);

    const b = board.breakdowns();
    expect(b.channel).toEqual([{ key: 'mobile', orders: PAST + 1, fen: gross }]);
    expect(b.country).toEqual([{ key: 'GB', orders: PAST + 1, fen: gross }]);
    expect(b.category).toEqual([{ key: 'electronics', orders: PAST + 1, fen: gross }]);
    expect(b.merchant).toEqual([
      { key: 'm-max', orders: PAST, fen: BigInt(PAST) * MAX_FEN },
      { key: 'm-small', orders: 1, fen: 1 },
    ]);

    // The one second's figure is a double (the series and the rate are): past 2^53 fen within
    // rounding of its exact sum, never an error.
    const second = Math.floor((MAX.ts - show.startMs) / 1000);
    const [first, next] = board.series();
    const [at, orders, fen] = first!;
    expect([at, orders, next]).toEqual([second, PAST, [second + 1, 1, 1]]);
    expect(Math.abs(fen - Number(BigInt(PAST) * MAX_FEN))).toBeLessThanOrEqual(fen * 2 ** -40);
    // Nothing arrives after it: the second counts as complete once the clock has waited for it.
    const rate = board.rate(MAX.ts + 1000 + RATE_MAX_WAIT_MS);
    expect(rate.peakOrdersPerSec).toBe(PAST);
    expect(rate.fenPerSec).toBeGreaterThan(2 ** 53 / 5);
  });

  it('ranks merchants past 2^53 fen by their exact sums, one fen apart', () => {
    const board = new LiveBoard(show);
    const a = { ...MAX, merchant_id: 'a' };
    const b = { ...MAX, merchant_id: 'b' };
    const cent = maxOrder({ order_id: 'cent', amount: '0.01', currency: 'CNY', merchant_id: 'b' });
    for (let left = PAST; left > 0; left -= 10_000) {
      const n = Math.min(left, 10_000);
      board.apply([...new Array<Order>(n).fill(a), ...new Array<Order>(n).fill(b)], 1);
    }
    board.apply([cent], 2);
    const sum = BigInt(PAST) * MAX_FEN;
    // As doubles the two sums are the same number: only the exact sums tell them apart.
    expect(Number(sum)).toBe(Number(sum + 1n));
    expect(board.breakdowns().merchant).toEqual([
      { key: 'b', orders: PAST + 1, fen: sum + 1n },
      { key: 'a', orders: PAST, fen: sum },
    ]);
    // A tally without the high part (as a plain map gives it) ranks as before.
    expect(top(new Map([['x', { orders: 1, fen: 5 }]]), 3)).toEqual([{ key: 'x', orders: 1, fen: 5 }]);
  });

  it('rebuilds the same exact state from rolled-up rows whose sums passed 2^53 fen', () => {
    const sum = BigInt(PAST) * MAX_FEN;
    const big = { fen: Number(sum), bigFen: sum };
    const seconds: RollupRow[] = [
      { second: 7, type: 'sale', orders: PAST, ...big },
      { second: 8, type: 'sale', orders: 1, fen: 1 },
      { second: 9, type: 'refund', orders: 1, fen: MAX.gmv_fen },
    ];
    const dimensions: DimensionRow[] = [
      { dimension: 'channel', key: 'mobile', orders: PAST, ...big },
      { dimension: 'channel', key: 'mobile', orders: 1, fen: 1 },
      { dimension: 'merchant', key: 'm-max', orders: PAST, ...big },
    ];
    const board = new LiveBoard(show);
    board.load(seconds, dimensions, MAX.ts);
    expect(board.gross()).toEqual({ fen: sum + 1n, orders: PAST + 1 });
    expect(board.net()).toEqual({ fen: sum + 1n - MAX_FEN, orders: PAST });
    expect(board.breakdowns().channel).toEqual([{ key: 'mobile', orders: PAST + 1, fen: sum + 1n }]);
    expect(board.breakdowns().merchant).toEqual([{ key: 'm-max', orders: PAST, fen: sum }]);
    board.setBreakdown('merchant', [{ dimension: 'merchant', key: 'm-max', orders: PAST, ...big }]);
    expect(board.breakdowns().merchant).toEqual([{ key: 'm-max', orders: PAST, fen: sum }]);
  });
});

describe('last year and milestones past 2^53 fen', () => {
  it("keeps last year's total and its figure so far exact", () => {
    const perSecond = 2 ** 50; // 11 trillion CNY a second: 9 seconds pass 2^53.
    const curve = new LastYearCurve(new Array<number>(20).fill(perSecond));
    expect(formatFen(curve.total)).toBe(decimal(20n * 2n ** 50n));
    expect(curve.totalFen).toBe(20 * perSecond);
    const pace = curve.pace(9, 20 * perSecond);
    expect(pace.lastYearSoFarFen).toBe(10n * 2n ** 50n);
    expect(pace.vsLastYearPct).toBe(100);
    expect(pace.projectedFen).toBe(40 * 2 ** 50);
    expect(curve.minutes()).toEqual([20 * perSecond]);
  });

  it('leaves out a milestone past 2^53 fen (last year, or configured) rather than throw or track it inexactly', () => {
    const m = new Milestones(['100.00', '90071992547409.92'], 2 ** 60);
    expect(m.state(0, 0, 0).map((x) => x.fen)).toEqual([10_000]);
    // A safe threshold against a gross past 2^53, as the nearest double: reached.
    expect(m.pending(2 ** 60).map((p) => p.fen)).toEqual([10_000]);
    const safe = new Milestones([], Number.MAX_SAFE_INTEGER);
    expect(safe.state(0, 0, 0)).toEqual([
      { fen: Number.MAX_SAFE_INTEGER, kind: 'last-year', crossedAtMs: null, predictedAtMs: null },
    ]);
  });
});
