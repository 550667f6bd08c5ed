import { fenToNumber } from '../../../shared/money.js';
import type { FenRow } from '../../live/decode.js';
import { ISO_NUMERIC } from './iso-numeric.js';

/** A country's GMV as a share of the leading country's, keyed by world-atlas id. */
export interface CountryHeat {
  id: string;
  share: number;
}

/** Heat of the ranked buyer countries; rows with an unknown code are left out. */
export function countryHeat(rows: readonly FenRow[]): CountryHeat[] {
  const fen: { id: string; fen: number }[] = [];
  for (const r of rows) {
    const id = ISO_NUMERIC.get(r.key);
    if (id === undefined) continue;
    fen.push({ id, fen: fenToNumber(r.fen) });
  }
  const max = fen.reduce((m, c) => Math.max(m, c.fen), 0);
  return max <= 0 ? [] : fen.map((c) => ({ id: c.id, share: c.fen / max }));
}

/** Land fill opacity: a floor for every country, then a square-root ramp so the long tail still shows. */
export function heatOpacity(share: number): number {
  const s = Math.min(1, Math.max(0, share));
  return 0.35 + 0.65 * Math.sqrt(s);
}
