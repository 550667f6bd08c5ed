import { t } from '../i18n/t.js';
import { DEFAULT_STALE, freshness, type Freshness, type StaleThresholds } from '../../shared/freshness.js';
import { clockOffsetMs } from './clock.js';
import type { LiveState } from './state.js';

export type MarkState = 'live' | 'reconnecting' | 'stale';

export interface ConnectionMark {
  state: MarkState;
  label: string;
  /** Age of the newest committed data, on the server clock; null before any order. */
  ageMs: number | null;
  /** Order-to-screen lag last measured (see orderToScreenLagMs); null before new orders arrive. */
  lagMs: number | null;
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

/**
 * How long the newest orders took from their commit on the server to this
 * screen: arrival time on the client, moved onto the server clock by the offset
 * estimated from `sentAtMs` (see clock.ts), minus `committedAtMs`. Measured only
 * on messages that brought new commits; a heartbeat would measure idle time.
 */
export function orderToScreenLagMs(state: LiveState): number | null {
  return state.lagMs;
}

/** Client clock minus server clock, as estimated so far; null before any message. */
export function serverClockOffsetMs(state: LiveState): number | null {
  return clockOffsetMs(state.offsetSamples);
}

export function connectionMark(state: LiveState, nowMs: number): ConnectionMark {
  const ageMs = dataAgeMs(state, nowMs);
  const lagMs = orderToScreenLagMs(state);
  if (state.refusal !== null && state.link !== 'live') return { state: 'stale', label: state.refusal, ageMs, lagMs };
  if (state.link === 'connecting') return { state: 'reconnecting', label: t('link.connecting'), ageMs, lagMs };
  if (state.link === 'reconnecting') return { state: 'reconnecting', label: t('link.reconnecting'), ageMs, lagMs };
  if (state.versionMismatch) return { state: 'stale', label: t('link.outOfDate'), ageMs, lagMs };
  if (state.figures !== null && !state.figures.healthy) return { state: 'stale', label: t('link.stale'), ageMs, lagMs };
  return { state: 'live', label: t('link.live'), ageMs, lagMs };
}

export interface FreshnessMark {
  level: Freshness;
  /** Age of the newest committed data, server clock (see dataAgeMs). */
  ageMs: number;
  /** The thresholds it was judged by. */
  thresholds: StaleThresholds;
}

/**
 * How fresh the board's data is: judged by the age of the newest commit, which only new orders
 * move (a heartbeat tick repeats it), so a quiet feed or a dead link both turn it amber, then red.
 * Thresholds: the screen's own (`?stale=`), else the server's (snapshot `stale`), else the defaults.
 * Null before the server has committed any order: there is nothing to be stale yet.
 */
export function freshnessMark(
  state: LiveState,
  nowMs: number,
  override: StaleThresholds | null = null,
): FreshnessMark | null {
  const ageMs = dataAgeMs(state, nowMs);
  if (ageMs === null) return null;
  const thresholds = override ?? state.stale ?? DEFAULT_STALE;
  return { level: freshness(ageMs, thresholds), ageMs, thresholds };
}
