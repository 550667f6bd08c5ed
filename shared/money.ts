/**
 * Money is carried as integer fen (minor units) in JS numbers; decimal strings are
 * parsed with integer math and never through floats. On the wire every amount is a
 * decimal string of CNY with exactly two decimals, written by formatFen (the one
 * encoder) and read by decimalToFenExact (the one decoder). One order stays far below
 * 2^53 fen (about 90 trillion CNY): at most MAX_ORDER_FEN at the largest rate
 * parseRate reads, under 2^50. A sum of orders does not: enough of the largest
 * orders pass 2^53, so totals are kept exact as split sums (SplitFen below) and
 * as bigint where read from the store, and formatFen takes either.
 */
import type { ErrorCodes } from './errors.js';

/** Largest amount a single order may carry, in minor units (10,000,000.00). */
export const MAX_ORDER_FEN = 1_000_000_000;

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,2}))?$/;

export type AmountParse = { ok: true; fen: number } | { ok: false; code: AmountErrorCode; message: string };
export type AmountErrorCode = ErrorCodes<
  'GMV_ERR_AMOUNT_TYPE' | 'GMV_ERR_AMOUNT_FORMAT' | 'GMV_ERR_AMOUNT_PRECISION' | 'GMV_ERR_AMOUNT_RANGE'
>;

/** Parses an order amount (decimal string or JSON number) into fen, exactly. */
export function parseAmount(value: unknown): AmountParse {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail('GMV_ERR_AMOUNT_FORMAT', 'amount must be a finite number');
    // String() gives the shortest round-trip form, which is the literal as sent for
    // every amount in range (at most 10 significant digits).
    text = String(value);
    // String() switches to exponent notation below 1e-6 and from 1e21: amounts that
    // are too precise or too large, not malformed.
    if (value > 0 && text.includes('e')) {
      return value < 1
        ? fail('GMV_ERR_AMOUNT_PRECISION', 'amount has more than 2 decimals')
        : fail('GMV_ERR_AMOUNT_RANGE', 'amount must be at most 10000000.00');
    }
  } else return fail('GMV_ERR_AMOUNT_TYPE', 'amount must be a decimal string or a JSON number');

  if (text.startsWith('-')) return fail('GMV_ERR_AMOUNT_RANGE', 'amount must be greater than 0');
  const m = DECIMAL.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return fail('GMV_ERR_AMOUNT_PRECISION', 'amount has more than 2 decimals');
    if (/^\d{16,}(\.\d*)?$/.test(text)) return fail('GMV_ERR_AMOUNT_RANGE', 'amount must be at most 10000000.00');
    return fail('GMV_ERR_AMOUNT_FORMAT', 'amount must look like 123 or 123.45');
  }
  const whole = Number(m[1]);
  const frac = m[2] === undefined ? 0 : m[2].length === 1 ? Number(m[2]) * 10 : Number(m[2]);
  if (whole > MAX_ORDER_FEN / 100) return fail('GMV_ERR_AMOUNT_RANGE', 'amount must be at most 10000000.00');
  const fen = whole * 100 + frac;
  if (fen <= 0) return fail('GMV_ERR_AMOUNT_RANGE', 'amount must be greater than 0');
  if (fen > MAX_ORDER_FEN) return fail('GMV_ERR_AMOUNT_RANGE', 'amount must be at most 10000000.00');
  return { ok: true, fen };
}

function fail(code: AmountErrorCode, message: string): AmountParse {
  return { ok: false, code, message };
}

/**
 * Formats integer fen as a decimal string with exactly two decimals ("57100000000.00"). A bigint
 * or a number past 2^53 (a sum that left the safe range, as a double) is written exactly as it is.
 */
