import { parseRate } from './money.js';
import { parseTimestamp } from './time.js';

/** A show as configured: the day being broadcast. */
export interface ShowConfig {
  /** Short id used in URLs and storage, e.g. "2015". */
  id: string;
  name: string;
  /** RFC 3339 start with offset, e.g. "2015-11-11T00:00:00+08:00". */
  start: string;
  durationHours: number;
  timeZone: string;
  /** Currency GMV is kept in. */
  currency: 'CNY';
  /** CNY per unit of each accepted currency, as decimal strings. */
  rates: Record<string, string>;
  /** Milestones in CNY, decimal strings. */
  milestones: string[];
  /** Events this many seconds before the start or after the end still belong to the show. */
  graceSeconds: number;
  /** Id of the show this one is compared against ("last year"). */
  compareTo?: string;
}

/** A show with its times and rates resolved for fast checks. */
export interface Show extends ShowConfig {
  startMs: number;
  endMs: number;
  ratesMicro: ReadonlyMap<string, number>;
}

const SHOW_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function resolveShow(cfg: ShowConfig): Show {
  if (!SHOW_ID.test(cfg.id)) throw new Error(`show id must match ${SHOW_ID}: ${cfg.id}`);
  const start = parseTimestamp(cfg.start);
  if (!start.ok) throw new Error(`show ${cfg.id}: start ${cfg.start}: ${start.message}`);
  if (!(cfg.durationHours > 0 && cfg.durationHours <= 24 * 31)) {
    throw new Error(`show ${cfg.id}: durationHours must be between 0 and 744`);
  }
  const ratesMicro = new Map<string, number>();
  for (const [code, rate] of Object.entries(cfg.rates)) {
    if (!/^[A-Z]{3}$/.test(code)) throw new Error(`show ${cfg.id}: currency code ${code} is not ISO 4217`);
    ratesMicro.set(code, parseRate(rate));
  }
  if (ratesMicro.get('CNY') !== 1_000_000) throw new Error(`show ${cfg.id}: rates must map CNY to 1`);
  return { ...cfg, startMs: start.ms, endMs: start.ms + cfg.durationHours * 3_600_000, ratesMicro };
}

/** The show whose window (with grace) contains the event time, if any. */
export function findShow(shows: readonly Show[], ms: number): Show | undefined {
  for (const s of shows) {
    if (ms >= s.startMs - s.graceSeconds * 1000 && ms < s.endMs + s.graceSeconds * 1000) return s;
  }
  return undefined;
}

const DEFAULT_RATES = { CNY: '1', USD: '6.3643', EUR: '6.8519', JPY: '0.051722', HKD: '0.821', GBP: '9.6786' };

/** Defaults: the 2015 gala and the 2014 day it is compared with. */
export const DEFAULT_SHOWS: ShowConfig[] = [
  {
    id: '2015',
    name: '11.11 Global Shopping Festival 2015',
    start: '2015-11-11T00:00:00+08:00',
    durationHours: 24,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rates: DEFAULT_RATES,
    milestones: ['100000000', '1000000000', '10000000000', '50000000000', '100000000000'],
    graceSeconds: 3600,
    compareTo: '2014',
  },
  {
    id: '2014',
    name: '11.11 Shopping Festival 2014',
    start: '2014-11-11T00:00:00+08:00',
    durationHours: 24,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rates: { CNY: '1', USD: '6.1395', EUR: '7.6546', JPY: '0.053667', HKD: '0.7918', GBP: '9.8045' },
    milestones: ['100000000', '1000000000', '10000000000', '50000000000'],
    graceSeconds: 3600,
  },
];
