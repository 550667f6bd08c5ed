/**
 * How fresh a screen's data is: green while new orders keep arriving, amber, then red, when
 * none has arrived for a while. A pure function of the age, so the wall's mark and the crew's
 * console (which shows it for every screen) agree on the same thresholds.
 */
export type Freshness = 'fresh' | 'amber' | 'red';

/** Ages, ms, from which the data counts as amber and as red (amber < red). */
export interface StaleThresholds {
  amberMs: number;
  redMs: number;
}

/** STALE_AMBER_SECONDS and STALE_RED_SECONDS when unset (server/env.ts), and a board's fallback. */
export const DEFAULT_STALE: StaleThresholds = { amberMs: 5_000, redMs: 15_000 };

/** The freshness of data `ageMs` old; an age exactly at a threshold is already past it. */
export function freshness(ageMs: number, t: StaleThresholds): Freshness {
  if (ageMs >= t.redMs) return 'red';
  if (ageMs >= t.amberMs) return 'amber';
  return 'fresh';
}

/**
 * Thresholds from "amber,red" in seconds (`?stale=5,15`); null when the text is not two
 * positive numbers with amber below red.
 */
export function parseStale(text: string): StaleThresholds | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (m === null) return null;
  const amberMs = Math.round(Number(m[1]) * 1000);
  const redMs = Math.round(Number(m[2]) * 1000);
  if (!(amberMs > 0 && redMs > amberMs)) return null;
  return { amberMs, redMs };
}
