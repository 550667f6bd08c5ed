import { decimalToFenExact } from '../../../shared/money.js';
import type { Program } from '../../../shared/protocol.js';
import type { FenMilestone } from '../../live/decode.js';

/**
 * When the milestone card on air says its milestone was reached: the live figures' crossing
 * (a late sale may have revised it), else the one an armed cue put on air with the card
 * (`Program.crossedAtMs`: exact before a tick carries it, and while the wall holds older
 * figures); null: still to go. Never the time of the take.
 */
export function cardCrossedAtMs(
  program: Pick<Program, 'scene' | 'crossedAtMs'> | null,
  milestones: readonly FenMilestone[] | null,
): number | null {
  const amount = program?.scene.kind === 'milestone' ? program.scene.milestone : undefined;
  if (amount === undefined) return null;
  const fen = decimalToFenExact(amount);
  return milestones?.find((m) => m.fen == fen)?.crossedAtMs ?? program?.crossedAtMs ?? null;
}
