import { formatFen } from '../../../shared/money.js';
import type { FenMilestone } from '../../live/decode.js';

/** Milestones already seen crossed, by key; null before the first message. */
export type SeenMilestones = ReadonlySet<string> | null;

export function milestoneKey(m: Pick<FenMilestone, 'fen' | 'kind'>): string {
  return `${m.kind}:${formatFen(m.fen)}`;
}

/**
 * The milestones crossed since the last call. The first call only takes stock:
 * milestones already crossed when the screen opened are history, not news, so
 * nobody gets a burst of notifications on load.
 */
export function newlyCrossed(
  seen: SeenMilestones,
  milestones: readonly FenMilestone[],
): { seen: Set<string>; fresh: FenMilestone[] } {
  const crossed = milestones.filter((m) => m.crossedAtMs !== null);
  const next = new Set(seen ?? []);
  const fresh: FenMilestone[] = [];
  for (const m of crossed) {
    const key = milestoneKey(m);
    if (next.has(key)) continue;
    next.add(key);
    if (seen !== null) fresh.push(m);
  }
  return { seen: next, fresh };
}
