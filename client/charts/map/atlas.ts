import { geoArea, geoCentroid } from 'd3';
import type { Feature, Geometry, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Bundled with the app (Vite inlines the JSON): the wall works offline.
import countries110m from 'world-atlas/countries-110m.json';
import { FALLBACK_LONLAT } from './fallback-lonlat.js';
import { ISO_NUMERIC } from './iso-numeric.js';

export type LonLat = readonly [number, number];
export type CountryFeature = Feature<Geometry, { name: string }> & { id: string };

export interface Atlas {
  /** Country shapes to draw, Antarctica left out (nobody ships there and it eats a fifth of the height). */
  features: CountryFeature[];
  /** Where arcs land, by world-atlas numeric id: the centroid of the country's largest polygon. */
  anchors: ReadonlyMap<string, LonLat>;
}

const ANTARCTICA = '010';
let atlas: Atlas | null = null;

/** The world, parsed once per page and shared by every map (a remount must not parse it again). */
export function worldAtlas(): Atlas {
  if (atlas !== null) return atlas;
  const topo = countries110m as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const all = feature(topo, topo.objects.countries).features as CountryFeature[];
  // A few disputed areas have no ISO id in the atlas: drawn as land, never an arc target.
  const features = all.filter((f) => f.id !== ANTARCTICA);
  const anchors = new Map<string, LonLat>();
  for (const f of features) if (typeof f.id === 'string') anchors.set(f.id, mainlandCentroid(f.geometry));
  atlas = { features, anchors };
  return atlas;
}

/**
 * The centroid of the largest polygon: the plain centroid of France (with French
 * Guiana) or the US (with Alaska and Hawaii) would land arcs in the sea.
 */
export function mainlandCentroid(g: Geometry): LonLat {
  if (g.type !== 'MultiPolygon') return geoCentroid(g) as unknown as LonLat;
  let best: Position[][] | undefined;
  let bestArea = -1;
  for (const rings of g.coordinates) {
    const a = geoArea({ type: 'Polygon', coordinates: rings } satisfies Polygon);
    if (a > bestArea) {
      bestArea = a;
      best = rings;
    }
  }
  return geoCentroid(best ? { type: 'Polygon', coordinates: best } : g) as unknown as LonLat;
}

/**
 * Where an arc to a buyer country lands: the atlas shape, else the small-country
 * table, else null (the arc is skipped; an unknown code never throws).
 */
export function anchorOf(alpha2: string, anchors: ReadonlyMap<string, LonLat>): LonLat | null {
  const id = ISO_NUMERIC.get(alpha2);
  const shaped = id === undefined ? undefined : anchors.get(id);
  return shaped ?? FALLBACK_LONLAT[alpha2] ?? null;
}
