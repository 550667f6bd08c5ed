/**
 * Wall-clock time in a named zone without the browser's own zone getting in the
 * way: the replay's "go to" field takes show-local times (00:38:28 in Shanghai),
 * whatever zone the analyst's laptop is in.
 */
import { t } from '../i18n/t.js';

/** A wall-clock reading: calendar date and time of day, month 1-12. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partFormats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading of instant `ms` in `timeZone` (whole seconds; the ms are dropped). */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const p of partFormat(timeZone).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** Zone offset at instant `ms` in ms (local minus UTC), from the zone's own reading of it. */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = zonedParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant a wall clock in `timeZone` reads `p`. The offset is taken at the
 * guess and checked again at the answer, which settles it across a DST change.
 * In a gap (a time the clock skipped) neither reads `p`: the later one is taken,
 * as the clock jumped forward (02:30 in a 02:00 → 03:00 jump is 03:30).
 */
export function zonedToEpoch(p: ZonedParts, timeZone: string): number {
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const first = local - offsetAt(local, timeZone);
  const second = local - offsetAt(first, timeZone);
  if (first === second) return second;
  const reads = (ms: number) => {
    const q = zonedParts(ms, timeZone);
    return q.day === p.day && q.hour === p.hour && q.minute === p.minute && q.second === p.second;
  };
  if (reads(second)) return second;
  if (reads(first)) return first;
  return Math.max(first, second);
}

/** "HH:MM:SS" of instant `ms` in `timeZone`. */
export function zonedClock(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return [p.hour, p.minute, p.second].map((n) => String(n).padStart(2, '0')).join(':');
}

/** "YYYY-MM-DD" of instant `ms` in `timeZone`. */
export function zonedDate(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

const GO_TO = /^\s*(?:(\d{4})-(\d{2})-(\d{2})[ T])?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;

export type GoToParse = { ok: true; ms: number } | { ok: false; message: string };

/**
 * Reads the "go to" field: `HH:MM[:SS]` or `YYYY-MM-DD HH:MM[:SS]`, in the show's
 * zone. A bare time means that time on the show-local day of `fromMs`, or of a
 * later day when the range spans midnight and only that day holds it. The answer
 * must lie within [fromMs, toMs].
 */
export function parseGoTo(text: string, range: { fromMs: number; toMs: number; timeZone: string }): GoToParse {
  const m = GO_TO.exec(text);
  if (m === null) return { ok: false, message: t('goto.typeTime') };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: t('goto.notTime') };
  const inRange = (ms: number) => ms >= range.fromMs && ms <= range.toMs;
  if (m[1] !== undefined) {
    const ms = zonedToEpoch(
      { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour, minute, second },
      range.timeZone,
    );
    const back = zonedParts(ms, range.timeZone);
    if (back.month !== Number(m[2]) || back.day !== Number(m[3])) return { ok: false, message: t('goto.notDate') };
    return inRange(ms) ? { ok: true, ms } : { ok: false, message: t('goto.outside') };
  }
  // Every show-local day the range touches, first to last.
  const lastDay = zonedDate(range.toMs, range.timeZone);
  for (let day = zonedParts(range.fromMs, range.timeZone), i = 0; i < 400; i++) {
    const ms = zonedToEpoch({ ...day, hour, minute, second }, range.timeZone);
    if (inRange(ms)) return { ok: true, ms };
    const date = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
    if (date >= lastDay) break;
    const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
    day = { ...day, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  }
  return { ok: false, message: t('goto.outside') };
}
