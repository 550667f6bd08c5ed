import type { MerchantRecord } from '../../shared/merchants.js';

/** No location: a tenth of a degree never takes this value (|lon| <= 1800). */
const NONE = -32768;

/**
 * The merchants' reference data as the live board reads it: a display name for the few
 * ranked rows a tick shows, and a location for the few orders an arc is drawn for; never
 * per order. Packed for ~100k merchants (an index by id, then one array per field: about
 * 100 bytes a merchant with its id and name, ~10 MB for 100k).
 */
export class MerchantDirectory {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly lonE1: Int16Array;
  private readonly latE1: Int16Array;

  constructor(records: readonly MerchantRecord[]) {
    this.lonE1 = new Int16Array(records.length).fill(NONE);
    this.latE1 = new Int16Array(records.length).fill(NONE);
    for (const r of records) {
      let i = this.index.get(r.id);
      if (i === undefined) {
        i = this.names.length;
        this.index.set(r.id, i);
        this.names.push(r.name);
      } else this.names[i] = r.name;
      if (r.lon !== null && r.lat !== null) {
        this.lonE1[i] = Math.round(r.lon * 10);
        this.latE1[i] = Math.round(r.lat * 10);
      }
    }
  }

  get size(): number {
    return this.names.length;
  }

  /** The merchant's display name, or undefined when it is not in the reference data. */
  name(id: string): string | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.names[i];
  }

  /** The merchant's location in tenths of a degree, or null when not known. */
  location(id: string): { lonE1: number; latE1: number } | null {
    const i = this.index.get(id);
    if (i === undefined || this.lonE1[i] === NONE) return null;
    return { lonE1: this.lonE1[i]!, latE1: this.latE1[i]! };
  }
}
