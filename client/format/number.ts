import { formatFen, normalFen, parseRate, RATE_SCALE, type Fen } from '../../shared/money.js';

/** Puts thousands separators into a run of digits ("57100000000" → "57,100,000,000"). */
export function groupDigits(digits: string): string {
  // Deterministic on purpose: a TV in any locale must show the same text the e2e test expects.
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Integer fen as grouped money with two decimals and a symbol ("¥57,100,000,000.00"), exactly at any size. */
export function formatMoney(fen: Fen, symbol: string): string {
  const plain = formatFen(fen);
  const neg = plain.startsWith('-');
  const [whole = '0', frac = '00'] = (neg ? plain.slice(1) : plain).split('.');
  return `${neg ? '-' : ''}${symbol}${groupDigits(whole)}.${frac}`;
}

export function formatCny(fen: Fen): string {
  return formatMoney(fen, '¥');
}

export function formatUsd(fen: Fen): string {
  return formatMoney(fen, 'US$');
}

/**
 * CNY fen → USD cents at a rate given as CNY per USD ("6.3643"), rounding half up.
 * BigInt because fen × micro-rate passes 2^53 for gala-sized totals. Null when
 * there is no rate or it is not a valid rate string.
 */
export function cnyToUsdFen(cnyFen: Fen, usdRate: string | null): Fen | null {
  if (usdRate === null) return null;
  let micro: number;
  try {
    micro = parseRate(usdRate);
  } catch {
    return null;
  }
  const num = BigInt(cnyFen) * BigInt(RATE_SCALE);
  const den = BigInt(micro);
  const q = num / den;
  const r = num % den;
  return normalFen(r * 2n >= den ? q + 1n : q);
}

/** Whole count with separators ("1,234,567"). */
export function formatCount(n: number): string {
  const whole = Math.trunc(n);
  const sign = whole < 0 ? '-' : '';
  return sign + groupDigits(String(Math.abs(whole)));
}

/** Orders per second: whole numbers once large, one decimal while small enough for it to matter. */
export function formatPerSec(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  if (n >= 100) return formatCount(Math.round(n));
  return n.toFixed(1);
}