export function formatFen(fen: Fen): string {
  if (typeof fen === 'bigint' || Math.abs(fen) > Number.MAX_SAFE_INTEGER) return formatBigFen(BigInt(fen));
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

function formatBigFen(fen: bigint): string {
  const neg = fen < 0n;
  const digits = (neg ? -fen : fen).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * An exact amount of fen: a number while it is a safe integer, a bigint beyond (a sum of
 * orders can pass 2^53). What the domain hands to the wire encoder, and what the client's
 * decoder gives back.
 */
export type Fen = number | bigint;

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a decimal string with up to two decimals into fen, for an amount known to be below
 * 2^53 fen (one order, a test's figure); throws past it. Sums, and anything read from the
 * wire or the store, go through decimalToFenExact.
 */
export function decimalToFen(text: string): number {
  const fen = decimalToFenExact(text);
  if (typeof fen === 'bigint') throw new Error(`amount out of exact range: ${text}`);
  return fen;
}

/**
 * Parses a decimal string with up to two decimals into fen, exactly, whatever its size: a
 * number while it is a safe integer, a bigint beyond (a sum read from the store).
 */
export function decimalToFenExact(text: string): Fen {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal with at most 2 places: ${text}`);
  const frac = m[3] === undefined ? 0 : m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]);
  // Rounding is monotonic and 2^53 is a double: past the safe range this is never a safe integer.
  const fen = Number(m[2]) * 100 + frac;
  if (Number.isSafeInteger(fen)) return m[1] === '-' ? -fen : fen;
  const big = BigInt(m[2]!) * 100n + BigInt(frac);
  return m[1] === '-' ? -big : big;
}

/** The same amount as a number while it is a safe integer, else as a bigint. */
export function normalFen(fen: bigint): Fen {
  return fen <= MAX_SAFE_BIG && fen >= -MAX_SAFE_BIG ? Number(fen) : fen;
}

/** a - b, exactly, whatever their size. */
export function subtractFen(a: Fen, b: Fen): Fen {
  if (typeof a === 'number' && typeof b === 'number') {
    const d = a - b;
    if (Number.isSafeInteger(d)) return d;
  }
  return normalFen(BigInt(a) - BigInt(b));
}

/** The double nearest an exact amount: for chart geometry and ratios, never for a figure shown. */
export function fenToNumber(fen: Fen): number {
  return typeof fen === 'number' ? fen : Number(fen);
}

/**
 * An exact sum of fen in two plain numbers: `hi` × 2^52 + `fen`, `fen` in [0, 2^52) between adds.
 * Adding one order (below 2^52 fen) is a plain number add that stays exact (below 2^53); only
 * when `fen` reaches 2^52 does carryFen move it into `hi`. BigInt only to read it (exactFen).
 */
export interface SplitFen {
  hi: number;
  fen: number;
}

/** The base of SplitFen's `hi`: 2^52. */
export const FEN_CARRY = 2 ** 52;
const FEN_CARRY_BIG = 1n << 52n;

/** Brings `fen` back into [0, 2^52), exactly (a division and a product by a power of two). */
export function carryFen(s: SplitFen): void {
  const c = Math.floor(s.fen / FEN_CARRY);
  s.hi += c;
  s.fen -= c * FEN_CARRY;
}

/**
 * Adds any integer amount of either sign to a split sum, exactly: a number (a safe integer, or
 * an integer double past 2^53 at its exact value) or a bigint. The per-order hot path does
 * without it: `s.fen += amount; if (s.fen >= FEN_CARRY) carryFen(s)`.
 */
export function addFen(s: SplitFen, fen: Fen): void {
  if (typeof fen === 'bigint') {
    const c = fen >> 52n;
    s.hi += Number(c);
    s.fen += Number(fen - (c << 52n));
  } else {
    const c = Math.floor(fen / FEN_CARRY);
    s.hi += c;
    s.fen += fen - c * FEN_CARRY;
  }
  carryFen(s);
}

/** a - b as a split sum, exactly. */
export function differenceFen(a: SplitFen, b: SplitFen): SplitFen {
  const d = { hi: a.hi - b.hi, fen: a.fen - b.fen };
  carryFen(d);
  return d;
}

/** The exact value of a split sum: a number while it is a safe integer, a bigint beyond. */
export function exactFen(s: SplitFen): Fen {
  if (s.hi === 0) return s.fen;
  return normalFen(BigInt(s.hi) * FEN_CARRY_BIG + BigInt(s.fen));
}

/**
 * The double nearest a split sum (one correctly rounded add): exact while it is a safe
 * integer, and never on the wrong side of a safe-integer threshold.
 */
export function nearestFen(s: SplitFen): number {
  return s.hi * FEN_CARRY + s.fen;
}

/** Scale of exchange rates: rates are kept as integers of 1e-6. */
export const RATE_SCALE = 1_000_000;

/** Parses an exchange rate such as "6.3643" (CNY per unit) into micro-units. */
export function parseRate(text: string): number {
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`rate must be a decimal with at most 6 places: ${text}`);
  const micro = Number(m[1]) * RATE_SCALE + Number((m[2] ?? '').padEnd(6, '0'));
  if (micro <= 0) throw new Error(`rate must be greater than 0: ${text}`);
  return micro;
}

/**
 * Converts an amount in fen of some currency into CNY fen at a fixed rate
 * (micro-units), rounding half away from zero. Exact: the product is computed in
 * BigInt when it would leave the safe-integer range.
 */
export function convertFen(fen: number, rateMicro: number): number {
  if (rateMicro === RATE_SCALE) return fen;
  // Round the magnitude so halves go away from zero on both paths (0 - x: never -0).
  if (fen < 0) return 0 - convertFen(-fen, rateMicro);
  const product = fen * rateMicro;
  if (Number.isSafeInteger(product)) {
    const q = Math.floor(product / RATE_SCALE);
    const r = product - q * RATE_SCALE;
    return r * 2 >= RATE_SCALE ? q + 1 : q;
  }
  const p = BigInt(fen) * BigInt(rateMicro);
  const scale = BigInt(RATE_SCALE);
  const q = p / scale;
  const r = p % scale;
  return Number(r * 2n >= scale ? q + 1n : q);
}
