import type { Order } from '../../shared/order.js';
import { FEN_CARRY, addFen, carryFen, differenceFen, exactFen, nearestFen, type SplitFen } from '../../shared/money.js';
import { merchantHub } from '../../shared/geo.js';
import { SERIES_CHUNK_SECONDS, type Arc, type Breakdowns } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import type { FenBreakdowns, FenPoint, FenRate, FenRow, FenTotals } from './figures.js';
import type { MerchantDirectory } from './merchants.js';

/** Orders and their exact GMV (a split sum: see SplitFen). */
interface Tally extends SplitFen {
  orders: number;
  /** A merchant's tally that is among the merchant ranking's rows (see MerchantRanking). */
  ranked?: boolean;
}

/** One rolled-up row, as stored in ClickHouse (fen already converted from Decimal). */
export interface RollupRow {
  /** Seconds since the show start. */
  second: number;
  type: 'sale' | 'refund';
  orders: number;
  /** The sum in fen: exact below 2^53, the nearest double beyond (`bigFen` is then set). */
  fen: number;
  /** The exact sum, when it passed 2^53 fen: a reader of whole-show sums (readBoard) sets it. */
  bigFen?: bigint;
}

export interface DimensionRow {
  dimension: keyof Breakdowns;
  key: string;
  orders: number;
  /** As RollupRow's `fen` and `bigFen`. */
  fen: number;
  bigFen?: bigint;
}

const RATE_WINDOW_SECONDS = 5;
/**
 * The rate reads complete seconds only: a second is complete once an order at least
 * RATE_SETTLE_MS past its end has been committed (orders of a second arrive spread over
 * the ingest nodes and batches), and the show clock is past it. While ingest lags, the
 * seconds still arriving are left out, so orders/s and GMV/s do not dip. A quiet feed
 * commits nothing later, so after RATE_MAX_WAIT_MS on the show clock a second counts
 * as complete anyway (a rate falls to zero when the orders stop).
 */
export const RATE_SETTLE_MS = 1000;
export const RATE_MAX_WAIT_MS = 10_000;
/** Rows of the country, category and merchant rankings. */
export const TOP_N = 10;
/** Most arcs sampled between two ticks: the per-frame drawing budget of a board. */
export const ARC_BUDGET = 48;
/**
 * Most distinct cities a board counts (cities are the sender's free text): past it, sales of a
 * city not yet counted go to the key "" (other cities), so a day of made-up names holds at most
 * this many keys (~100 bytes each).
 */
export const MAX_CITY_KEYS = 5000;
/** The key of the sales of cities past MAX_CITY_KEYS. */
export const OTHER_CITIES = '';

/**
 * The live state of one show: totals, the per-second gross series and the
 * breakdowns. Pure: it only ever advances with orders that were committed, and can
 * be rebuilt from the ClickHouse rollups at any time.
 *
 * Totals and breakdown tallies are exact whatever their size: split sums, where an
 * order is one number add and a compare (a carry only every 2^52 fen). The
 * per-second series (and the rate read from it) are doubles: exact while a second
 * holds less than 2^53 fen (90 trillion CNY); past that each add rounds (by less
 * than 2^-52 of the sum), never an error. A FenPoint's fen is that double:
 * a figure for the curve, and at or above 2^53 whenever the exact sum is, so
 * milestone thresholds (safe integers) are found in the right second.
 */
