/**
 * Writes the China view's shapes (client/charts/map/china-map.json) from the `china-geojson` package
 * (antvis/china-geojson, MIT): the 31 mainland provinces, Hong Kong, Macao and Taiwan, and the South
 * China Sea islands inset. Rings are simplified (Douglas–Peucker, 0.03°: under a pixel on a 4K wall),
 * quantized to 0.01° and delta-encoded, so the lazy chunk is a fraction of the package's 344 KB.
 * The output is committed; run this again only if the source or the settings change.
 *
 *   node --import tsx scripts/china-map.ts [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { geoArea } from 'd3';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { flag, readFlags } from '../shared/cli/args.js';

const SOURCE = 'node_modules/china-geojson/src/geojson/china.json';
const OUT = 'client/charts/map/china-map.json';
const QUANTUM = 0.01;
const TOLERANCE = 0.03;
/** Shapes without a GB/T 2260 province code in the source, by their name there. */
const IDS: Readonly<Record<string, string>> = { 香港: 'HK', 澳门: 'MO', 台湾: 'TW', 南海诸岛: 'inset' };

const flags = readFlags(
  {
    name: 'china-map',
    usage: 'node --import tsx scripts/china-map.ts [flags]',
    about: `Prints the compact China map built from ${SOURCE}; --write puts it in ${OUT}.`,
    flags: { write: flag.boolean({ description: `write ${OUT}` }) },
  },
  process.argv.slice(2),
);

type Source = Feature<Polygon | MultiPolygon, { id?: string; name: string }>;

/** Perpendicular distance of p from the segment a–b, in degrees (fine at this scale). */
function distance(p: Position, a: Position, b: Position): number {
  const dx = b[0]! - a[0]!;
  const dy = b[1]! - a[1]!;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy) / len2));
  return Math.hypot(p[0]! - (a[0]! + t * dx), p[1]! - (a[1]! + t * dy));
}

function simplify(ring: Position[], tolerance: number): Position[] {
  if (ring.length <= 4 || tolerance === 0) return ring;
  const keep = new Uint8Array(ring.length);
  keep[0] = 1;
  keep[ring.length - 1] = 1;
  const stack: [number, number][] = [[0, ring.length - 1]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    let far = -1;
    let max = tolerance;
    for (let k = i + 1; k < j; k++) {
      const d = distance(ring[k]!, ring[i]!, ring[j]!);
      if (d > max) {
        max = d;
        far = k;
      }
    }
    if (far < 0) continue;
    keep[far] = 1;
    stack.push([i, far], [far, j]);
  }
  const out = ring.filter((_, k) => keep[k] === 1);
  return out.length >= 4 ? out : ring;
}

/** Quantized, duplicate points dropped, delta-encoded: [x0, y0, dx1, dy1, ...] in QUANTUM steps. */
function encode(ring: Position[]): number[] {
  const out: number[] = [];
  let px = 0;
  let py = 0;
  for (const [lon, lat] of ring) {
    const x = Math.round(lon! / QUANTUM);
    const y = Math.round(lat! / QUANTUM);
    if (out.length > 0 && x === px && y === py) continue;
    out.push(x - px, y - py);
    px = x;
    py = y;
  }
  return out;
}

const source = JSON.parse(readFileSync(SOURCE, 'utf8')) as { features: Source[] };
const features = source.features.map((f) => {
  const id = IDS[f.properties.name] ?? f.properties.id ?? '';
  if (id === '') throw new Error(`no id for ${f.properties.name}`);
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  // The inset is drawn as it is (its dashes are three-point rings); the rest is simplified.
  const tolerance = id === 'inset' ? 0 : TOLERANCE;
  return {
    id,
    p: polygons.map((rings) =>
      rings.map((ring, r) => {
        let points = simplify(ring, tolerance);
        // d3-geo wants exterior rings clockwise: one ring of the source's inset runs the other way
        // (it would fill the whole globe).
        if (r === 0 && geoArea({ type: 'Polygon', coordinates: [points] }) > 2 * Math.PI) points = points.toReversed();
        return encode(points);
      }),
    ),
  };
});
const out = JSON.stringify({
  source: 'china-geojson 1.0.0 (https://github.com/antvis/china-geojson), MIT; simplified by scripts/china-map.ts',
  quantum: QUANTUM,
  features,
});
if (flags.write) {
  writeFileSync(OUT, out + '\n');
  process.stdout.write(`china-map: wrote ${OUT} (${features.length} shapes, ${out.length} bytes)\n`);
} else {
  process.stdout.write(out + '\n');
}
