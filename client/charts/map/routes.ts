import { MERCHANT_HUBS } from '../../../shared/geo.js';
import type { Arc } from '../../../shared/protocol.js';
import { provinceOf } from '../../../shared/provinces.js';
import type { LonLat } from './atlas.js';

/** Where one arc flies on the globe, and which of its ends are stand-ins the map labels as such. */
export interface Route {
  /** The buyer is in mainland China (country CN): drawn on the China view, not on the world's. */
  domestic: boolean;
  from: LonLat;
  /** The merchant's location was not known: the arc starts at its hub (shared/geo.ts). */
  fromHub: boolean;
  /** Where the arc lands; null for a domestic arc whose buyer province is not known (the view's labelled sink). */
  to: LonLat | null;
}

/**
 * The route of an arc in either form (shared/protocol.ts ArcSchema): from the merchant's location
 * if the arc carries one, else its hub; to the buyer province's capital for a domestic arc (null when
 * the province is not known), to the buyer country's anchor for a cross-border one. Null when the
 * arc cannot be placed (an unknown hub or country): it is left out, never drawn wrong.
 */
export function routeOf(arc: Arc, countryAnchor: (alpha2: string) => LonLat | null): Route | null {
  const hub = MERCHANT_HUBS[arc[0]]?.lonLat;
  const lonE1 = arc.length === 5 ? arc[3] : null;
  const latE1 = arc.length === 5 ? arc[4] : null;
  const located = lonE1 !== null && latE1 !== null && Math.abs(lonE1) <= 1800 && Math.abs(latE1) <= 900;
  const from: LonLat | undefined = located ? [lonE1 / 10, latE1 / 10] : hub;
  if (from === undefined) return null;
  const domestic = arc[1] === 'CN';
  if (domestic) {
    const province = arc.length === 5 ? provinceOf(arc[2]) : undefined;
    return { domestic, from, fromHub: !located, to: province?.lonLat ?? null };
  }
  const to = countryAnchor(arc[1]);
  return to === null ? null : { domestic, from, fromHub: !located, to };
}

/** Domestic (buyer in mainland China) and cross-border arcs of a batch, by the buyer's country alone. */
export function countFlows(arcs: readonly Arc[]): { domestic: number; cross: number } {
  let domestic = 0;
  for (const a of arcs) if (a[1] === 'CN') domestic++;
  return { domestic, cross: arcs.length - domestic };
}
