/**
 * What a board's `?probe=1` hook records for each live message it applied (`window.__gmvPaints`,
 * client/live/present.ts): read by the frame-lock test and scripts/bench/frame-lock.ts.
 */
export interface Presented {
  seq: number;
  /** Client clock (performance.timeOrigin + now) when it arrived, and when the frame that applied it started. */
  arrivedMs: number;
  frameMs: number;
  /** presentAtMs + offset on the client clock (capped by the longest hold); -Infinity: shown on arrival. */
  dueMs: number;
  presentAtMs: number | null;
  offsetMs: number | null;
}
