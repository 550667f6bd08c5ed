import { fenToNumber, type Fen } from '../../shared/money.js';
import { currentLang } from '../i18n/lang.js';
import { compactCnyZh, compactNumberZh, compactZh, fenBig } from './compact-zh.js';
import { groupDigits } from './number.js';

const UNITS: readonly [number, string, string][] = [
  [1e12, 'trillion', 'T'],
  [1e9, 'billion', 'B'],
  [1e6, 'million', 'M'],
];

/** `n` with at most `decimals` decimals, trailing zeros dropped ("57.1", "10", "1.25"). */
function trimmed(n: number, decimals: number): string {
  return String(Number(n.toFixed(decimals)));
}

/** Splits a positive value into a scaled number and its unit, moving up a unit when rounding reaches 1000. */
function scaled(value: number, decimals: number, minUnit = 1e6): { n: string; unit: number } | null {
  for (const [unit] of UNITS) {
    if (unit < minUnit || value < unit) continue;
    return { n: trimmed(value / unit, decimals), unit };
  }
  return null;
}

/**
 * A CNY amount in fen as said on air: "100 million", "1 billion", "57.1 billion"; in
 * Chinese "1亿", "10亿", "571亿" (cut, not rounded, exact from the integer fen).
 * Below a million the plain grouped figure ("1,000"), so small test shows still read right.
 */
export function amountWords(amount: Fen, decimals = 2): string {
  if (currentLang() === 'zh-CN') return compactZh(fenBig(amount), decimals);
  // Words round far coarser than a double's precision: the nearest double will do.
  const fen = fenToNumber(amount);
  const cny = Math.abs(fen) / 100;
  const sign = fen < 0 ? '-' : '';
  let s = scaled(cny, decimals);
  // 999.999 million rounds to "1000 million": say "1 billion" instead.
  if (s !== null && Number(s.n) >= 1000 && s.unit < 1e12)
    s = { n: trimmed(cny / (s.unit * 1000), decimals), unit: s.unit * 1000 };
  if (s === null) return sign + groupDigits(String(Math.round(cny)));
  const word = UNITS.find(([u]) => u === s.unit)?.[1] ?? '';
  return `${sign}${s.n} ${word}`;
}

/** Short figure for tiles and axes: "980", "12.3K", "4.56M", "1.2B"; in Chinese "980", "12.3万", "1.2亿". */
export function compactNumber(n: number): string {
  if (currentLang() === 'zh-CN') return compactNumberZh(n);
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  for (const [unit, , letter] of UNITS) {
    if (abs >= unit) return `${sign}${trimmed(abs / unit, abs / unit >= 100 ? 0 : abs / unit >= 10 ? 1 : 2)}${letter}`;
  }
  if (abs >= 1e3) return `${sign}${trimmed(abs / 1e3, abs >= 1e5 ? 0 : 1)}K`;
  return sign + trimmed(abs, abs >= 100 ? 0 : 1);
}

/** Compact CNY from fen: "¥12.3M"; in Chinese "¥1230万", exactly from the integer fen. */
export function compactCny(fen: Fen): string {
  if (currentLang() === 'zh-CN') return compactCnyZh(fen);
  return `¥${compactNumber(fenToNumber(fen) / 100)}`;
}

/** Pace against last year: "+12.3%", "−4.0%", "±0.0%"; a dash when there is nothing to compare. */
export function formatPacePct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return '—';
  const r = Math.round(pct * 10) / 10;
  if (r === 0) return '±0.0%';
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)}%`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock time of `ms` in the show's zone, 24-hour ("16:31", or "16:31:05" with seconds). */
export function timeOfDay(ms: number, timeZone: string, withSeconds = false): string {
  const key = `${timeZone}|${withSeconds}`;
  let f = timeFormats.get(key);
  if (f === undefined) {
    const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (withSeconds) opts.second = '2-digit';
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone });
    } catch {
      // An unknown zone must not take the panel down: UTC is at least labelled consistently.
      f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: 'UTC' });
    }
    timeFormats.set(key, f);
  }
  return f.format(ms);
}
