import { geoConicEqualArea, geoMercator, geoPath, select } from 'd3';
import type { GeoProjection } from 'd3';
import { MERCHANT_HUBS } from '../../../shared/geo.js';
import type { Arc } from '../../../shared/protocol.js';
import { currentLang } from '../../i18n/lang.js';
import { t } from '../../i18n/t.js';
import type { Chart } from '../useChart.js';
import { mainlandCentroid } from './atlas.js';
import { isProvince, provinceName, UNKNOWN_PROVINCE_LONLAT } from './china.js';
import type { ChinaAtlas, ChinaShape } from './china.js';
import { arcLayer } from './layer.js';
import type { Flight } from './layer.js';
import { placer } from './render.js';
import type { MapStats } from './render.js';
import { routeOf } from './routes.js';

export interface ChinaData {
  /** The newest batch of arcs; `seq` tells a new one from one already drawn. */
  arcs: { seq: number; arcs: Arc[] };
  ordersPerArc: number;
}

export type ChinaChart = Chart<ChinaData | null> & { stats(): MapStats };

type Box = [[number, number], [number, number]];

/** The inset's frame: this share of the map's height, 4:5. */
const INSET_HEIGHT = 0.28;
/** A stand-in end used within this long keeps its label on screen. */
const SINK_NOTE_MS = 10_000;

/**
 * The China view's projections for a w × h box: an equal-area conic centred on 105°E (the usual
 * map of China) fitted to the mainland, Hong Kong, Macao and Taiwan, leaving the bottom-right
 * corner to the South China Sea inset, which has its own frame and projection.
 */
export function chinaLayout(
  atlas: ChinaAtlas,
  w: number,
  h: number,
): { main: GeoProjection; inset: GeoProjection | null; insetBox: Box | null } {
  const pad = Math.min(w, h) * 0.04;
  const ih = (h - 2 * pad) * INSET_HEIGHT;
  const iw = ih * 0.8;
  const main = geoConicEqualArea()
    .parallels([25, 47])
    .rotate([-105, 0])
    .fitExtent(
      [
        [pad, pad],
        [w - pad - (atlas.inset === null ? 0 : iw * 0.6), h - pad],
      ],
      { type: 'FeatureCollection', features: atlas.shapes },
    );
  if (atlas.inset === null) return { main, inset: null, insetBox: null };
  // Beside the map's bottom-right corner (on a wide panel the box's corner would be far from it).
  const [, [right, bottom]] = geoPath(main).bounds({ type: 'FeatureCollection', features: atlas.shapes });
  const x0 = Math.min(w - pad - iw, right + pad * 0.5);
  const y1 = Math.min(h - pad, bottom);
  const insetBox: Box = [
    [x0, y1 - ih],
    [x0 + iw, y1],
  ];
  return { main, inset: geoMercator().fitExtent(insetBox, atlas.inset), insetBox };
}

/**
 * The China view: province shapes (drawn once per size, never per frame) with their names,
 * and the domestic flows (buyer country CN) flying from the merchant (or its hub, labelled as
 * a stand-in) to the buyer province's capital, or to a labelled sink when the province is not
 * known. Cross-border flows fly on the world view.
 */
