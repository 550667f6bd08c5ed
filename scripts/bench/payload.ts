import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator, chinaTime } from '../../shared/sim/generate.js';

/** Orders generated for real; the rest are copies with other ids, later in the day. */
const BASE_ORDERS = 100_000;
/** Show-second the base starts at (00:10:00, past the midnight spike). */
const BASE_FIRST_SECOND = 600;
const ID_KEY = '{"order_id":"';
const TS_KEY = '","ts":"';

/** One base line cut around its id and event time, so a copy can put in others. */
interface BaseLine {
  id: string;
  /** Whole seconds of the event time since the show's start (China midnight). */
  second: number;
  /** The ts after its seconds (".123+08:00") and everything after the ts value's closing quote. */
  rest: string;
}

/**
 * NDJSON bodies of simulated 2015 orders, made before any timing starts. The day
 * generator costs ~4 µs an order, so a base of 100,000 orders (about 20
 * show-seconds) is generated once and repeated. Each copy gets a per-copy id
 * prefix, so every order id handed out is distinct (as long as each tag is used
 * once), and moves forward in time by the base's span: copy k's events fall k
 * spans after the base's, so the show's seconds fill one after another as on the
 * day instead of every copy landing in the same twenty seconds (which made every
 * batch "late" and piled a twentieth of all rows into each of them). Copies wrap
 * to the base's start before leaving the show's day. The copy count runs on
 * across calls: a later phase continues where the previous one stopped.
 */
export class Payloads {
  private base: BaseLine[] | null = null;
  /** "2015-11-11T": the show's day, which every copy stays in. */
  private date = '';
  /** "hh:mm:ss" of every second of the day: a copy's times are a table lookup, not a Date. */
  private clock: string[] = [];
  private spanS = 0;
  /** Copies that fit between the base's start and the end of the day. */
  private slots = 0;
  private nextCopy = 0;

  constructor(
    private readonly seed: number,
    /** Orders per body. */
    readonly batch: number,
  ) {}

  /** `count` bodies whose order ids all start with `tag` (letters and digits, unique per call). */
  bodies(tag: string, count: number): string[] {
    const base = this.lines();
    const perCopy = Math.floor(base.length / this.batch);
    const out: string[] = [];
    while (out.length < count) {
      const copy = this.nextCopy++;
      const prefix = `${ID_KEY}${tag}${copy.toString(36)}-`;
      const shift = (copy % this.slots) * this.spanS;
      const head = `${TS_KEY}${this.date}`;
      for (let b = 0; b < perCopy && out.length < count; b++) {
        let body = '';
        for (let i = b * this.batch; i < (b + 1) * this.batch; i++) {
          const l = base[i]!;
          body += `${prefix}${l.id}${head}${this.clock[l.second + shift]}${l.rest}\n`;
        }
        out.push(body);
      }
    }
    return out;
  }

  /** The base: sales and late events of ~20 show-seconds from 00:10:00, cut around id and ts. */
  private lines(): BaseLine[] {
    if (this.base) return this.base;
    const orders = Math.max(BASE_ORDERS, this.batch);
    // One show-second is about one body. Sales and late events only: refunds are
    // carried a minute or more ahead, past the end of a base this short.
    const gen = new DayGenerator({ year: 2015, scale: 1, seed: this.seed, rate: this.batch });
    const date = chinaTime(gen.startMs).slice(0, 11);
    const lines: BaseLine[] = [];
    let s = BASE_FIRST_SECOND;
    for (; lines.length < orders; s++) {
      for (const l of gen.second(s)) {
        // Refunds reach a base only when it spans minutes (small batches): left out, as above.
        if (l.fields.type !== undefined) continue;
        const at = l.line.indexOf(TS_KEY);
        if (!l.line.startsWith(ID_KEY) || at < 0) {
          throw new Error('payload: generator lines must start with order_id then ts');
        }
        const ts = l.fields.ts;
        const second = Math.floor((Date.parse(ts) - gen.startMs) / 1000);
        // The ts is this day's date, then hh:mm:ss, then the rest ("2015-11-11T00:10:00.123+08:00").
        if (ts.slice(0, 11) !== date || ts.slice(11, 19) !== hms(second)) {
          throw new Error(`payload: unexpected ts ${ts}`);
        }
        lines.push({ id: l.fields.order_id, second, rest: l.line.slice(at + TS_KEY.length + 19) });
      }
    }
    this.base = lines.slice(0, orders);
    // Late events carry earlier times of the base, never before its first second.
    this.spanS = s - BASE_FIRST_SECOND;
    this.slots = Math.max(1, Math.floor((DAY_SECONDS - BASE_FIRST_SECOND) / this.spanS));
    this.date = date;
    this.clock = Array.from({ length: DAY_SECONDS }, (_, i) => hms(i));
    return this.base;
  }
}

/** "hh:mm:ss" of a second of the day. */
function hms(second: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(second / 3600))}:${two(Math.floor(second / 60) % 60)}:${two(second % 60)}`;
}

/** Lines of an NDJSON body. */
export function bodyLines(body: string): string[] {
  return body.split('\n').filter((l) => l !== '');
}
