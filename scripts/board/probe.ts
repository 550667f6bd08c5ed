/**
 * Runs inside the board page before its own code: records the gap between
 * animation frames and every long task, into fixed-size buffers the bench drains
 * every few seconds. Kept as a string so it runs verbatim in the page.
 */
export const PROBE = `
(() => {
  const b = { deltas: new Float64Array(1 << 16), n: 0, longTasks: 0, longTaskMs: 0, maxLongTaskMs: 0 };
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
        if (e.duration > b.maxLongTaskMs) b.maxLongTaskMs = e.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
})();
`;

export interface ProbeDrain {
  deltas: number[];
  longTasks: number;
  longTaskMs: number;
  maxLongTaskMs: number;
}

/** Page function: takes what the probe collected since the last drain and resets it. */
export const DRAIN = `
(() => {
  const b = window.__boardBench;
  const out = { deltas: Array.from(b.deltas.subarray(0, b.n)), longTasks: b.longTasks, longTaskMs: b.longTaskMs, maxLongTaskMs: b.maxLongTaskMs };
  b.n = 0; b.longTasks = 0; b.longTaskMs = 0; b.maxLongTaskMs = 0;
  return out;
})()
`;
