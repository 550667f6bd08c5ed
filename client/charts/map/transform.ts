import { decimalToFen } from '../../../shared/money.js';
import type { BreakdownRow } from '../../../shared/protocol.js';
import { ISO_NUMERIC } from './iso-numeric.js';

/** A country's GMV as a share of the leading country's, keyed by world-atlas id. */
export interface CountryHeat {
  id: string;
  share: number;
}

/** Heat of the ranked buyer countries; rows with an unknown code or an unparsable amount are left out. */
export function countryHeat(rows: readonly BreakdownRow[]): CountryHeat[] {
  const fen: { id: string; fen: number }[] = [];
  for (const r of rows) {
    const id = ISO_NUMERIC.get(r.key);
    if (id === undefined) continue;
    try {
      fen.push({ id, fen: decimalToFen(r.gmv) });
    } catch {
      // A bad row must not take the map down.
    }
  }
  const max = fen.reduce((m, c) => Math.max(m, c.fen), 0);
  return max <= 0 ? [] : fen.map((c) => ({ id: c.id, share: c.fen / max }));
}

/** Land fill opacity: a floor for every country, then a square-root ramp so the long tail still shows. */
export function heatOpacity(share: number): number {
  const s = Math.min(1, Math.max(0, share));
  return 0.35 + 0.65 * Math.sqrt(s);
}
