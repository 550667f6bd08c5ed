import { validateOrder, type ValidationContext } from '../../shared/order.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { insertChunks, type RowChunk } from '../store/bulk.js';
import type { StoreHandle } from '../store/client.js';

export interface DayLoad {
  year: number;
  scale: number;
  seed: number;
  /** Called after each INSERT with the orders loaded so far and the show-second reached. */
  onProgress?: (loaded: number, second: number) => void;
}

export interface DayLoadResult {
  show: string;
  orders: number;
  ms: number;
}

const CHUNK = 200_000;

/**
 * A simulated day as validated rows, in chunks of about 200,000 orders. Every order
 * passes the same validation as ingest, so a loaded day is indistinguishable from a
 * streamed one. Generated lazily: the store inserts one chunk while the next is made.
 */
export function* dayChunks(
  load: Pick<DayLoad, 'year' | 'scale' | 'seed'>,
  ctx: ValidationContext,
  shows: Set<string> = new Set(),
): Generator<RowChunk> {
  const gen = new DayGenerator({ year: load.year, scale: load.scale, seed: load.seed });
  let rows: RowChunk['rows'] = [];
  for (let s = 0; s < DAY_SECONDS; s++) {
    for (const { fields } of gen.second(s)) {
      const check = validateOrder(fields, ctx);
      if (!check.ok) throw new Error(`generated order ${fields.order_id} is invalid: ${check.code} ${check.message}`);
      shows.add(check.order.show);
      rows.push(check.order);
    }
    if (rows.length >= CHUNK || (s === DAY_SECONDS - 1 && rows.length > 0)) {
      yield { rows, second: s + 1 };
      rows = [];
    }
  }
}

/** Generates a whole simulated day and stores it in bulk (load-day, the demo's last year, tests). */
export async function loadDay(store: StoreHandle, ctx: ValidationContext, load: DayLoad): Promise<DayLoadResult> {
  const shows = new Set<string>();
  const r = await insertChunks(store, dayChunks(load, ctx, shows), load.onProgress);
  return { show: [...shows].at(-1) ?? '', ...r };
}
