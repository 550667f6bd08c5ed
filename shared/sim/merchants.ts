import type { MerchantRecord } from '../merchants.js';
import { MERCHANTS } from './calibration.js';
import { SIM_PROVINCES, cityWeights } from './places.js';
import { cumulate, mulberry32, pick } from './random.js';

/** The simulator's merchants (`m1` … `m27000`, as its orders name them) that have no known location. */
const UNLOCATED = 0.05;
/** How far from its city's centre a merchant may be, in degrees. */
const SPREAD = 0.12;

const WORDS = [
  '兰亭',
  '云锦',
  '青禾',
  '明月',
  '锦绣',
  '天禧',
  '悦然',
  '一品',
  '华彩',
  '初心',
  '森林',
  '星河',
  '瑞祥',
  '优选',
];
const TRADES = ['服饰', '鞋包', '美妆', '数码', '电器', '家居', '食品', '母婴', '运动', '图书', '百货'];
const SUFFIXES = ['旗舰店', '专营店', '官方店', '工厂店'];

/**
 * The reference data of the simulator's merchants: a display name, the province and city of a
 * real place weighted like China's sellers (Zhejiang and Guangdong first), and a location near
 * that city; one in twenty has none (its arcs start at a hub, labelled as such). Deterministic.
 */
export function simMerchants(seed: number, count: number = MERCHANTS): MerchantRecord[] {
  const rand = mulberry32(seed >>> 0);
  const provinceCum = cumulate(SIM_PROVINCES.map((p) => p.sellers));
  const cityCum = SIM_PROVINCES.map((p) => cumulate(cityWeights(p)));
  const out: MerchantRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const p = pick(provinceCum, rand);
    const province = SIM_PROVINCES[p]!;
    const city = province.cities[pick(cityCum[p]!, rand)]!;
    const name =
      city.zh +
      WORDS[Math.floor(rand() * WORDS.length)]! +
      TRADES[Math.floor(rand() * TRADES.length)]! +
      SUFFIXES[Math.floor(rand() * SUFFIXES.length)]!;
    const located = rand() >= UNLOCATED;
    const lon = located ? round(city.lonLat[0] + (rand() * 2 - 1) * SPREAD) : null;
    const lat = located ? round(city.lonLat[1] + (rand() * 2 - 1) * SPREAD) : null;
    out.push({ id: `m${i}`, name, province: province.code, city: city.en, lon, lat });
  }
  return out;
}

function round(deg: number): number {
  return Math.round(deg * 1e4) / 1e4;
}

/** Merchants as the CSV MERCHANTS_FILE reads (header id,name,province,city,lon,lat; names quoted). */
export function merchantsCsv(merchants: readonly MerchantRecord[]): string {
  const q = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return (
    'id,name,province,city,lon,lat\n' +
    merchants.map((m) => `${m.id},${q(m.name)},${m.province},${q(m.city)},${m.lon ?? ''},${m.lat ?? ''}\n`).join('')
  );
}
