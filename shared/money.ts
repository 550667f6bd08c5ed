/**
 * Money is carried as integer fen (minor units) in JS numbers. Every value the
 * system handles stays far below 2^53 fen (about 90 trillion CNY), so integer
 * arithmetic on numbers is exact; decimal strings are parsed with integer math
 * and never through floats.
 */

/** Largest amount a single order may carry, in minor units (10,000,000.00). */
export const MAX_ORDER_FEN = 1_000_000_000;

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,2}))?$/;

export type AmountParse = { ok: true; fen: number } | { ok: false; code: AmountErrorCode; message: string };
export type AmountErrorCode =
  'GMV_ERR_AMOUNT_TYPE' | 'GMV_ERR_AMOUNT_FORMAT' | 'GMV_ERR_AMOUNT_PRECISION' | 'GMV_ERR_AMOUNT_RANGE';

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

/** Formats integer fen as a decimal string with exactly two decimals ("57100000000.00"). */
export function formatFen(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** Parses a decimal string with up to two decimals (as ClickHouse prints Decimal(_, 2)) into fen. */
export function decimalToFen(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal with at most 2 places: ${text}`);
  const frac = m[3] === undefined ? 0 : m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]);
  const fen = Number(m[2]) * 100 + frac;
  if (!Number.isSafeInteger(fen)) throw new Error(`amount out of exact range: ${text}`);
  return m[1] === '-' ? -fen : fen;
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
