import type { ErrorCodes } from './errors.js';

/** RFC 3339 date-time that carries an explicit offset (Z or ±hh:mm). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

export type TsParse = { ok: true; ms: number } | { ok: false; code: TsErrorCode; message: string };
export type TsErrorCode = ErrorCodes<'GMV_ERR_TS_TYPE' | 'GMV_ERR_TS_FORMAT'>;

/**
 * Parses an event time: an RFC 3339 string with an offset, or an integer of epoch
 * milliseconds. Sub-millisecond digits are truncated.
 */
export function parseTimestamp(value: unknown): TsParse {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      return { ok: false, code: 'GMV_ERR_TS_FORMAT', message: 'ts as a number must be whole epoch milliseconds' };
    }
    return { ok: true, ms: value };
  }
  if (typeof value !== 'string') {
    return { ok: false, code: 'GMV_ERR_TS_TYPE', message: 'ts must be an RFC 3339 string or epoch milliseconds' };
  }
  const m = RFC3339.exec(value);
  if (!m) {
    return {
      ok: false,
      code: 'GMV_ERR_TS_FORMAT',
      message: 'ts must be RFC 3339 with an offset, like 2015-11-11T00:00:00.000+08:00',
    };
  }
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return { ok: false, code: 'GMV_ERR_TS_FORMAT', message: 'ts is not a real calendar date and time' };
  }
  const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  let offsetMin = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return { ok: false, code: 'GMV_ERR_TS_FORMAT', message: 'ts has an invalid offset' };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { ok: true, ms: Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000 };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Formats a duration in seconds as h:mm:ss or mm:ss ("00:38:28"). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}
