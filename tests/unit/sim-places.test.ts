import { describe, expect, it } from 'vitest';
import { parseMerchants } from '../../shared/merchants.js';
import { DEFAULT_CATEGORIES, validateOrder, type Order } from '../../shared/order.js';
import { PROVINCE_CODES } from '../../shared/provinces.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { MERCHANTS } from '../../shared/sim/calibration.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { merchantsCsv, simMerchants } from '../../shared/sim/merchants.js';
import { SIM_PROVINCES } from '../../shared/sim/places.js';

const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };

function sales(seed: number, seconds: number): Order[] {
  const gen = new DayGenerator({ year: 2015, scale: 0.001, seed, refundShare: 0, lateShare: 0 });
  const out: Order[] = [];
  for (let s = 0; s < seconds; s++) {
    for (const l of gen.second(s)) {
      const r = validateOrder(JSON.parse(l.line), ctx);
      if (!r.ok) throw new Error(`${r.code}: ${l.line}`);
      out.push(r.order);
    }
  }
  return out;
}

describe("the simulator's buyers' places", () => {
  it('covers every mainland province once, with shares that add up to one', () => {
    expect(SIM_PROVINCES.map((p) => p.code).sort()).toEqual([...PROVINCE_CODES].sort());
    expect(SIM_PROVINCES.reduce((s, p) => s + p.buyers, 0)).toBeCloseTo(1, 2);
    expect(SIM_PROVINCES.reduce((s, p) => s + p.sellers, 0)).toBeCloseTo(1, 2);
  });

  it('gives most orders from China a province and a city, led by Guangdong, Zhejiang and Jiangsu, and none to others', () => {
    const orders = sales(7, 400);
    expect(orders.length).toBeGreaterThan(20_000);
    const cn = orders.filter((o) => o.country === 'CN');
    expect(orders.filter((o) => o.country !== 'CN').every((o) => o.province === '' && o.city === '')).toBe(true);
    const withProvince = cn.filter((o) => o.province !== '');
    expect(withProvince.length / cn.length).toBeGreaterThan(0.95);
    expect(withProvince.filter((o) => o.city !== '').length / withProvince.length).toBeGreaterThan(0.8);
    const byProvince = new Map<string, number>();
    for (const o of withProvince) byProvince.set(o.province!, (byProvince.get(o.province!) ?? 0) + 1);
    const ranked = [...byProvince].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(ranked.slice(0, 3)).toEqual(['44', '33', '32']);
    expect(ranked.slice(0, 6).sort()).toEqual(['11', '31', '32', '33', '37', '44']);
    // A city is one of its province's.
    for (const o of withProvince.slice(0, 2000)) {
      if (o.city === '') continue;
      expect(SIM_PROVINCES.find((p) => p.code === o.province)!.cities.map((c) => c.en)).toContain(o.city);
    }
  });
});

describe("the simulator's merchants", () => {
  it('names every merchant its orders use, near a real city of its province, the same for the same seed', () => {
    const merchants = simMerchants(1111);
    expect(merchants).toHaveLength(MERCHANTS);
    expect(merchants[0]!.id).toBe('m1');
    expect(merchants.at(-1)!.id).toBe(`m${MERCHANTS}`);
    expect(simMerchants(1111)).toEqual(merchants);
    const located = merchants.filter((m) => m.lon !== null);
    expect(located.length / merchants.length).toBeGreaterThan(0.9);
    expect(located.length).toBeLessThan(merchants.length);
    for (const m of located.slice(0, 500)) {
      const city = SIM_PROVINCES.find((p) => p.code === m.province)!.cities.find((c) => c.en === m.city)!;
      expect(Math.abs(m.lon! - city.lonLat[0])).toBeLessThanOrEqual(0.12);
      expect(Math.abs(m.lat! - city.lonLat[1])).toBeLessThanOrEqual(0.12);
      expect(m.name.startsWith(city.zh)).toBe(true);
    }
  });

  it('writes a CSV that MERCHANTS_FILE reads back as the same merchants', () => {
    const merchants = simMerchants(5, 2000);
    expect(parseMerchants(merchantsCsv(merchants))).toEqual({ ok: true, merchants });
  });
});
