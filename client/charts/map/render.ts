import { geoNaturalEarth1, geoPath, select } from 'd3';
import type { GeoProjection } from 'd3';
import { MERCHANT_HUBS } from '../../../shared/geo.js';
import type { Arc } from '../../../shared/protocol.js';
import type { Chart } from '../useChart.js';
import { anchorOf, worldAtlas } from './atlas.js';
import type { CountryFeature } from './atlas.js';
import type { DrawStats } from './draw.js';
import { arcLayer } from './layer.js';
import type { ArcLayer, Flight } from './layer.js';
import type { Place } from './pool.js';
import { routeOf } from './routes.js';
import { heatOpacity } from './transform.js';
import type { CountryHeat } from './transform.js';

export interface MapData {
  /** Buyer countries by GMV share (0..1 of the leader). */
  heat: CountryHeat[];
  /** The newest batch of arcs; `seq` tells a new one from one already drawn. */
  arcs: { seq: number; arcs: Arc[] };
  /** Orders each arc of the batch stands for (the server's "1 arc ≈ N orders"). */
  ordersPerArc: number;
}

export type MapStats = DrawStats & { alive: number; capacity: number; refused: number; ordersPerArc: number };
export type MapChart = Chart<MapData | null> & { stats(): MapStats };

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

/** Places [lon, lat] with `projection` into `out` (no allocation beyond d3's own). */
export function placer(projection: () => GeoProjection): Place {
  const p: [number, number] = [0, 0];
  return (lon, lat, out) => {
    p[0] = lon;
    p[1] = lat;
    const xy = projection()(p);
    if (xy === null || !Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) return false;
    out[0] = xy[0];
    out[1] = xy[1];
    return true;
  };
}

/** The world view: cross-border flows (domestic ones fly on the China view, ./china-render.ts). */
export function create(el: HTMLElement): MapChart {
  const { features, anchors } = worldAtlas();
  const root = select(el);
  const svg = root.append('svg').attr('class', 'map-svg');
  const land = svg.append('g').attr('class', 'map-land');
  const hubs = svg.append('g').attr('class', 'map-hubs');
  const layer: ArcLayer = arcLayer(root);
  const toCountry = (alpha2: string) => anchorOf(alpha2, anchors);
  let projection: GeoProjection = geoNaturalEarth1().rotate(ROTATE);
  const place = placer(() => projection);
  let lastSeq: number | null = null;

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
    if (w > 0 && h > 0) {
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
      hubs
        .selectAll('circle')
        .data(MERCHANT_HUBS, (hub) => (hub as (typeof MERCHANT_HUBS)[number]).name)
        .join('circle')
        .attr('r', 2.5 * scale)
        .attr('cx', (hub) => projection(hub.lonLat)?.[0] ?? -10)
        .attr('cy', (hub) => projection(hub.lonLat)?.[1] ?? -10);
    }
    layer.layout(w, h, place);
  }

  function spawn(arcs: readonly Arc[], ordersPerArc: number): void {
    const flights: Flight[] = [];
    for (const arc of arcs) {
      const r = routeOf(arc, toCountry);
      if (r !== null && !r.domestic && r.to !== null) flights.push({ from: r.from, to: r.to, fromHub: r.fromHub });
    }
    layer.fly(flights, ordersPerArc);
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
        if (lastSeq !== null) spawn(data.arcs.arcs, data.ordersPerArc);
        lastSeq = data.arcs.seq;
      }
    },
    resize: layout,
    stats: layer.stats,
    destroy() {
      layer.destroy();
      root.selectAll('*').remove();
    },
  };
}
