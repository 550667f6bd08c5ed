import { describe, expect, it } from 'vitest';
import { explain, wallLedger } from '../../server/audit/explain.js';

const L = (so: number, sf: number, ro: number, rf: number) => ({
  sales: { orders: so, fen: sf },
  refunds: { orders: ro, fen: rf },
});

describe('explain(wall, truth, split)', () => {
  it('explains a difference made of late sales, a late refund and an early sale, to the fen', () => {
    // On air: 10 sales 1000.00, 1 refund 50.00, of which 1 sale (20.00) stamped after the instant.
    const wall = L(10, 100_000, 1, 5_000);
    // Now, up to the instant: 9 on-air sales + 3 late sales (30.01), 1 + 1 late refund (7.00).
    const truth = L(12, 100_000 - 2_000 + 3_001, 2, 5_700);
    const split = { late: L(3, 3_001, 1, 700), early: L(1, 2_000, 0, 0) };
    const e = explain(wall, truth, split);
    expect(e.difference).toEqual({ gross: { orders: 2, gmv: '10.01' }, net: { orders: 1, gmv: '3.01' } });
    expect(e.parts).toEqual([
      {
        part: 'late-sales',
        orders: 3,
        gmv: '30.01',
        gross: { orders: 3, gmv: '30.01' },
        net: { orders: 3, gmv: '30.01' },
      },
      {
        part: 'late-refunds',
        orders: 1,
        gmv: '7.00',
        gross: { orders: 0, gmv: '0.00' },
        net: { orders: -1, gmv: '-7.00' },
      },
      {
        part: 'early-sales',
        orders: 1,
        gmv: '20.00',
        gross: { orders: -1, gmv: '-20.00' },
        net: { orders: -1, gmv: '-20.00' },
      },
      {
        part: 'early-refunds',
        orders: 0,
        gmv: '0.00',
        gross: { orders: 0, gmv: '0.00' },
        net: { orders: 0, gmv: '0.00' },
      },
      {
        part: 'unexplained',
        orders: 0,
        gmv: '0.00',
        gross: { orders: 0, gmv: '0.00' },
        net: { orders: 0, gmv: '0.00' },
      },
    ]);
    expect(e.explained).toBe(true);
  });

  it('shows what the parts leave as unexplained, never hides it', () => {
    const wall = L(10, 100_000, 0, 0);
    // Two sales more in the truth than the split accounts for (rollups repaired, say).
    const truth = L(13, 103_500, 0, 0);
    const e = explain(wall, truth, { late: L(1, 1_000, 0, 0), early: L(0, 0, 0, 0) });
    expect(e.parts.at(-1)).toEqual({
      part: 'unexplained',
      orders: 2,
      gmv: '25.00',
      gross: { orders: 2, gmv: '25.00' },
      net: { orders: 2, gmv: '25.00' },
    });
    expect(e.explained).toBe(false);
  });

  it('without a watermark leaves the whole difference unexplained', () => {
    const e = explain(L(1, 100, 0, 0), L(2, 300, 1, 50), null);
    expect(e.parts).toEqual([
      {
        part: 'unexplained',
        orders: 1,
        gmv: '2.00',
        gross: { orders: 1, gmv: '2.00' },
        net: { orders: 0, gmv: '1.50' },
      },
    ]);
    expect(e.explained).toBe(false);
  });

  it('stays exact past 2^53 fen', () => {
    const big = 2n ** 60n;
    const wall = { sales: { orders: 1, fen: big }, refunds: { orders: 0, fen: 0 } };
    const truth = { sales: { orders: 2, fen: big + 1n }, refunds: { orders: 0, fen: 0 } };
    const e = explain(wall, truth, { late: L(1, 1, 0, 0), early: L(0, 0, 0, 0) });
    expect(e.difference.gross).toEqual({ orders: 1, gmv: '0.01' });
    expect(e.explained).toBe(true);
  });

  it('wallLedger reads the refunds between gross and net', () => {
    expect(wallLedger({ orders: 10, fen: 1000 }, { orders: 7, fen: -250 })).toEqual(L(10, 1000, 3, 1250n as never));
  });
});
