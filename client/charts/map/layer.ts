import type { Selection } from 'd3';
import { formatCount } from '../../format/number.js';
import { t } from '../../i18n/t.js';
import type { LonLat } from './atlas.js';
import { drawArcs, lifeMs } from './draw.js';
import type { ArcStyle, DrawStats } from './draw.js';
import { ArcPool } from './pool.js';
import type { Place } from './pool.js';
import { ArcScale } from './scale.js';

/** Most arcs started per batch: the server's per-tick sample (server/domain/board.ts ARC_BUDGET). */
export const MAX_SPAWN = 48;
/** The shortest gap between two ticks the server allows (TICK_MS). */
export const MIN_TICK_MS = 100;
export const FRAME_BUDGET_MS = 4;
/** Arcs of one batch start spread over about one tick gap, so they stream instead of pulsing. */
export const SPREAD_MS = 100;
/** A stand-in end used within this long is named in the legend. */
const NOTE_MS = 10_000;

/**
 * Room for the peak: full batches at the fastest tick rate, each arc alive for its whole
 * life, plus one batch of slack for ticks that arrive bunched after a stall. At that rate
 * no started arc is ever cut; past it new arcs are refused and the scale says so.
 */
export function peakCapacity(style: ArcStyle): number {
  return MAX_SPAWN * (Math.ceil((lifeMs(style) + SPREAD_MS) / MIN_TICK_MS) + 1);
}

/** One arc to start: its ends on the globe, and whether its start is the merchant's hub (a stand-in). */
export interface Flight {
  from: LonLat;
  to: LonLat;
  fromHub: boolean;
}

export interface ArcLayer {
  /** Sizes the canvas and places the live arcs again for a new projection (`place`, CSS pixels). */
  layout(w: number, h: number, place: Place): void;
  /** Starts a batch's flights, standing for `ordersPerArc` orders each, as far as the pool has room. */
  fly(flights: readonly Flight[], ordersPerArc: number): void;
  stats(): DrawStats & { alive: number; capacity: number; refused: number; ordersPerArc: number };
  destroy(): void;
}

/**
 * The canvas of flying arcs over a map, with its pool, its frame loop and its legend
 * ("1 arc ≈ N orders" of what it draws, and a note while arcs start at merchant hubs).
 * Shared by the world and China views; each view decides which arcs are its own.
 */
export function arcLayer(root: Selection<HTMLElement, unknown, null, undefined>): ArcLayer {
  // The legend comes before the canvas, so it is painted under the arcs: over the canvas's own
  // compositor layer it would need one too, and Chromium squashed it into a layer the size of the
  // whole board, drawn again on every frame (docs/benchmarks.md, "Board at 4K").
  const legend = root.append('div').attr('class', 'map-legend');
  const canvas = root.append('canvas').attr('class', 'map-arcs').node() as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  const scaleText = legend.append('span').attr('class', 'map-scale').attr('data-testid', 'orders-per-arc');
  const hubNote = legend
    .append('span')
    .attr('class', 'map-note')
    .attr('data-testid', 'map-origin-note')
    .text(t('map.originHub'))
    .style('display', 'none');
  const style: ArcStyle = { travelMs: 1400, tail: 0.45, ringPx: 8, lineWidth: 1.5, color: '#ffcf5a', headPx: 3 };
  const life = lifeMs(style);
  const pool = new ArcPool(peakCapacity(style));
  const scale = new ArcScale();
  const a: [number, number] = [0, 0];
  const b: [number, number] = [0, 0];
  let place: Place = () => false;
  let dpr = 1;
  let frame = 0;
  let last: DrawStats = { drawn: 0, skipped: 0 };
  let shownScale = -1;
  let hubAtMs = -Infinity;
  let hubShown = false;

  function tick(): void {
    frame = 0;
    if (ctx === null) return;
    const now = performance.now();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    pool.prune(now, life);
    last = drawArcs(ctx, pool, now, style, FRAME_BUDGET_MS);
    ctx.globalAlpha = 1;
    // The loop runs only while arcs are alive: an idle map costs no frames.
    if (pool.size > 0) frame = requestAnimationFrame(tick);
  }

  function showLegend(now: number): void {
    const n = scale.value(now);
    if (n !== shownScale) {
      shownScale = n;
      scaleText
        .attr('data-value', n)
        .text(n > 0 ? t(n === 1 ? 'map.arcScale.one' : 'map.arcScale.other', { count: formatCount(n) }) : '');
    }
    const hub = now - hubAtMs < NOTE_MS;
    if (hub !== hubShown) {
      hubShown = hub;
      hubNote.style('display', hub ? 'inline' : 'none');
    }
  }

  return {
    layout(w, h, next) {
      place = next;
      dpr = Math.min(2, window.devicePixelRatio || 1);
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      const k = Math.max(1, Math.min(w / 900, 3));
      Object.assign(style, { lineWidth: 2 * k * dpr, ringPx: 8 * k * dpr, headPx: 4.5 * k * dpr });
      // Arcs in flight finish their flight on the new layout.
      if (w > 0 && h > 0) pool.replace(place, dpr);
      else pool.clear();
      ctx?.clearRect(0, 0, canvas.width, canvas.height);
    },
    fly(flights, ordersPerArc) {
      const now = performance.now();
      const n = Math.min(flights.length, MAX_SPAWN);
      let started = 0;
      if (ctx !== null && canvas.width > 0) {
        for (let i = 0; i < n; i++) {
          const f = flights[i]!;
          if (!place(f.from[0], f.from[1], a) || !place(f.to[0], f.to[1], b)) continue;
          const born = now + (i / n) * SPREAD_MS;
          // A full pool refuses the arc (and counts it): the arcs in flight finish theirs.
          if (!pool.add(a[0] * dpr, a[1] * dpr, b[0] * dpr, b[1] * dpr, born, f.from[0], f.from[1], f.to[0], f.to[1]))
            continue;
          started++;
          if (f.fromHub) hubAtMs = now;
        }
      }
      if (flights.length > 0 && ordersPerArc > 0) scale.record(now, flights.length * ordersPerArc, started);
      showLegend(now);
      if (frame === 0 && pool.size > 0) frame = requestAnimationFrame(tick);
    },
    stats: () => ({
      ...last,
      alive: pool.size,
      capacity: pool.capacity,
      refused: pool.refused,
      ordersPerArc: scale.value(performance.now()),
    }),
    destroy() {
      cancelAnimationFrame(frame);
      frame = 0;
      pool.clear();
      // Release the backing store now: a 4K canvas is tens of MB that GC may otherwise keep.
      canvas.width = 0;
      canvas.height = 0;
    },
  };
}
