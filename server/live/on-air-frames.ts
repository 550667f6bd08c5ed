import { FRAME_TOP_ROWS, type OnAirFrame } from '../../shared/audit.js';
import type { Program, Snapshot, Tick } from '../../shared/protocol.js';

/** Least time between two recorded frames, ms (by the messages' sentAtMs). */
export const FRAME_MIN_MS = 1000;

/** The frame of a message: the top rows of each ranking, the milestones, and the program. */
export function frameOf(m: Snapshot | Tick, program: Program | null): OnAirFrame {
  const b = m.breakdowns;
  const top = <T>(rows: readonly T[]) => rows.slice(0, FRAME_TOP_ROWS);
  let shown: OnAirFrame['program'] = null;
  if (program) {
    const { presentAtMs: _, ...rest } = program;
    shown = rest;
  }
  return {
    rankings: {
      channel: top(b.channel),
      country: top(b.country),
      category: top(b.category),
      merchant: top(b.merchant),
    },
    milestones: m.milestones.map((x) => ({ amount: x.amount, kind: x.kind, crossedAtMs: x.crossedAtMs })),
    program: shown,
  };
}

/**
 * Decides which broadcast messages carry a frame into the record. The rule (docs/audit.md):
 * - the first message does;
 * - a message does when the director's program changed since the last frame (a take, a hold:
 *   recorded with the next message, whatever the time);
 * - otherwise a message looks at the rankings and milestones only once FRAME_MIN_MS have passed
 *   since the last frame, and records a frame only if it differs from that one.
 * So at most one frame a second for the figures (86,400 a day at most, ~0 while nothing moves),
 * and a frame read at an instant is the wall's rankings of at most a second (plus one message) before.
 * Only the sampled messages are turned into JSON: the others cost a comparison.
 */
export class FrameSampler {
  private lastJson: string | null = null;
  private lastAtMs = -Infinity;
  private lastRev: number | null = null;

  /** The frame's JSON to record with this message, or null. */
  offer(m: Snapshot | Tick, program: Program | null): string | null {
    const rev = program?.rev ?? null;
    const programChanged = this.lastJson !== null && rev !== this.lastRev;
    if (this.lastJson !== null && !programChanged && m.sentAtMs - this.lastAtMs < FRAME_MIN_MS) return null;
    const json = JSON.stringify(frameOf(m, program));
    // Sampled: the clock restarts even when nothing changed, so the next look is a second later.
    this.lastAtMs = m.sentAtMs;
    if (json === this.lastJson) return null;
    this.lastJson = json;
    this.lastRev = rev;
    return json;
  }
}
