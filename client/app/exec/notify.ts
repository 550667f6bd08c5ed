import type { Milestone } from '../../../shared/protocol.js';

/** Milestones already seen crossed, by key; null before the first message. */
export type SeenMilestones = ReadonlySet<string> | null;

export function milestoneKey(m: Pick<Milestone, 'amount' | 'kind'>): string {
  return `${m.kind}:${m.amount}`;
}

/**
 * The milestones crossed since the last call. The first call only takes stock:
 * milestones already crossed when the screen opened are history, not news, so
 * nobody gets a burst of notifications on load.
 */
export function newlyCrossed(
  seen: SeenMilestones,
  milestones: readonly Milestone[],
): { seen: Set<string>; fresh: Milestone[] } {
  const crossed = milestones.filter((m) => m.crossedAtMs !== null);
  const next = new Set(seen ?? []);
  const fresh: Milestone[] = [];
  for (const m of crossed) {
    const key = milestoneKey(m);
    if (next.has(key)) continue;
    next.add(key);
    if (seen !== null) fresh.push(m);
  }
  return { seen: next, fresh };
}
