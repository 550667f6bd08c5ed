import { COUNTRY_CODES } from '../countries.js';
import { DEFAULT_SHOWS } from '../show.js';
import { parseTimestamp } from '../time.js';
import { CATEGORY_MIX, COUNTRIES_AND_REGIONS, MERCHANTS, TOP_COUNTRIES, YEARS, type Year } from './calibration.js';
import { DAY_SECONDS, countsPerSecond, dayCurve } from './day.js';
import { SIM_PROVINCES, cityWeights } from './places.js';
import { cumulate, mixSeed, mulberry32, normal, pick } from './random.js';

export interface GeneratorOptions {
  year: number;
  /** Fraction of the day's orders (1 = the real day). */
  scale: number;
  seed: number;
  /** Fixed orders per show-second instead of the day curve. */
  rate?: number;
  refundShare?: number;
  lateShare?: number;
}

/** The fields of one simulated order, exactly as a client would send them. */
export interface SimFields {
  order_id: string;
  ts: string;
  amount: string;
  currency: string;
  country: string;
  channel: string;
  category: string;
  merchant_id: string;
  /** The buyer's province (GB/T 2260 code), for most orders from China. */
  province?: string;
  /** The buyer's city, for most orders that carry a province. */
  city?: string;
  type?: 'refund';
}

/** One simulated order: its fields and its NDJSON line. */
export interface SimLine {
  line: string;
  fields: SimFields;
  type: 'sale' | 'refund';
}

const SIGMA = 0.8;
/** Orders from China that carry the buyer's province, and of those the ones that also carry a city. */
const WITH_PROVINCE = 0.97;
const WITH_CITY = 0.85;
/** Mixed into the seed of the buyers' places: their own stream, so every other field stays as it was. */
const PLACES_SEED = 0x9e0;

/**
 * A deterministic 11.11 day: the same options give the same lines, byte for
 * byte. Seconds must be asked for in increasing order (late events and refunds
 * are carried forward to the second they are sent in).
 */
export class DayGenerator {
  readonly calibration: Year;
  readonly startMs: number;
  readonly counts: Uint32Array;
  private readonly usdRate: number;
  private readonly mu: number[];
  private readonly catCum: Float64Array;
  private readonly countryCodes: string[];
  private readonly countryCum: Float64Array;
  private readonly merchantCum: Float64Array;
  private readonly carried = new Map<number, SimLine[]>();
  private readonly provinceCum = cumulate(SIM_PROVINCES.map((p) => p.buyers));
  private readonly cityCum = SIM_PROVINCES.map((p) => cumulate(cityWeights(p)));

  constructor(private readonly opts: GeneratorOptions) {
    const cal = YEARS[opts.year];
    if (!cal) throw new Error(`no calibration for ${opts.year}; known: ${Object.keys(YEARS).join(', ')}`);
    this.calibration = cal;
    const show = DEFAULT_SHOWS.find((s) => s.start.startsWith(String(opts.year)));
    const start = parseTimestamp(show?.start ?? `${opts.year}-11-11T00:00:00+08:00`);
    if (!start.ok) throw new Error('bad show start');
    this.startMs = start.ms;
    this.usdRate = Number(show?.rates.USD ?? '6.2');

    const curve =
      opts.rate !== undefined
        ? new Float64Array(DAY_SECONDS).fill(opts.rate)
        : dayCurve(cal.orders, cal.peakToAverage, cal.rush);
    this.counts = countsPerSecond(curve, opts.rate !== undefined ? 1 : opts.scale);

    // Scale category means so the day's average order value matches the year.
    const mixMean = CATEGORY_MIX.reduce((s, c) => s + c.share * c.meanCny, 0);
    const k = cal.gmvCny / cal.orders / mixMean;
    this.mu = CATEGORY_MIX.map((c) => Math.log(c.meanCny * k) - (SIGMA * SIGMA) / 2);
    this.catCum = cumulate(CATEGORY_MIX.map((c) => c.share));

    const top = new Set(TOP_COUNTRIES.map(([c]) => c));
    const tail = [...COUNTRY_CODES].filter((c) => !top.has(c)).slice(0, COUNTRIES_AND_REGIONS - top.size);
    const topShare = TOP_COUNTRIES.reduce((s, [, w]) => s + w, 0);
    this.countryCodes = [...TOP_COUNTRIES.map(([c]) => c), ...tail];
    this.countryCum = cumulate([...TOP_COUNTRIES.map(([, w]) => w), ...tail.map(() => (1 - topShare) / tail.length)]);
    this.merchantCum = cumulate(Array.from({ length: MERCHANTS }, (_, i) => 1 / Math.pow(i + 1, 1.07)));
  }