export function createChina(atlas: ChinaAtlas): (el: HTMLElement) => ChinaChart {
  return (el) => {
    const root = select(el);
    const svg = root.append('svg').attr('class', 'map-svg');
    const land = svg.append('g').attr('class', 'map-land');
    const insetG = svg.append('g').attr('class', 'map-inset').attr('data-testid', 'map-inset');
    const insetFrame = insetG.append('rect').attr('class', 'map-inset-frame');
    const insetPath = insetG.append('path').attr('class', 'map-inset-shape');
    const labels = svg.append('g').attr('class', 'map-labels');
    const hubs = svg.append('g').attr('class', 'map-hubs');
    const sink = svg.append('g').attr('class', 'map-sink').attr('data-testid', 'map-sink').attr('display', 'none');
    const sinkMark = sink.append('circle');
    const sinkText = sink.append('text').text(t('map.provinceUnknown'));
    const layer = arcLayer(root);
    let projection: GeoProjection = geoConicEqualArea();
    const place = placer(() => projection);
    let lastSeq: number | null = null;
    let sinkAtMs = -Infinity;
    let sinkShown = false;

    const paths = land
      .selectAll<SVGPathElement, ChinaShape>('path')
      .data(atlas.shapes, (f) => f.id)
      .join('path')
      .attr('class', (f) => (isProvince(f.id) ? 'map-country map-province' : 'map-country map-region'))
      .attr('data-id', (f) => f.id);
    const provinces = atlas.shapes.filter((f) => isProvince(f.id));
    const labelAt = new Map(provinces.map((f) => [f.id, mainlandCentroid(f.geometry)]));
    const names = labels
      .selectAll<SVGTextElement, ChinaShape>('text')
      .data(provinces, (f) => f.id)
      .join('text')
      .attr('class', 'map-province-label')
      .attr('data-id', (f) => f.id)
      .text((f) => provinceName(f.id));

    function layout(): void {
      const w = el.clientWidth;
      const h = el.clientHeight;
      svg.attr('width', w).attr('height', h);
      if (w > 0 && h > 0) {
        const { main, inset, insetBox } = chinaLayout(atlas, w, h);
        projection = main;
        const path = geoPath(main);
        paths.attr('d', (f) => path(f) ?? '');
        const k = Math.max(1, Math.min(w / 900, 3));
        const fontPx = 11 * k;
        // A name only where the province is large enough to hold it (Beijing, Tianjin, Shanghai are not at 1080p).
        names
          .attr('x', (f) => main(labelAt.get(f.id) as [number, number])?.[0] ?? -100)
          .attr('y', (f) => main(labelAt.get(f.id) as [number, number])?.[1] ?? -100)
          .style('font-size', `${fontPx}px`)
          .style('display', (f) => (path.area(f) >= 25 * fontPx * fontPx ? null : 'none'));
        if (inset !== null && insetBox !== null && atlas.inset !== null) {
          insetFrame
            .attr('x', insetBox[0][0])
            .attr('y', insetBox[0][1])
            .attr('width', insetBox[1][0] - insetBox[0][0])
            .attr('height', insetBox[1][1] - insetBox[0][1]);
          insetPath.attr('d', geoPath(inset)(atlas.inset) ?? '');
        }
        hubs
          .selectAll('circle')
          .data(MERCHANT_HUBS, (hub) => (hub as (typeof MERCHANT_HUBS)[number]).name)
          .join('circle')
          .attr('r', 2.5 * k)
          .attr('cx', (hub) => main(hub.lonLat)?.[0] ?? -10)
          .attr('cy', (hub) => main(hub.lonLat)?.[1] ?? -10);
        const [sx, sy] = main(UNKNOWN_PROVINCE_LONLAT as [number, number]) ?? [-100, -100];
        sinkMark
          .attr('cx', sx)
          .attr('cy', sy)
          .attr('r', 5 * k);
        // Kept inside the box (a narrow one clips it): about 0.6 em a character, CJK wider.
        const half = (sinkText.text().length * fontPx * (currentLang() === 'zh-CN' ? 1 : 0.6)) / 2;
        sinkText
          .attr('x', Math.max(half, Math.min(sx, w - 2 - half)))
          .attr('y', sy + 5 * k + fontPx)
          .style('font-size', `${fontPx}px`);
      }
      layer.layout(w, h, place);
    }

    function spawn(arcs: readonly Arc[], ordersPerArc: number): void {
      const flights: Flight[] = [];
      let sunk = false;
      for (const arc of arcs) {
        // Only buyers in mainland China are placed here; a country anchor is never asked for.
        const r = routeOf(arc, () => null);
        if (r === null || !r.domestic) continue;
        if (r.to === null) sunk = true;
        flights.push({ from: r.from, to: r.to ?? UNKNOWN_PROVINCE_LONLAT, fromHub: r.fromHub });
      }
      const now = performance.now();
      if (sunk) sinkAtMs = now;
      const show = now - sinkAtMs < SINK_NOTE_MS;
      if (show !== sinkShown) {
        sinkShown = show;
        sink.attr('display', show ? 'inline' : 'none');
      }
      layer.fly(flights, ordersPerArc);
    }

    layout();
    return {
      update(data) {
        if (data === null) return;
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
  };
}
