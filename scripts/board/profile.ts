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

export interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

/**
 * Time per trace event name and thread over a Chromium trace (bench:board --trace): where the
 * renderer's frame time goes outside JS (style, layout, paint, raster, canvas, compositing).
 * Only complete events ('X') are summed; nested events are counted inside their parents too.
 */
export function traceTimes(
  events: readonly TraceEvent[],
  seconds: number,
): { thread: string; name: string; msPerS: number }[] {
  const threads = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  }
  const sums = new Map<string, { thread: string; name: string; us: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? String(e.tid);
    const key = `${thread}\u0000${e.name}`;
    const s = sums.get(key) ?? { thread, name: e.name, us: 0 };
    s.us += e.dur;
    sums.set(key, s);
  }
  return [...sums.values()]
    .map((s) => ({ thread: s.thread, name: s.name, msPerS: s.us / 1000 / seconds }))
    .sort((a, b) => b.msPerS - a.msPerS);
}
