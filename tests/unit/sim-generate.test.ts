import { describe, expect, it } from 'vitest';
import { DayGenerator, chinaTime, type GeneratorOptions, type SimLine } from '../../shared/sim/generate.js';
import { DEFAULT_CATEGORIES, validateOrder, type Order } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';

const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };

/** The lines sent in each of the given seconds, asked for in increasing order. */
function run(opts: GeneratorOptions, seconds: Iterable<number>): Map<number, SimLine[]> & { gen: DayGenerator } {
  const gen = new DayGenerator(opts);
  const out = Object.assign(new Map<number, SimLine[]>(), { gen });
  for (const s of seconds) out.set(s, gen.second(s));
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function validate(line: string): Order {
  const r = validateOrder(JSON.parse(line), ctx);
  if (!r.ok) throw new Error(`${r.code} on ${r.field}: ${line}`);
  return r.order;
}

const base: GeneratorOptions = { year: 2015, scale: 0.001, seed: 42, refundShare: 0.05, lateShare: 0.05 };

describe('DayGenerator determinism', () => {
  const first = run(base, range(0, 300));

  it('gives the same lines, byte for byte, for the same options', () => {
    const again = run({ ...base }, range(0, 300));
    expect([...again.values()].flat()).toEqual([...first.values()].flat());
    expect([...first.values()].flat().length).toBeGreaterThan(1000);
  });

  it('gives different orders for a different seed, in the same numbers per second', () => {
    const other = run({ ...base, seed: 43 }, range(0, 300));
    const lines = (m: Map<number, SimLine[]>): string[] => [...m.values()].flat().map((l) => l.line);
    const shared = new Set(lines(first));
    expect(lines(other).filter((l) => shared.has(l))).toHaveLength(0);
    expect(other.gen.counts).toEqual(first.gen.counts);
  });

  it('generates a second on its own with the same fresh orders as in a full run', () => {
    const alone = new DayGenerator(base).second(250);
    const inRun = first.get(250)!;
    expect(alone.length).toBeGreaterThan(0);
    // In the full run, lines carried from earlier seconds come first.
    expect(inRun.slice(inRun.length - alone.length)).toEqual(alone);
  });

  it('refuses a year it has no calibration for', () => {
    expect(() => new DayGenerator({ ...base, year: 1999 })).toThrow(/no calibration for 1999/);
  });

  it('sends exactly `rate` fresh orders every second when a fixed rate is asked for', () => {
    const gen = new DayGenerator({ ...base, rate: 3, refundShare: 0, lateShare: 0 });
    expect(gen.counts.every((n) => n === 3)).toBe(true);
    expect(gen.second(0)).toHaveLength(3);
    expect(gen.second(40_000)).toHaveLength(3);
  });
});

describe('DayGenerator output', () => {
  it.each([2014, 2015])('writes %i lines that all pass validation, into the right show', (year) => {
    const seconds = [...range(0, 200), ...range(86_300, 86_400)];
    const sent = run({ year, scale: 0.001, seed: 7, refundShare: 0.05, lateShare: 0.05 }, seconds);
    let lines = 0;
    let late = 0;
    let refunds = 0;
    let usd = 0;
    for (const [s, list] of sent) {
      for (const l of list) {
        const o = validate(l.line);
        lines++;
        expect(o.show).toBe(String(year));
        expect(o.type).toBe(l.type);
        const eventSecond = Math.floor((o.ts - ctx.shows.find((x) => x.id === o.show)!.startMs) / 1000);
        // Never sent before it happened; late ones arrive 5 to 59 seconds after.
        expect(eventSecond).toBeLessThanOrEqual(s);
        expect(s - eventSecond).toBeLessThan(60);
        if (s - eventSecond >= 5) late++;
        if (o.type === 'refund') refunds++;
        if (o.currency === 'USD') usd++;
      }
    }
    expect(lines).toBeGreaterThan(2000);
    expect(late).toBeGreaterThan(0);
    expect(refunds).toBeGreaterThan(0);
    expect(usd).toBeGreaterThan(0);
  });

  it('sends a refund only after the sale it reverses', () => {
    const sent = run(base, range(0, 600));
    const saleAt = new Map<string, number>();
    let refunds = 0;
    for (const [s, list] of sent) {
      for (const l of list) {
        const o = validate(l.line);
        if (o.type === 'sale') saleAt.set(o.order_id, s);
        else {
          refunds++;
          expect(saleAt.get(o.order_id)).toBeLessThan(s);
        }
      }
    }
    expect(refunds).toBeGreaterThan(0);
  });

  it('matches the 2014 average order value and mobile share', () => {
    const cal = { gmvCny: 57.1e9, orders: 278e6, mobile: 0.426 };
    const sent = run({ year: 2014, scale: 0.001, seed: 3, refundShare: 0, lateShare: 0 }, range(0, 600));
    const sales = [...sent.values()].flat().map((l) => validate(l.line));
    expect(sales.length).toBeGreaterThan(10_000);
    const meanCny = sales.reduce((s, o) => s + o.gmv_fen, 0) / sales.length / 100;
    expect(meanCny / (cal.gmvCny / cal.orders)).toBeGreaterThan(0.9);
    expect(meanCny / (cal.gmvCny / cal.orders)).toBeLessThan(1.1);
    const mobile = sales.filter((o) => o.channel === 'mobile').length / sales.length;
    expect(Math.abs(mobile - cal.mobile)).toBeLessThan(0.03);
  });
});

describe('chinaTime', () => {
  it('writes an instant as China time with its +08:00 offset', () => {
    expect(chinaTime(1_447_171_200_000)).toBe('2015-11-11T00:00:00.000+08:00');
    expect(chinaTime(1_447_171_199_999)).toBe('2015-11-10T23:59:59.999+08:00');
  });
});