  /** The lines sent during show-second `s` (0 = midnight), in send order. */
  second(s: number): SimLine[] {
    const rand = mulberry32(mixSeed(this.opts.seed, s));
    const places = mulberry32(mixSeed(this.opts.seed ^ PLACES_SEED, s));
    const out: SimLine[] = this.carried.get(s) ?? [];
    this.carried.delete(s);
    const n = this.counts[s] ?? 0;
    const refundShare = this.opts.refundShare ?? 0.01;
    const lateShare = this.opts.lateShare ?? 0.005;
    const fresh: { ms: number; line: SimLine }[] = [];
    for (let i = 0; i < n; i++) {
      const ms = this.startMs + s * 1000 + Math.floor(rand() * 1000);
      const id = `${this.opts.year}-${s.toString(36)}-${i.toString(36)}`;
      const cat = pick(this.catCum, rand);
      const cny = Math.min(1e7, Math.max(0.01, Math.exp(this.mu[cat]! + SIGMA * normal(rand))));
      const country = this.countryCodes[pick(this.countryCum, rand)]!;
      const foreignUsd = country !== 'CN' && rand() < 0.5;
      const amount = foreignUsd ? Math.max(0.01, cny / this.usdRate) : cny;
      const c = rand();
      const channel =
        c < this.calibration.mobile
          ? 'mobile'
          : c < this.calibration.mobile + this.calibration.offline
            ? 'offline'
            : 'pc';
      const merchant = `m${pick(this.merchantCum, rand) + 1}`;
      const fields: SimFields = {
        order_id: id,
        ts: chinaTime(ms),
        amount: amount.toFixed(2),
        currency: foreignUsd ? 'USD' : 'CNY',
        country,
        channel,
        category: CATEGORY_MIX[cat]!.key,
        merchant_id: merchant,
      };
      if (country === 'CN' && places() < WITH_PROVINCE) {
        const p = pick(this.provinceCum, places);
        const province = SIM_PROVINCES[p]!;
        fields.province = province.code;
        if (places() < WITH_CITY) fields.city = province.cities[pick(this.cityCum[p]!, places)]!.en;
      }
      const line: SimLine = { line: JSON.stringify(fields), fields, type: 'sale' };
      if (rand() < lateShare) this.carry(s + 5 + Math.floor(rand() * 55), line);
      else fresh.push({ ms, line });
      if (rand() < refundShare) {
        const at = s + 60 + Math.floor(rand() * 1800);
        if (at < DAY_SECONDS) {
          const refund: SimFields = {
            ...fields,
            ts: chinaTime(this.startMs + at * 1000 + Math.floor(rand() * 1000)),
            type: 'refund',
          };
          this.carry(at, { line: JSON.stringify(refund), fields: refund, type: 'refund' });
        }
      }
    }
    fresh.sort((a, b) => a.ms - b.ms);
    for (const f of fresh) out.push(f.line);
    return out;
  }

  private carry(at: number, line: SimLine): void {
    const list = this.carried.get(at);
    if (list) list.push(line);
    else this.carried.set(at, [line]);
  }
}

/** RFC 3339 in China time, as an Alipay-side system would write it. */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}
