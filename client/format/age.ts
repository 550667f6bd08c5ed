import { formatDuration } from '../../shared/time.js';

/** Age of the newest data for the freshness mark: "0.4 s", "12 s", then "00:03:05". */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return `${(clamped / 1000).toFixed(1)} s`;
  if (clamped < 60_000) return `${Math.floor(clamped / 1000)} s`;
  return formatDuration(clamped / 1000);
}

/** Order-to-screen lag: milliseconds while under a second ("240 ms"), then as an age. */
export function formatLag(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 1000) return `${Math.round(clamped)} ms`;
  return formatAge(clamped);
}
