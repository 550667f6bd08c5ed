import { DayGenerator } from '../../shared/sim/generate.js';

/** Orders generated for real; the rest are copies with other ids. */
const BASE_ORDERS = 100_000;
const ID_KEY = '"order_id":"';

/**
 * NDJSON bodies of simulated 2015 orders, made before any timing starts. The day
 * generator costs ~4 µs an order, so a base of 100,000 orders is generated once
 * and repeated with a per-copy id prefix: every order id handed out is distinct
 * (as long as each tag is used once), the content is the simulator's.
 */
export class Payloads {
  private base: string[] | null = null;

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
    for (let copy = 0; out.length < count; copy++) {
      const prefix = `${ID_KEY}${tag}${copy.toString(36)}-`;
      for (let b = 0; b < perCopy && out.length < count; b++) {
        const lines = base.slice(b * this.batch, (b + 1) * this.batch);
        out.push(lines.map((l) => l.replace(ID_KEY, prefix)).join('\n') + '\n');
      }
    }
    return out;
  }

  private lines(): string[] {
    if (this.base) return this.base;
    const orders = Math.max(BASE_ORDERS, this.batch);
    // One show-second is about one body. Sales and late events only: refunds are
    // carried a minute or more ahead, past the end of a base this short.
    const gen = new DayGenerator({ year: 2015, scale: 1, seed: this.seed, rate: this.batch });
    const lines: string[] = [];
    for (let s = 600; lines.length < orders; s++) {
      for (const l of gen.second(s)) {
        if (!l.line.startsWith(`{${ID_KEY}`)) throw new Error('payload: generator lines must start with order_id');
        lines.push(l.line);
      }
    }
    this.base = lines.slice(0, orders);
    return this.base;
  }
}

/** Lines of an NDJSON body. */
export function bodyLines(body: string): string[] {
  return body.split('\n').filter((l) => l !== '');
}
