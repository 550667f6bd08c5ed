import type { LiveState } from './state.js';

export type MarkState = 'live' | 'reconnecting' | 'stale';

export interface ConnectionMark {
  state: MarkState;
  label: string;
  /** Age of the newest committed data, on the server clock; null before any order. */
  ageMs: number | null;
}

/**
 * Age of the newest data: server "now" minus `committedAtMs`. Server now is
 * estimated as `sentAtMs` plus client time since arrival, so a TV whose clock is
 * off by minutes still shows a true age (it errs by the one-way latency only).
 */
export function dataAgeMs(state: LiveState, nowMs: number): number | null {
  const f = state.figures;
  if (f === null || f.committedAtMs === null || state.receivedAtMs === null) return null;
  const serverNow = f.sentAtMs + Math.max(0, nowMs - state.receivedAtMs);
  return Math.max(0, serverNow - f.committedAtMs);
}

export function connectionMark(state: LiveState, nowMs: number): ConnectionMark {
  const ageMs = dataAgeMs(state, nowMs);
  if (state.link === 'connecting') return { state: 'reconnecting', label: 'connecting…', ageMs };
  if (state.link === 'reconnecting') return { state: 'reconnecting', label: 'reconnecting…', ageMs };
  if (state.versionMismatch) return { state: 'stale', label: 'board out of date', ageMs };
  if (state.figures !== null && !state.figures.healthy) return { state: 'stale', label: 'stale', ageMs };
  return { state: 'live', label: 'live', ageMs };
}
