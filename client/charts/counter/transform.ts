import { MAX_TICKS_PER_SECOND } from '../../../shared/protocol.js';

/**
 * The count-up is a chain of straight runs in integer fen. Each new target starts
 * a run from wherever the display stands, lasting a little longer than the
 * expected gap between targets: the display is then still moving when the next
 * target lands, so steady traffic reads as one smooth climb, not a staircase.
 */
export interface Run {
  fromFen: number;
  toFen: number;
  startMs: number;
  durationMs: number;
}

/** Runs outlast the expected tick gap by this factor (see above). */
export const RUN_STRETCH = 1.25;
/** Shortest and longest gap the pace believes in: the server's tick cap, and a few seconds. */
export const MIN_INTERVAL_MS = 1000 / MAX_TICKS_PER_SECOND;
export const MAX_INTERVAL_MS = 3000;
export const INITIAL_INTERVAL_MS = 1000;
/** Weight of the newest gap in the moving estimate; smooths jittery tick timing. */
const GAP_WEIGHT = 0.3;

/** A run that stands still at `fen`. */
export function restAt(fen: number, nowMs: number): Run {
  return { fromFen: fen, toFen: fen, startMs: nowMs, durationMs: 0 };
}

/** Displayed fen at `nowMs`: integer, never below `fromFen`, never above `toFen`, exactly `toFen` once the run is over. */
export function valueAt(run: Run, nowMs: number): number {
  const elapsed = nowMs - run.startMs;
  if (run.toFen <= run.fromFen) return run.fromFen;
  if (elapsed >= run.durationMs) return run.toFen;
  if (elapsed <= 0) return run.fromFen;
  const step = Math.floor((run.toFen - run.fromFen) * (elapsed / run.durationMs));
  return Math.min(run.toFen, run.fromFen + Math.max(0, step));
}

/**
 * The run toward a new target, starting from the value shown now. A target below
 * the display (a correction, a restarted server) holds the display where it is:
 * the hero number never goes backwards.
 */
export function retarget(run: Run, targetFen: number, nowMs: number, durationMs: number): Run {
  const from = valueAt(run, nowMs);
  if (targetFen <= from) return restAt(from, nowMs);
  return { fromFen: from, toFen: targetFen, startMs: nowMs, durationMs: Math.max(0, durationMs) };
}

/** Moving estimate of the gap between targets, from the previous estimate and the gap just seen. */
export function nextIntervalEstimate(prevMs: number, gapMs: number): number {
  const gap = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, gapMs));
  return prevMs + (gap - prevMs) * GAP_WEIGHT;
}

/** How long a run lasts for a given expected gap. */
export function runDuration(intervalMs: number): number {
  return Math.round(intervalMs * RUN_STRETCH);
}

/**
 * One animation step in the shape a frame loop wants it: the value after `elapsedMs`
 * of a run that started at `displayedFen` toward `targetFen`, paced for `intervalMs`.
 */
export function nextDisplayed(displayedFen: number, targetFen: number, elapsedMs: number, intervalMs: number): number {
  return valueAt(retarget(restAt(displayedFen, 0), targetFen, 0, runDuration(intervalMs)), elapsedMs);
}
