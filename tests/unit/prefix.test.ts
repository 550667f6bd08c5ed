import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DimensionRow } from '../../server/domain/board.js';
import { MinutePrefix } from '../../server/domain/prefix.js';

const FROM = Date.parse('2014-11-10T15:00:00Z');
const row = fc.record({
  minute: fc.integer({ min: -2, max: 12 }),
  dimension: fc.constantFrom<DimensionRow['dimension']>('channel', 'country', 'category'),
  key: fc.constantFrom('a', 'b', 'CN', 'US'),
  orders: fc.integer({ min: 1, max: 1000 }),
  fen: fc.integer({ min: 1, max: 10_000_000 }),
});

/** The same sums the slow way. */
function brute(rows: { minute: number; dimension: string; key: string; orders: number; fen: number }[], m: number) {
  const out = new Map<string, [number, number]>();
  for (const r of rows) {
    if (r.minute < 0 || r.minute >= Math.min(m, 10)) continue;
    const id = `${r.dimension}/${r.key}`;
    const t = out.get(id) ?? [0, 0];
    out.set(id, [t[0] + r.orders, t[1] + r.fen]);
  }
  return out;
}

describe('MinutePrefix(fromMs, minutes, rows)', () => {
  it('before(m) sums every key over the first m minutes, ignoring rows outside the span', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.integer({ min: -1, max: 12 }), (rows, m) => {
        const p = new MinutePrefix(
          FROM,
          10,
          rows.map((r) => ({ ...r, minuteMs: FROM + r.minute * 60_000 })),
        );
        const got = new Map(p.before(m).map((r) => [`${r.dimension}/${r.key}`, [r.orders, r.fen]]));
        expect(got).toEqual(brute(rows, m));
      }),
    );
  });
});