export class LiveBoard {
  private sale: Tally = { orders: 0, hi: 0, fen: 0 };
  private refund: Tally = { orders: 0, hi: 0, fen: 0 };
  private readonly seriesOrders: Float64Array;
  private readonly seriesFen: Float64Array;
  /** Index of second 0 in the series arrays (the grace period comes first). */
  private readonly offset: number;
  private changed = new Set<number>();
  /** Per chunk of the show's seconds (SERIES_CHUNK_SECONDS), bumped whenever one of its seconds changes. */
  private readonly chunkVersions: Uint32Array;
  private readonly dims: Record<keyof Breakdowns, Map<string, Tally>> = {
    channel: new Map(),
    country: new Map(),
    category: new Map(),
    merchant: new Map(),
    province: new Map(),
    city: new Map(),
  };
  /**
   * The merchant ranking's rows, kept as sales arrive: a day has hundreds of thousands of
   * merchants, and a tick must not scan them all. Tallies only grow, so a merchant enters the
   * rows only when its own sales pass the last row's. Null: to be found by one scan.
   */
  private merchantRows: [string, Tally][] | null = [];
  private peak: { orders: number; second: number | null } = { orders: 0, second: null };
  private peakFen: { fen: number; second: number | null } = { fen: 0, second: null };
  newestEventMs: number | null = null;
  committedAtMs: number | null = null;
  /** Bumped on every change, so the broadcast loop knows when to send. */
  version = 0;
  private arcs: Arc[] = [];
  private arcOrders = 0;
  private arcRandom = 0x9e3779b9;
  /** The merchants' reference data: names of the ranked merchants, locations of the drawn arcs. */
  merchants: MerchantDirectory | null = null;

  constructor(readonly show: Show) {
    this.offset = show.graceSeconds;
    const len = Math.ceil((show.endMs - show.startMs) / 1000) + 2 * show.graceSeconds;
    this.seriesOrders = new Float64Array(len);
    this.seriesFen = new Float64Array(len);
    this.chunkVersions = new Uint32Array(Math.ceil(len / SERIES_CHUNK_SECONDS) + 1);
  }

  /** Adds committed orders of this show. */
  apply(orders: readonly Order[], committedAtMs: number): void {
    if (orders.length === 0) return;
    // One order's gmv_fen is below 2^50 (MAX_ORDER_FEN at the largest rate): added to a split
    // sum below 2^52 it stays exact, and a carry brings the sum back below 2^52.
    for (const o of orders) {
      if (o.type === 'refund') {
        const t = this.refund;
        t.orders++;
        t.fen += o.gmv_fen;
        if (t.fen >= FEN_CARRY) carryFen(t);
      } else {
        const t = this.sale;
        t.orders++;
        t.fen += o.gmv_fen;
        if (t.fen >= FEN_CARRY) carryFen(t);
        this.addSecond(Math.floor((o.ts - this.show.startMs) / 1000), 1, o.gmv_fen);
        count(this.dims.channel, o.channel, o.gmv_fen);
        count(this.dims.country, o.country, o.gmv_fen);
        count(this.dims.category, o.category, o.gmv_fen);
        if (o.merchant_id) this.rankMerchant(o.merchant_id, count(this.dims.merchant, o.merchant_id, o.gmv_fen));
        if (o.province) count(this.dims.province, o.province, o.gmv_fen);
        if (o.city) count(this.dims.city, cityKey(this.dims.city, o.city), o.gmv_fen);
        this.sampleArc(o);
      }
      if (this.newestEventMs === null || o.ts > this.newestEventMs) this.newestEventMs = o.ts;
    }
    this.committedAtMs = committedAtMs;
    this.version++;
  }

  /** Loads rolled-up rows from the store (at start or after a failure). */
  load(seconds: readonly RollupRow[], dimensions: readonly DimensionRow[], newestEventMs: number | null): void {
    this.addRollups(seconds, dimensions);
    this.newestEventMs = newestEventMs;
    this.changed.clear();
  }

  /** Adds rolled-up rows; the seconds they touch count as changed (a replay's next tick sends them). */
  addRollups(seconds: readonly RollupRow[], dimensions: readonly DimensionRow[]): void {
    for (const r of seconds) {
      const t = r.type === 'refund' ? this.refund : this.sale;
      t.orders += r.orders;
      addFen(t, r.bigFen ?? r.fen);
      if (r.type === 'sale') this.addSecond(r.second, r.orders, r.fen);
    }
    for (const d of dimensions) {
      const map = this.dims[d.dimension];
      add(map, d.dimension === 'city' ? cityKey(map, d.key) : d.key, d.orders, d.bigFen ?? d.fen);
    }
    this.unrankMerchants();
    this.version++;
  }

