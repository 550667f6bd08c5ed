/**
 * The board's JS self time by function, from a V8 CPU profile taken over the DevTools protocol
 * (bench:board --profile): where the main thread's script time goes, heaviest first.
 */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  pct: number;
}

/** Self time of each function (by name and place), summed over the profile's samples. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, SelfTime>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byNode.get(profile.samples[i]!);
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (frame === undefined) continue;
    total += us;
    const file = frame.url.split('/').pop() ?? '';
    const where = file === '' ? '' : `${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const t = totals.get(key) ?? { name, where, ms: 0, pct: 0 };
    t.ms += us / 1000;
    totals.set(key, t);
  }
  const list = [...totals.values()].sort((a, b) => b.ms - a.ms);
  for (const t of list) t.pct = total === 0 ? 0 : (100 * t.ms * 1000) / total;
  return list;
}
