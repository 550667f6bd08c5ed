import { decimalToFen } from '../../shared/money.js';
import { describe, expect, it } from 'vitest';
import type { FenMilestone } from '../../client/live/decode.js';
import {
  advance,
  BANNER_MS,
  bannerText,
  enqueue,
  MAX_WAITING,
  newCrossings,
  NO_BANNERS,
  stripItems,
} from '../../client/app/milestones/transform.js';
import { amountWords, compactNumber, formatPacePct, timeOfDay } from '../../client/format/amount.js';

// 2015-11-11T00:00:00+08:00
const START = 1_447_171_200_000;
const show = { startMs: START, timeZone: 'Asia/Shanghai' };
const at = (h: number, m: number, s: number) => START + ((h * 60 + m) * 60 + s) * 1000;

function ms(amount: string, crossedAtMs: number | null, kind: FenMilestone['kind'] = 'threshold'): FenMilestone {
  return { fen: decimalToFen(amount), kind, crossedAtMs, predictedAtMs: null };
}

describe('amount wording', () => {
  it('says amounts the way the gala announces them', () => {
    expect(amountWords(100_000_000_00)).toBe('100 million');
    expect(amountWords(1_000_000_000_00)).toBe('1 billion');
    expect(amountWords(10_000_000_000_00)).toBe('10 billion');
    expect(amountWords(50_000_000_000_00)).toBe('50 billion');
    expect(amountWords(100_000_000_000_00)).toBe('100 billion');
    expect(amountWords(57_100_000_000_00)).toBe('57.1 billion');
    expect(amountWords(2_000_000_000_000_00)).toBe('2 trillion');
  });

  it('moves up a unit instead of saying "1000 million", and keeps small amounts as figures', () => {
    expect(amountWords(999_999_999_00, 1)).toBe('1 billion');
    expect(amountWords(1000_00)).toBe('1,000');
    expect(amountWords(5000_00)).toBe('5,000');
  });

  it('compactNumber keeps tiles short', () => {
    expect(compactNumber(980)).toBe('980');
    expect(compactNumber(12_345)).toBe('12.3K');
    expect(compactNumber(4_567_000)).toBe('4.57M');
    expect(compactNumber(91_200_000_000)).toBe('91.2B');
  });
});

describe('pace formatting', () => {
  it('shows the sign and one decimal, and a dash without a comparison', () => {
    expect(formatPacePct(12.34)).toBe('+12.3%');
    expect(formatPacePct(-4)).toBe('−4.0%');
    expect(formatPacePct(0.01)).toBe('±0.0%');
    expect(formatPacePct(null)).toBe('—');
  });

  it("timeOfDay uses the show's zone, not the machine's", () => {
    expect(timeOfDay(at(16, 31, 5), 'Asia/Shanghai')).toBe('16:31');
    expect(timeOfDay(at(16, 31, 5), 'Asia/Shanghai', true)).toBe('16:31:05');
    expect(timeOfDay(at(16, 31, 5), 'Not/AZone')).toBe('08:31');
  });
});

describe('milestone banners', () => {
  it('announce a threshold with the time since the start: "10 billion in 00:38:28"', () => {
    expect(bannerText(ms('10000000000.00', at(0, 38, 28)), show)).toBe('10 billion in 00:38:28');
    expect(bannerText(ms('100000000.00', at(0, 0, 55)), show)).toBe('100 million in 00:00:55');
  });

  it("announce last year's total with the show's wall-clock time", () => {
    expect(bannerText(ms('57100000000.00', at(16, 31, 0), 'last-year'), show)).toBe(
      "passed last year's total at 16:31",
    );
  });

  it('come for crossings not seen before, and from the first snapshot only for recent ones', () => {
    const list = [ms('1000.00', at(0, 0, 5)), ms('5000.00', at(1, 0, 0)), ms('9000.00', null)];
    const now = at(1, 0, 3);
    expect(newCrossings(list, now, new Set(), true).map((m) => m.fen)).toEqual([500_000]);
    expect(newCrossings(list, now, new Set(['threshold:1000.00']), false).map((m) => m.fen)).toEqual([500_000]);
    expect(newCrossings(list, now, new Set(['threshold:1000.00', 'threshold:5000.00']), false)).toEqual([]);
  });

  it('queue: one on air for BANNER_MS, then the next; a burst keeps only the newest few', () => {
    let q = enqueue(NO_BANNERS, [{ key: 'a', text: 'A' }], 0);
    expect(q.current?.text).toBe('A');
    q = enqueue(
      q,
      Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, text: `T${i}` })),
      10,
    );
    expect(q.waiting).toHaveLength(MAX_WAITING);
    expect(advance(q, BANNER_MS - 1)).toBe(q);
    q = advance(q, BANNER_MS);
    expect(q.current?.text).toBe('T3');
    expect(q.current?.untilMs).toBe(2 * BANNER_MS);
    q = advance(advance(advance(q, 3 * BANNER_MS), 4 * BANNER_MS), 5 * BANNER_MS);
    expect(q).toEqual(NO_BANNERS);
  });

  it('the strip lists every milestone with its time, and the next one with its prediction', () => {
    const next = { ...ms('10000000000.00', null), predictedAtMs: at(0, 41, 10) };
    const items = stripItems(
      [next, ms('1000000000.00', at(0, 3, 1)), ms('50000000000.00', null), ms('57100000000.00', null, 'last-year')],
      show,
    );
    expect(items.map((i) => [i.label, i.state, i.when])).toEqual([
      ['1 billion', 'crossed', '00:03:01'],
      ['10 billion', 'next', '≈ 00:41:10'],
      ['50 billion', 'ahead', ''],
      ['Last year ¥57.1B', 'ahead', ''],
    ]);
  });
});
