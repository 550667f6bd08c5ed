import { decimalToFenExact } from '../../../shared/money.js';
import type { SeriesRow } from '../../../shared/history.js';

/** The show's running gross, scaled into a box: an SVG path, and the instant of a click at x. */
export interface AuditCurve {
  path: string;
  /** The instant at x (0…width), within the show. */
  instantAt(x: number): number;
  /** x of an instant (clamped into the box). */
  xOf(ms: number): number;
}

/**
 * Cumulative gross GMV of a series (steps of the show, ascending) from `fromMs` to `toMs`, as a
 * path in a `width` × `height` box (y grows down). Doubles are enough for a drawing.
 */
export function auditCurve(
  rows: readonly SeriesRow[],
  fromMs: number,
  toMs: number,
  width: number,
  height: number,
): AuditCurve {
  const span = Math.max(1, toMs - fromMs);
  const xOf = (ms: number) => Math.min(width, Math.max(0, ((ms - fromMs) / span) * width));
  let sum = 0;
  const points: [number, number][] = [[0, 0]];
  for (const r of rows) {
    sum += Number(decimalToFenExact(r.gmv));
    points.push([xOf(Date.parse(r.t)), sum]);
  }
  const top = Math.max(1, sum);
  const path = points
    .map(([x, v], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${(height - (v / top) * height).toFixed(1)}`)
    .join('');
  return {
    path,
    xOf,
    instantAt: (x) => Math.round(fromMs + (Math.min(width, Math.max(0, x)) / width) * span),
  };
}
