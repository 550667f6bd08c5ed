import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalToFen } from '../../shared/money.js';
import type { FenRow } from '../../client/live/decode.js';
import { RANK_HOLD_MS, rankHoldMs, settleRanking, type Settled } from '../../client/charts/ranking/transform.js';

const row = (key: string, gmv: string): FenRow => ({ key, fen: decimalToFen(gmv), orders: 1 });
const keys = (rows: readonly FenRow[]) => rows.map((r) => r.key);
const HOLD = 2000;

/** Four rows for a top-3, with `d` at `dGmv`: the boundary is between c (3.00) and d. */
function tick(dGmv: string): FenRow[] {
  return [row('a', '9.00'), row('b', '5.00'), row('c', '3.00'), row('d', dGmv)];
}

describe('settleRanking(prev, rows, limit, nowMs, holdMs)', () => {
  it('shows the top `limit` at first, in rank order', () => {
    const s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'c']);
    expect(s.wakeAtMs).toBeNull();
  });

  it('keeps a beaten row for the hold time, then lets the better row in', () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    s = settleRanking(s.state, tick('4.00'), 3, 100, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'c']);
    expect(s.wakeAtMs).toBe(100 + HOLD);
    s = settleRanking(s.state, tick('4.00'), 3, 100 + HOLD - 1, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'c']);
    s = settleRanking(s.state, tick('4.00'), 3, 100 + HOLD, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'd']);
    expect(s.wakeAtMs).toBeNull();
  });

  it('restarts the hold when the beaten row wins its place back', () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    s = settleRanking(s.state, tick('4.00'), 3, 0, HOLD);
    s = settleRanking(s.state, tick('2.00'), 3, 1500, HOLD);
    expect(s.wakeAtMs).toBeNull();
    s = settleRanking(s.state, tick('4.00'), 3, 2500, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'c']);
    expect(s.wakeAtMs).toBe(2500 + HOLD);
  });

  it("moves rows within the list at once, and keeps a held row's figures current", () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    s = settleRanking(s.state, [row('a', '1.00'), row('b', '5.00'), row('c', '3.00'), row('d', '4.00')], 3, 10, HOLD);
    // a falls out of the top 3 and is held, drawn last among the shown with its new figure.
    expect(keys(s.rows)).toEqual(['b', 'c', 'a']);
    expect(s.rows[2]!.fen).toBe(decimalToFen('1.00'));
  });

  it('keeps a held row that left the server list with its last figures', () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    s = settleRanking(s.state, [row('a', '9.00'), row('b', '5.00'), row('d', '4.00')], 3, 10, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b', 'c']);
    expect(s.rows[2]!.fen).toBe(decimalToFen('3.00'));
  });

  it('with no hold, is the plain top `limit`', () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, 0);
    s = settleRanking(s.state, tick('4.00'), 3, 0, 0);
    expect(keys(s.rows)).toEqual(['a', 'b', 'd']);
  });

  it('drops the lowest at once when the limit shrinks', () => {
    let s = settleRanking(null, tick('1.00'), 3, 0, HOLD);
    s = settleRanking(s.state, tick('1.00'), 2, 0, HOLD);
    expect(keys(s.rows)).toEqual(['a', 'b']);
  });

  it('never shows a key twice nor more than `limit` rows, and a row beaten past the hold is gone', () => {
    const keysPool = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const tickArb = fc.record({
      gmv: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: keysPool.length, maxLength: keysPool.length }),
      present: fc.array(fc.boolean(), { minLength: keysPool.length, maxLength: keysPool.length }),
      gapMs: fc.integer({ min: 0, max: 3000 }),
    });
    fc.assert(
      fc.property(
        fc.array(tickArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (ticks, limit) => {
          let state: Settled | null = null;
          let now = 0;
          const beatenAt = new Map<string, number>();
          for (const t of ticks) {
            now += t.gapMs;
            const rows = keysPool.filter((_, i) => t.present[i]).map((k) => row(k, `${t.gmv[keysPool.indexOf(k)]}.00`));
            const s = settleRanking(state, rows, limit, now, HOLD);
            state = s.state;
            const shown = keys(s.rows);
            expect(new Set(shown).size).toBe(shown.length);
            expect(shown.length).toBeGreaterThanOrEqual(Math.min(limit, rows.length));
            expect(shown.length).toBeLessThanOrEqual(limit);
            const top = new Set(
              keys(
                [...rows]
                  .sort((x, y) => (x.fen === y.fen ? (x.key < y.key ? -1 : 1) : x.fen < y.fen ? 1 : -1))
                  .slice(0, limit),
              ),
            );
            for (const k of shown) {
              if (top.has(k)) beatenAt.delete(k);
              else {
                if (!beatenAt.has(k)) beatenAt.set(k, now);
                expect(now - beatenAt.get(k)!).toBeLessThan(HOLD);
              }
            }
            for (const k of [...beatenAt.keys()]) if (!shown.includes(k)) beatenAt.delete(k);
          }
        },
      ),
    );
  });
});

describe('rankHoldMs(search)', () => {
  it('reads ?rankhold= in seconds, and falls back to the default on anything else', () => {
    expect(rankHoldMs('')).toBe(RANK_HOLD_MS);
    expect(rankHoldMs('?rankhold=0')).toBe(0);
    expect(rankHoldMs('?rankhold=3.5')).toBe(3500);
    expect(rankHoldMs('?rankhold=-1')).toBe(RANK_HOLD_MS);
    expect(rankHoldMs('?rankhold=abc')).toBe(RANK_HOLD_MS);
    expect(rankHoldMs('?rankhold=')).toBe(RANK_HOLD_MS);
  });
});