  /** Replaces one breakdown whole (a replay re-reads its merchant ranking at each new minute). */
  setBreakdown(dimension: keyof Breakdowns, rows: readonly DimensionRow[]): void {
    const map = this.dims[dimension];
    map.clear();
    for (const d of rows) add(map, dimension === 'city' ? cityKey(map, d.key) : d.key, d.orders, d.bigFen ?? d.fen);
    if (dimension === 'merchant') this.unrankMerchants();
    this.version++;
  }

  /** A merchant's tally grew: it moves up within the rows, or enters them past the last one. */
  private rankMerchant(key: string, t: Tally): void {
    const rows = this.merchantRows;
    if (rows === null) return;
    if (!t.ranked) {
      if (rows.length === TOP_N) {
        const last = rows[TOP_N - 1]!;
        // Most sales are of merchants far from the rows: one comparison, nothing allocated.
        if (!ranksBefore(key, t, last[0], last[1])) return;
        last[1].ranked = false;
        rows.pop();
      }
      t.ranked = true;
      rows.push([key, t]);
    }
    // Only this row grew: it can only move up.
    let i = rows.findIndex((r) => r[0] === key);
    while (i > 0 && before(rows[i]!, rows[i - 1]!)) {
      [rows[i - 1], rows[i]] = [rows[i]!, rows[i - 1]!];
      i--;
    }
  }

  /** Rolled-up rows came in, or the breakdown was replaced: the next read finds the rows by one scan. */
  private unrankMerchants(): void {
    for (const [, t] of this.merchantRows ?? []) t.ranked = false;
    this.merchantRows = null;
  }

