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
  // spans: every long task and every script of the board's over 50 ms. Each lasts 50 ms or more, so
  // a 5 s drain holds at most ~200: the cap only guards against a drain that never comes.
  const b = { deltas: new Float64Array(1 << 16), n: 0, loafs: 0, loafScriptMs: 0, maxLoafScriptMs: 0, spans: [] };
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
        if (b.spans.length < 1000) b.spans.push({ kind: 'task', startMs: e.startTime, ms: e.duration });
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
  /** Long animation frames (over 50 ms), the board's script time in them, the most in one. */
  loafs: number;
  loafScriptMs: number;
  maxLoafScriptMs: number;
  /** Each long task and each of the board's scripts over 50 ms, when it ran (page clock) and how long. */
  spans: Span[];
}

/** A long task, or one of the board's scripts over 50 ms ("invoker function file:char"). */
export type Span =
  { kind: 'task'; startMs: number; ms: number } | { kind: 'script'; key: string; startMs: number; ms: number };

/** Whether a span overlaps any of the windows [fromMs, toMs] (page clock). */
export function overlapsAny(span: Span, windows: readonly (readonly [number, number])[]): boolean {
  return windows.some(([from, to]) => span.startMs <= to && span.startMs + span.ms >= from);
}

/** Page function: takes what the probe collected since the last drain and resets it. */
export const DRAIN = `
(() => {
  const b = window.__boardBench;
  const out = { deltas: Array.from(b.deltas.subarray(0, b.n)),
    loafs: b.loafs, loafScriptMs: b.loafScriptMs, maxLoafScriptMs: b.maxLoafScriptMs, spans: b.spans };
  b.n = 0; b.loafs = 0; b.loafScriptMs = 0; b.maxLoafScriptMs = 0; b.spans = [];
  return out;
})()
`;
