import { geoNaturalEarth1, geoPath, select } from 'd3';
import type { GeoProjection } from 'd3';
import { MERCHANT_HUBS } from '../../../shared/geo.js';
import type { Arc } from '../../../shared/protocol.js';
import type { Chart } from '../useChart.js';
import { anchorOf, worldAtlas } from './atlas.js';
import type { CountryFeature } from './atlas.js';
import { drawArcs, lifeMs } from './draw.js';
import type { ArcStyle, DrawStats } from './draw.js';
import { ArcPool } from './pool.js';
import { heatOpacity } from './transform.js';
import type { CountryHeat } from './transform.js';

export interface MapData {
  /** Buyer countries by GMV share (0..1 of the leader). */
  heat: CountryHeat[];
  /** The newest batch of arcs; `seq` tells a new one from one already drawn. */
  arcs: { seq: number; arcs: Arc[] };
}

export type MapChart = Chart<MapData | null> & { stats(): DrawStats & { alive: number } };

/** Budgets of the arc layer: the most arcs alive, the most started per batch, and draw time per frame. */
export const MAX_ARCS = 360;
export const MAX_SPAWN = 48;
export const FRAME_BUDGET_MS = 4;
/** Arcs of one batch start spread over about one tick gap, so they stream instead of pulsing. */
const SPREAD_MS = 100;
/** Centre the map on the Pacific side of China: flows to the Americas and to Europe both stay on screen. */
const ROTATE: [number, number] = [-150, 0];
/**
 * What the map is fitted to: every longitude, from 45°S to 72°N. Beyond is
 * mostly ocean and ice (only the tips of Patagonia and New Zealand are cut), and
 * cropping it makes the inhabited world, where arcs land, larger.
 */
const FRAME: GeoJSON.MultiPoint = {
  type: 'MultiPoint',
  coordinates: [-45, 0, 72].flatMap((lat) =>
    Array.from({ length: 37 }, (_, i) => [-ROTATE[0] - 179.9 + i * 9.997, lat]),
  ),
};

export function create(el: HTMLElement): MapChart {
  const { features, anchors } = worldAtlas();
  const root = select(el);
  const svg = root.append('svg').attr('class', 'map-svg');
  const land = svg.append('g').attr('class', 'map-land');
  const hubs = svg.append('g').attr('class', 'map-hubs');
  const canvas = root.append('canvas').attr('class', 'map-arcs').node() as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  const pool = new ArcPool(MAX_ARCS);
  const style: ArcStyle = { travelMs: 1400, tail: 0.45, ringPx: 8, lineWidth: 1.5, color: '#ffcf5a', headPx: 3 };
  const life = lifeMs(style);
  let projection: GeoProjection = geoNaturalEarth1().rotate(ROTATE);
  let lastSeq: number | null = null;
  let frame = 0;
  let last: DrawStats = { drawn: 0, skipped: 0 };
  let dpr = 1;

  const paths = land
    .selectAll<SVGPathElement, CountryFeature>('path')
    .data(features, (f) => f.id)
    .join('path')
    .attr('class', 'map-country')
    .attr('data-id', (f) => f.id);

  function layout(): void {
    const w = el.clientWidth;
    const h = el.clientHeight;
    svg.attr('width', w).attr('height', h);
    dpr = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    if (w === 0 || h === 0) return;
    const pad = Math.min(w, h) * 0.03;
    projection = geoNaturalEarth1()
      .rotate(ROTATE)
      .fitExtent(
        [
          [pad, pad],
          [w - pad, h - pad],
        ],
        FRAME,
      );
    const path = geoPath(projection);
    paths.attr('d', (f) => path(f) ?? '');
    const scale = Math.max(1, Math.min(w / 900, 3));
    Object.assign(style, { lineWidth: 2 * scale * dpr, ringPx: 8 * scale * dpr, headPx: 4.5 * scale * dpr });
    hubs
      .selectAll('circle')
      .data(MERCHANT_HUBS, (hub) => (hub as (typeof MERCHANT_HUBS)[number]).name)
      .join('circle')
      .attr('r', 2.5 * scale)
      .attr('cx', (hub) => projection(hub.lonLat)?.[0] ?? -10)
      .attr('cy', (hub) => projection(hub.lonLat)?.[1] ?? -10);
    // Arcs in flight were placed for the old size; they are short-lived, so start clean.
    pool.clear();
    ctx?.clearRect(0, 0, canvas.width, canvas.height);
  }

  function spawn(arcs: readonly Arc[]): void {
    if (ctx === null || el.clientWidth === 0) return;
    const now = performance.now();
    const n = Math.min(arcs.length, MAX_SPAWN);
    for (let i = 0; i < n; i++) {
      const [hub, country] = arcs[i]!;
      const from = MERCHANT_HUBS[hub]?.lonLat;
      const to = anchorOf(country, anchors);
      if (from === undefined || to === null) continue;
      const a = projection(from as [number, number]);
      const b = projection(to as [number, number]);
      if (a === null || b === null) continue;
      pool.add(a[0] * dpr, a[1] * dpr, b[0] * dpr, b[1] * dpr, now + (i / n) * SPREAD_MS);
    }
    if (frame === 0 && pool.size > 0) frame = requestAnimationFrame(tick);
  }

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

  /** Shown opacity by country id; only countries whose heat visibly changed are restyled (10 ticks a second). */
  const shownHeat = new Map<string, number>();
  const pathById = new Map<string, SVGPathElement>();
  paths.each(function (f) {
    pathById.set(f.id, this);
  });
  function paintHeat(heat: readonly CountryHeat[]): void {
    const next = new Map<string, number>();
    for (const c of heat) next.set(c.id, Math.round(heatOpacity(c.share) * 50) / 50);
    for (const id of shownHeat.keys()) if (!next.has(id)) next.set(id, heatOpacity(0));
    for (const [id, opacity] of next) {
      if (shownHeat.get(id) === opacity) continue;
      pathById.get(id)?.style.setProperty('fill-opacity', String(opacity));
      if (opacity === heatOpacity(0)) shownHeat.delete(id);
      else shownHeat.set(id, opacity);
    }
  }

  layout();
  paths.style('fill-opacity', heatOpacity(0));
  return {
    update(data) {
      if (data === null) return;
      paintHeat(data.heat);
      if (data.arcs.seq !== lastSeq) {
        // The first batch seen after (re)creation is history already; only new batches fly.
        if (lastSeq !== null) spawn(data.arcs.arcs);
        lastSeq = data.arcs.seq;
      }
    },
    resize: layout,
    stats: () => ({ ...last, alive: pool.size }),
    destroy() {
      cancelAnimationFrame(frame);
      frame = 0;
      pool.clear();
      // Release the backing store now: a 4K canvas is tens of MB that GC may otherwise keep.
      canvas.width = 0;
      canvas.height = 0;
      root.selectAll('*').remove();
    },
  };
}