  /** The merchant ranking's rows, found by one scan when they are not known. */
  private merchantRanking(): FenRow[] {
    if (this.merchantRows === null) {
      const best: [string, Tally][] = [];
      for (const entry of this.dims.merchant) {
        if (best.length === TOP_N && !before(entry, best[TOP_N - 1]!)) continue;
        let i = best.length < TOP_N ? best.length : TOP_N - 1;
        best[i] = entry;
        while (i > 0 && before(best[i]!, best[i - 1]!)) {
          [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
          i--;
        }
      }
      for (const [, t] of best) t.ranked = true;
      this.merchantRows = best;
    }
    return this.merchantRows.map(([key, t]) => breakdownRow(key, t));
  }

  /** Sales, exactly. */
  gross(): FenTotals {
    return { orders: this.sale.orders, fen: exactFen(this.sale) };
  }

  /** Sales minus refunds, exactly. */
  net(): FenTotals {
    return { orders: this.sale.orders - this.refund.orders, fen: exactFen(differenceFen(this.sale, this.refund)) };
  }

  /**
   * Gross GMV in fen as the nearest double: exact below 2^53, and on the right side of any
   * safe-integer threshold (milestones), the pace against last year's figures.
   */
  grossFen(): number {
    return nearestFen(this.sale);
  }

  /** Refunded GMV in fen as the nearest double (exact below 2^53), as StoredTotals has it. */
  refundFen(): number {
    return nearestFen(this.refund);
  }

  /** Pace over the last complete seconds (see RATE_SETTLE_MS), and the peak seconds so far. */
  rate(clockMs: number): FenRate {
    const now = completeBefore(clockMs, this.newestEventMs, this.show.startMs);
    let orders = 0;
    let fen = 0;
    for (let s = now - RATE_WINDOW_SECONDS; s < now; s++) {
      const i = s + this.offset;
      if (i < 0 || i >= this.seriesOrders.length) continue;
      orders += this.seriesOrders[i]!;
      fen += this.seriesFen[i]!;
    }
    return {
      ordersPerSec: Math.round((orders * 10) / RATE_WINDOW_SECONDS) / 10,
      fenPerSec: Math.round(fen / RATE_WINDOW_SECONDS),
      peakOrdersPerSec: this.peak.orders,
      peakSecond: this.peak.second,
      peakFenPerSec: this.peakFen.fen,
      peakFenSecond: this.peakFen.second,
    };
  }

  breakdowns(): FenBreakdowns {
    return {
      channel: top(this.dims.channel, 3),
      country: top(this.dims.country, TOP_N),
      category: top(this.dims.category, TOP_N),
      merchant: this.named(this.merchantRanking()),
      province: top(this.dims.province, TOP_N),
      city: top(this.dims.city, TOP_N),
    };
  }

  /** The ranked merchants with their display names, where the reference data has them (a lookup per row). */
  private named(rows: FenRow[]): FenRow[] {
    const dir = this.merchants;
    if (!dir) return rows;
    for (const r of rows) {
      const name = dir.name(r.key);
      if (name !== undefined) r.name = name;
    }
    return rows;
  }

  /** Every key of a breakdown with its sales, not only the top rows: for checks against the store. Read only. */
  breakdownTallies(dimension: keyof Breakdowns): ReadonlyMap<string, Readonly<Tally>> {
    return this.dims[dimension];
  }

  /** Every non-empty second so far, ascending; or those in [from, to) seconds since the start. */
  series(from = -Infinity, to = Infinity): FenPoint[] {
    const out: FenPoint[] = [];
    const first = Math.max(0, from + this.offset);
    const end = Math.min(this.seriesOrders.length, to + this.offset);
    for (let i = first; i < end; i++) {
      if (this.seriesOrders[i]! > 0) out.push([i - this.offset, this.seriesOrders[i]!, this.seriesFen[i]!]);
    }
    return out;
  }

  /**
   * Changes whenever a second of chunk `chunk` (seconds [chunk, chunk + 1) x SERIES_CHUNK_SECONDS
   * since the start) changes: with the board's identity it tags a cached chunk.
   */
  chunkVersion(chunk: number): number {
    return this.chunkVersions[chunk] ?? 0;
  }

  /** The chunks with any non-empty second before `before` (seconds since the start; not the grace before it). */
  chunksBefore(before: number): number[] {
    const out: number[] = [];
    const end = Math.min(before, this.seriesOrders.length - this.offset);
    for (let c = 0; c * SERIES_CHUNK_SECONDS < end; c++) {
      const stop = Math.min(end, (c + 1) * SERIES_CHUNK_SECONDS) + this.offset;
      for (let i = c * SERIES_CHUNK_SECONDS + this.offset; i < stop; i++) {
        if (this.seriesOrders[i]! > 0) {
          out.push(c);
          break;
        }
      }
    }
    return out;
  }

  /** How many seconds changed since the last takeChanged. */
  get changedSeconds(): number {
    return this.changed.size;
  }

  /** The seconds changed since the last call, with their absolute values. */
  takeChanged(): FenPoint[] {
    const out: FenPoint[] = [];
    for (const i of [...this.changed].sort((a, b) => a - b)) {
      out.push([i - this.offset, this.seriesOrders[i]!, this.seriesFen[i]!]);
    }
    this.changed.clear();
    return out;
  }

  /** The arcs sampled since the last call, and how many orders each stands for. */
  takeArcs(): { arcs: Arc[]; ordersPerArc: number } {
    const arcs = this.arcs;
    const ordersPerArc = arcs.length === 0 ? 0 : Math.round(this.arcOrders / arcs.length);
    this.arcs = [];
    this.arcOrders = 0;
    return { arcs, ordersPerArc };
  }

  /** Gross fen of every second of the window, the first being `firstSecond` (negative: grace before the start). */
  secondsFen(): { fen: Float64Array; firstSecond: number } {
    return { fen: this.seriesFen, firstSecond: -this.offset };
  }

  /** Reservoir sampling: every sale has the same chance to be drawn, whatever the rate. */
  private sampleArc(o: Order): void {
    this.arcOrders++;
    if (this.arcs.length < ARC_BUDGET) {
      this.arcs.push(this.arcOf(o));
      return;
    }
    let x = this.arcRandom;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.arcRandom = x >>> 0;
    const j = this.arcRandom % this.arcOrders;
    // Built only when drawn: at the peak nearly every sale is passed over.
    if (j < ARC_BUDGET) this.arcs[j] = this.arcOf(o);
  }

  /**
   * The arc of a drawn order: the hub its merchant id hashes to, the buyer's country and
   * province, and the merchant's location from the reference data (null, null when not known:
   * the board then starts the arc at the hub, and labels it as such).
   */
  private arcOf(o: Order): Arc {
    const at = o.merchant_id && this.merchants ? this.merchants.location(o.merchant_id) : null;
    return [
      merchantHub(o.merchant_id || o.order_id),
      o.country,
      o.province ?? '',
      at ? at.lonE1 : null,
      at ? at.latE1 : null,
    ];
  }

  private addSecond(second: number, orders: number, fen: number): void {
    const i = second + this.offset;
    if (i < 0 || i >= this.seriesOrders.length) return;
    this.seriesOrders[i]! += orders;
    this.seriesFen[i]! += fen;
    this.changed.add(i);
    if (second >= 0) this.chunkVersions[Math.floor(second / SERIES_CHUNK_SECONDS)]!++;
    // Ties go to the earliest second, so the peak does not depend on arrival order
    // (late events) and a rebuild from the rollups gives the same answer.
    const n = this.seriesOrders[i]!;
    const p = this.peak;
    if (n > p.orders || (n === p.orders && p.second !== null && second < p.second)) this.peak = { orders: n, second };
    const f = this.seriesFen[i]!;
    const q = this.peakFen;
    if (f > q.fen || (f === q.fen && q.second !== null && second < q.second)) this.peakFen = { fen: f, second };
  }
}

/**
 * Seconds since the start before which every second is complete: the show clock, held back to
 * RATE_SETTLE_MS before the newest committed order, but no further than RATE_MAX_WAIT_MS.
 */
export function completeBefore(clockMs: number, newestEventMs: number | null, startMs: number): number {
  const arrived = newestEventMs === null ? clockMs : Math.min(clockMs, newestEventMs - RATE_SETTLE_MS);
  return Math.floor((Math.max(arrived, clockMs - RATE_MAX_WAIT_MS) - startMs) / 1000);
}

/** The key a city's sales count under: itself, or OTHER_CITIES once MAX_CITY_KEYS cities are counted. */
function cityKey(map: ReadonlyMap<string, unknown>, city: string): string {
  return map.size < MAX_CITY_KEYS || map.has(city) ? city : OTHER_CITIES;
}

/** Counts one sale of `fen` (below 2^52) under `key`: the per-order path. */
function count(map: Map<string, Tally>, key: string, fen: number): Tally {
  const t = map.get(key);
  if (t) {
    t.orders++;
    t.fen += fen;
    if (t.fen >= FEN_CARRY) carryFen(t);
    return t;
  }
  const fresh = { orders: 1, hi: 0, fen };
  map.set(key, fresh);
  return fresh;
}

/** Adds a rolled-up row of any size. */
function add(map: Map<string, Tally>, key: string, orders: number, fen: number | bigint): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = { orders: 0, hi: 0, fen: 0 }));
  t.orders += orders;
  addFen(t, fen);
}

