import type { ArcPool } from './pool.js';

/** The part of a 2D context arcs need: a fake with the same methods counts calls in unit tests. */
export type ArcContext = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'moveTo' | 'lineTo' | 'stroke' | 'fill' | 'rect' | 'arc'
> & { globalAlpha: number; lineWidth: number; strokeStyle: unknown; fillStyle: unknown };

export interface ArcStyle {
  /** Time from hub to buyer. */
  travelMs: number;
  /** Length of the glowing trail, as a share of the way. */
  tail: number;
  /** Radius of the landing ring at its widest, px. */
  ringPx: number;
  lineWidth: number;
  color: string;
  headPx: number;
}

export interface DrawStats {
  drawn: number;
  /** Live arcs left out of this frame because the time budget ran out. */
  skipped: number;
}

/** An arc lives while it travels (1) and while its tail and landing ring fade (tail). */
export function lifeMs(style: ArcStyle): number {
  return style.travelMs * (1 + style.tail);
}

/** Levels of opacity: arcs are batched into one path per level, so a frame strokes 4 paths, not one per arc. */
const LEVELS = 4;
const TRAIL_STEPS = 6;
/** Look at the clock every this many arcs: often enough to keep the budget, rarely enough to be free. */
const CLOCK_EVERY = 16;

let levels = new Uint8Array(0);

/**
 * Draws the live arcs of `pool` at `nowMs`: brightest levels first, so when the
 * frame's time budget runs out the faintest (oldest) are the ones left out.
 */
export function drawArcs(
  ctx: ArcContext,
  pool: ArcPool,
  nowMs: number,
  style: ArcStyle,
  budgetMs: number,
  clock: () => number = () => performance.now(),
): DrawStats {
  const started = clock();
  const d = pool.data;
  const n = pool.size;
  if (levels.length < pool.capacity) levels = new Uint8Array(pool.capacity);
  let live = 0;
  for (let k = 0; k < n; k++) {
    const p = (nowMs - d[pool.offset(k) + 6]!) / style.travelMs;
    let level = 0;
    if (p >= 0 && p < 1 + style.tail) {
      const alpha = p <= 1 ? 1 : 1 - (p - 1) / style.tail;
      level = Math.max(1, Math.ceil(alpha * LEVELS));
      live++;
    }
    levels[k] = level;
  }
  let drawn = 0;
  let seen = 0;
  ctx.lineWidth = style.lineWidth;
  ctx.strokeStyle = style.color;
  ctx.fillStyle = style.color;
  outer: for (let level = LEVELS; level >= 1; level--) {
    ctx.globalAlpha = level / LEVELS;
    ctx.beginPath();
    let any = false;
    for (let k = 0; k < n; k++) {
      if (levels[k] !== level) continue;
      if (++seen % CLOCK_EVERY === 0 && clock() - started > budgetMs) {
        if (any) ctx.stroke();
        break outer;
      }
      traceArc(ctx, d, pool.offset(k), (nowMs - d[pool.offset(k) + 6]!) / style.travelMs, style);
      any = true;
      drawn++;
    }
    if (any) ctx.stroke();
  }
  return { drawn, skipped: live - drawn };
}

function traceArc(ctx: ArcContext, d: Float64Array, o: number, p: number, style: ArcStyle): void {
  const x0 = d[o]!;
  const y0 = d[o + 1]!;
  const cx = d[o + 2]!;
  const cy = d[o + 3]!;
  const x1 = d[o + 4]!;
  const y1 = d[o + 5]!;
  const t1 = Math.min(1, p);
  const t0 = Math.max(0, p - style.tail);
  if (t1 > t0) {
    for (let i = 0; i <= TRAIL_STEPS; i++) {
      const t = t0 + ((t1 - t0) * i) / TRAIL_STEPS;
      const u = 1 - t;
      const x = u * u * x0 + 2 * u * t * cx + t * t * x1;
      const y = u * u * y0 + 2 * u * t * cy + t * t * y1;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
  }
  if (p < 1) {
    // The head: a small square is far cheaper than a circle and reads the same at this size.
    const u = 1 - t1;
    const hx = u * u * x0 + 2 * u * t1 * cx + t1 * t1 * x1;
    const hy = u * u * y0 + 2 * u * t1 * cy + t1 * t1 * y1;
    ctx.rect(hx - style.headPx / 2, hy - style.headPx / 2, style.headPx, style.headPx);
  } else {
    const r = Math.max(0.5, ((p - 1) / style.tail) * style.ringPx);
    ctx.moveTo(x1 + r, y1);
    ctx.arc(x1, y1, r, 0, Math.PI * 2);
  }
}
