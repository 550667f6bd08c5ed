import type { Feature, MultiPolygon, Position } from 'geojson';
import { PROVINCE_CODES, provinceOf } from '../../../shared/provinces.js';
import { currentLang } from '../../i18n/lang.js';
import type { LonLat } from './atlas.js';

/** A shape of the China view: a mainland province (GB/T 2260 code), HK, MO, TW, or the South China Sea inset. */
export type ChinaShape = Feature<MultiPolygon, null> & { id: string };

export interface ChinaAtlas {
  /** Provinces, Hong Kong, Macao and Taiwan, drawn with the main projection. */
  shapes: ChinaShape[];
  /** The South China Sea islands, drawn in their own frame (bottom right), as maps of China show them. */
  inset: ChinaShape | null;
}

/** What scripts/china-map.ts writes: delta-encoded rings in `quantum` degree steps. */
export interface CompactChina {
  source: string;
  quantum: number;
  features: { id: string; p: number[][][] }[];
}

/** Where a domestic arc lands when its buyer's province is not known: a labelled point out at sea, east of the mainland. */
export const UNKNOWN_PROVINCE_LONLAT: LonLat = [131.5, 31];

export function decodeChina(c: CompactChina): ChinaAtlas {
  const shapes: ChinaShape[] = [];
  let inset: ChinaShape | null = null;
  for (const f of c.features) {
    const coordinates = f.p.map((rings) =>
      rings.map((ring) => {
        const out: Position[] = [];
        let x = 0;
        let y = 0;
        for (let i = 0; i + 1 < ring.length; i += 2) {
          x += ring[i]!;
          y += ring[i + 1]!;
          out.push([round(x * c.quantum), round(y * c.quantum)]);
        }
        return out;
      }),
    );
    const shape: ChinaShape = {
      type: 'Feature',
      id: f.id,
      properties: null,
      geometry: { type: 'MultiPolygon', coordinates },
    };
    if (f.id === 'inset') inset = shape;
    else shapes.push(shape);
  }
  return { shapes, inset };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** True for the 31 mainland provinces (not HK, MO, TW or the inset). */
export function isProvince(id: string): boolean {
  return PROVINCE_CODES.has(id);
}

/** A province's name in the screen's language (shared/provinces.ts); the id itself for anything else. */
export function provinceName(id: string): string {
  const p = provinceOf(id);
  if (p === undefined) return id;
  return currentLang() === 'zh-CN' ? p.zh : p.en;
}

let loading: Promise<ChinaAtlas> | null = null;

/**
 * The China view's shapes, fetched once per page as their own chunk (a board that never shows
 * the China view never loads them) and decoded once.
 */
export function loadChina(): Promise<ChinaAtlas> {
  loading ??= import('./china-map.json').then((m) => decodeChina(m.default as CompactChina));
  // A failed fetch (the network blinked) may be tried again by the next mount.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