/** A tally as top() reads it: `hi` (see SplitFen) is 0 when left out. */
export interface RankedTally {
  orders: number;
  fen: number;
  hi?: number;
}

/** The n largest entries by GMV, ties broken by key so the order is stable. */
export function top(map: ReadonlyMap<string, RankedTally>, n: number): FenRow[] {
  const best: [string, RankedTally][] = [];
  for (const entry of map) {
    if (best.length === n && !before(entry, best[n - 1]!)) continue;
    let i = best.length < n ? best.length : n - 1;
    best[i] = entry;
    while (i > 0 && before(best[i]!, best[i - 1]!)) {
      [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
      i--;
    }
  }
  return best.map(([key, t]) => breakdownRow(key, t));
}

function breakdownRow(key: string, t: RankedTally): FenRow {
  return { key, orders: t.orders, fen: t.hi ? exactFen(t as SplitFen) : t.fen };
}

/** By GMV (`hi` first: `fen` is below 2^52 in a split sum), then by key. */
function before(a: [string, RankedTally], b: [string, RankedTally]): boolean {
  return ranksBefore(a[0], a[1], b[0], b[1]);
}

function ranksBefore(ka: string, a: RankedTally, kb: string, b: RankedTally): boolean {
  const ha = a.hi ?? 0;
  const hb = b.hi ?? 0;
  if (ha !== hb) return ha > hb;
  return a.fen > b.fen || (a.fen === b.fen && ka < kb);
}
