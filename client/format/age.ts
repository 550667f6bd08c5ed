import { formatDuration } from '../../shared/time.js';
import { t } from '../i18n/t.js';

/** Age of the newest data for the freshness mark: "0.4 s", "12 s", then "00:03:05" (in Chinese "0.4秒", "12秒"). */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return t('unit.s', { n: (clamped / 1000).toFixed(1) });
  if (clamped < 60_000) return t('unit.s', { n: Math.floor(clamped / 1000) });
  return formatDuration(clamped / 1000);
}

/** Order-to-screen lag: milliseconds while under a second ("240 ms", "240毫秒"), then as an age. */
export function formatLag(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 1000) return t('unit.ms', { n: Math.round(clamped) });
  return formatAge(clamped);
}
