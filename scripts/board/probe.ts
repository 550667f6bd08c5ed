/**
 * Runs inside the board page before its own code: records the gap between
 * animation frames and every long task, into fixed-size buffers the bench drains
 * every few seconds. Kept as a string so it runs verbatim in the page.
 *
 * Long tasks say nothing of whose code ran. The Long Animation Frames API does: each frame
 * over 50 ms lists the scripts that ran in it (what invoked them, the function, its file),
 * so the bench can tell the board's own code over 50 ms from a frame made long by the
 * style, layout, paint or a starved CPU. Scripts of the page's origin are the board's own.
 */
export const PROBE = `
(() => {
  const b = { deltas: new Float64Array(1 << 16), n: 0, longTasks: 0, longTaskMs: 0, maxLongTaskMs: 0,
    loafs: 0, loafScriptMs: 0, maxLoafScriptMs: 0, scripts: {}, spans: [] };
  window.__boardBench = b;
  let last = 0;
  const frame = (t) => {
    if (last !== 0 && b.n < b.deltas.length) b.deltas[b.n++] = t - last;
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        b.longTasks++;
        b.longTaskMs += e.duration;
        if (b.spans.length < 1000) b.spans.push({ kind: 'task', startMs: e.startTime, ms: e.duration });
        if (e.duration > b.maxLongTaskMs) b.maxLongTaskMs = e.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        b.loafs++;
        let own = 0;
        for (const s of e.scripts || []) {
          if (!s.sourceURL || !s.sourceURL.startsWith(location.origin)) continue;
          own += s.duration;
          if (s.duration <= 50) continue;
          const file = s.sourceURL.slice(location.origin.length);
          const key = (s.invoker || '?') + ' ' + (s.sourceFunctionName || '(anonymous)') + ' ' + file + ':' + s.sourceCharPosition;
          const k = b.scripts[key] || (b.scripts[key] = { n: 0, maxMs: 0 });
          k.n++;
          if (s.duration > k.maxMs) k.maxMs = s.duration;
          if (b.spans.length < 1000) b.spans.push({ kind: 'script', key, startMs: s.startTime, ms: s.duration });
        }
        b.loafScriptMs += own;
        if (own > b.maxLoafScriptMs) b.maxLoafScriptMs = own;
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
})();
`;

export interface ProbeDrain {
  deltas: number[];
  longTasks: number;
  longTaskMs: number;
  maxLongTaskMs: number;
  /** Long animation frames (over 50 ms), the board's script time in them, the most in one. */
  loafs: number;
  loafScriptMs: number;
  maxLoafScriptMs: number;
  /** The board's scripts that ran over 50 ms at once: "invoker function file:char" → count, longest. */
  scripts: Record<string, { n: number; maxMs: number }>;
  /** When each long task and each of the board's scripts over 50 ms ran (page clock), to tell the bench's own pauses apart. */
  spans: Span[];
}

export interface Span {
  kind: 'task' | 'script';
  /** The script's "invoker function file:char"; absent for a long task. */
  key?: string;
  startMs: number;
  ms: number;
}

/** Whether a span overlaps any of the windows [fromMs, toMs] (page clock). */
export function overlapsAny(span: Span, windows: readonly (readonly [number, number])[]): boolean {
  return windows.some(([from, to]) => span.startMs <= to && span.startMs + span.ms >= from);
}

/** Page function: takes what the probe collected since the last drain and resets it. */
export const DRAIN = `
(() => {
  const b = window.__boardBench;
  const out = { deltas: Array.from(b.deltas.subarray(0, b.n)), longTasks: b.longTasks, longTaskMs: b.longTaskMs, maxLongTaskMs: b.maxLongTaskMs,
    loafs: b.loafs, loafScriptMs: b.loafScriptMs, maxLoafScriptMs: b.maxLoafScriptMs, scripts: b.scripts, spans: b.spans };
  b.n = 0; b.longTasks = 0; b.longTaskMs = 0; b.maxLongTaskMs = 0;
  b.loafs = 0; b.loafScriptMs = 0; b.maxLoafScriptMs = 0; b.scripts = {}; b.spans = [];
  return out;
})()
`;
