import type { ReplayControl } from '../../../shared/history.js';

/** What a key does on the replay screen. */
export type KeyAction = { kind: 'toggle' } | { kind: 'step'; seconds: number };

/** Space plays or pauses; arrows step a second, with Shift a minute. Other keys are not ours. */
export function keyAction(key: string, shift: boolean): KeyAction | null {
  if (key === ' ' || key === 'Spacebar') return { kind: 'toggle' };
  if (key === 'ArrowLeft') return { kind: 'step', seconds: shift ? -60 : -1 };
  if (key === 'ArrowRight') return { kind: 'step', seconds: shift ? 60 : 1 };
  return null;
}

/**
 * The control for a step: the protocol's `step` moves a paused replay; a playing
 * one is moved by seeking to its position plus the step, clamped to its range.
 */
export function stepControl(
  status: { playing: boolean; positionMs: number; fromMs: number; toMs: number },
  seconds: number,
): ReplayControl {
  if (!status.playing) return { action: 'step', seconds };
  const atMs = Math.min(status.toMs, Math.max(status.fromMs, status.positionMs + seconds * 1000));
  return { action: 'seek', atMs };
}

/** Replay speeds offered as buttons (show-seconds per second). */
export const SPEED_PRESETS = [1, 10, 60, 600, 3600] as const;
