import { parseStale, type StaleThresholds } from '../../shared/freshness.js';

/** What a screen's URL says about its freshness mark. */
export interface FreshnessOptions {
  /** `?stale=5,15`: this screen's amber and red thresholds in seconds, over the server's; null: the server's. */
  stale: StaleThresholds | null;
  /** `?marks=1`: show the mark in kiosk mode too (the director's choice; a clean TV picture otherwise). */
  marks: boolean;
}

/** Reads `?stale=` and `?marks=` from a location's search; a bad `stale` is ignored. */
export function freshnessOptions(search: string): FreshnessOptions {
  const q = new URLSearchParams(search);
  const stale = q.get('stale');
  const marks = q.get('marks');
  return {
    stale: stale === null ? null : parseStale(stale),
    marks: marks !== null && marks !== '0' && marks !== 'false',
  };
}
