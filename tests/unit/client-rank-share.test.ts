import { decimalToFen } from '../../shared/money.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FenRow } from '../../client/live/decode.js';
import { channelShares, largestRemainder } from '../../client/charts/channels/transform.js';
import { clip, rankRows, sameRanking } from '../../client/charts/ranking/transform.js';
import { categoryName, channelName, countryName } from '../../client/format/names.js';

const row = (key: string, gmv: string, orders = 1): FenRow => ({ key, fen: decimalToFen(gmv), orders });

describe('rankRows(rows, nameOf, limit)', () => {
  it('ranks by GMV, largest first, with names and bar lengths relative to the leader', () => {
    const out = rankRows([row('US', '50.00'), row('CN', '200.00'), row('HK', '100.00')], countryName, 10);
    expect(out.map((r) => [r.rank, r.key, r.name, r.bar])).toEqual([
      [1, 'CN', 'China', 1],
      [2, 'HK', 'Hong Kong', 0.5],
      [3, 'US', 'United States', 0.25],
    ]);
    expect(out[0]!.valueText).toBe('¥200');
  });

  it('breaks ties by key, so the order is stable whatever order rows arrive in', () => {
    const rows = [row('b', '10.00'), row('a', '10.00'), row('c', '10.00'), row('z', '11.00')];
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length }), (shuffled) => {
        expect(rankRows(shuffled, (k) => k, 10).map((r) => r.key)).toEqual(['z', 'a', 'b', 'c']);
      }),
    );
  });

  it('keeps the top `limit`', () => {
    const out = rankRows([row('a', '3.00'), row('b', '2.00'), row('c', '1.00')], (k) => k, 2);
    expect(out.map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('sameRanking sees a heartbeat (same figures) as no change', () => {
    const a = rankRows([row('a', '3.00')], (k) => k, 5);
    expect(
      sameRanking(
        a,
        rankRows([row('a', '3.00')], (k) => k, 5),
      ),
    ).toBe(true);
    expect(
      sameRanking(
        a,
        rankRows([row('a', '3.01')], (k) => k, 5),
      ),
    ).toBe(false);
  });

  it('clip shortens long data text with an ellipsis', () => {
    expect(clip('merchant-with-a-very-long-id', 10)).toBe('merchant-…');
    expect(clip('short', 10)).toBe('short');
  });
});

describe('names', () => {
  it('falls back to the key for anything the runtime cannot name', () => {
    expect(countryName('US')).toBe('United States');
    expect(countryName('XX')).toBe('XX');
    expect(countryName('<b>')).toBe('<b>');
    expect(categoryName('shoes-bags')).toBe('Shoes & bags');
    expect(categoryName('gift_cards')).toBe('Gift cards');
    expect(channelName('offline')).toBe('Offline (O2O)');
    expect(channelName('tv')).toBe('tv');
  });
});

describe('channelShares(rows)', () => {
  it('keeps mobile, pc, offline in a fixed order with shares of GMV', () => {
    const out = channelShares([row('offline', '3.00'), row('mobile', '68.00'), row('pc', '29.00')]);
    expect(out.map((s) => [s.key, s.pctText])).toEqual([
      ['mobile', '68.0%'],
      ['pc', '29.0%'],
      ['offline', '3.0%'],
    ]);
    expect(out[1]!.start).toBeCloseTo(0.68, 10);
  });

  it('shares always add up to exactly 100.0%', () => {
    const amount = fc
      .integer({ min: 0, max: 10_000_000_000 })
      .map((f) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`);
    fc.assert(
      fc.property(amount, amount, amount, (m, p, o) => {
        const out = channelShares([row('mobile', m), row('pc', p), row('offline', o)]);
        const sum = out.reduce((s, c) => s + c.permille, 0);
        if (out.every((c) => c.gmvFen === 0)) expect(sum).toBe(0);
        else expect(sum).toBe(1000);
        const widths = out.reduce((s, c) => s + c.width, 0);
        if (sum > 0) expect(widths).toBeCloseTo(1, 9);
      }),
    );
  });

  it('shows a dash for every channel before the first order', () => {
    expect(channelShares([]).map((s) => s.pctText)).toEqual(['—', '—', '—']);
  });

  it('largestRemainder gives the leftover tenths to the largest remainders', () => {
    expect(largestRemainder([1, 1, 1], 3, 1000)).toEqual([334, 333, 333]);
  });
});
