import type { Fen } from '../../shared/money.js';

/** Chinese magnitude units, largest first: 万亿 (10^12), 亿 (10^8), 万 (10^4). */
const UNITS_ZH: readonly [bigint, string][] = [
  [10n ** 12n, '万亿'],
  [10n ** 8n, '亿'],
  [10n ** 4n, '万'],
];

/** How many decimals a compact figure keeps: three significant digits, as the English one ("1.23万", "12.3万", "571亿"). */
function autoDecimals(whole: bigint): number {
  return whole >= 100n ? 0 : whole >= 10n ? 1 : 2;
}

/**
 * `hundredths / 100` in Chinese units, exactly from integers: "571亿", "1.23万", "-3.5万", "980".
 * Digits past the kept ones are cut, never rounded: the magnitude shown is never larger
 * than the truth (the board never overstates). `decimals` caps the decimals; 'auto'
 * keeps three significant digits. Below 1万 the plain figure, without grouping.
 */
export function compactZh(hundredths: bigint, decimals: number | 'auto' = 'auto'): string {
  const neg = hundredths < 0n;
  const abs = neg ? -hundredths : hundredths;
  let unit = 1n;
  let name = '';
  for (const [u, n] of UNITS_ZH) {
    if (abs >= u * 100n) {
      unit = u;
      name = n;
      break;
    }
  }
  const whole = abs / (unit * 100n);
  // Below 1万 three significant digits would show fen; keep at most one decimal there, as English does.
  const d = decimals === 'auto' ? (unit === 1n ? (whole >= 100n ? 0 : 1) : autoDecimals(whole)) : decimals;
  const scale = 10n ** BigInt(d);
  const scaled = (abs * scale) / (unit * 100n);
  let frac = d === 0 ? '' : (scaled % scale).toString().padStart(d, '0').replace(/0+$/, '');
  if (frac !== '') frac = `.${frac}`;
  const text = `${scaled / scale}${frac}${name}`;
  // A figure cut to zero has no sign: "-0" would read as a number.
  return neg && scaled !== 0n ? `-${text}` : text;
}

/** Integer fen, as a number (safe or not) or a bigint, as its exact bigint. */
export function fenBig(fen: Fen): bigint {
  // A double past 2^53 is still an integer: BigInt takes its exact value.
  return typeof fen === 'bigint' ? fen : BigInt(Math.trunc(fen));
}

/** Compact CNY from integer fen in Chinese units: "¥571亿", "¥1.23万". */
export function compactCnyZh(fen: Fen): string {
  return `¥${compactZh(fenBig(fen))}`;
}

/**
 * A plain number (an axis tick, a count) in Chinese units, cut like compactZh. Not for
 * money sums: ticks and counts are whole or nice numbers well inside a double's precision.
 */
export function compactNumberZh(n: number): string {
  if (!Number.isFinite(n)) return '—';
  // Rounded to the hundredth first so 0.29 × 100 (28.999…) is not cut a whole step below.
  return compactZh(BigInt(Math.round(n * 100)));
}
