import type { Snapshot, Tick } from '../../shared/protocol.js';
import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = ['show', 'seq', 'kind', 'sent_at', 'as_of', 'gross_orders', 'gross_gmv', 'net_orders', 'net_gmv'];

/** The `on_air` row of a broadcast message, TabSeparated (the show id and amounts carry no tabs or newlines). */
export function onAirRow(show: string, kind: 'tick' | 'snapshot', m: Snapshot | Tick): string {
  return (
    `${show}\t${m.seq}\t${kind}\t${epochSeconds(m.sentAtMs)}\t${epochSeconds(m.asOfMs)}\t` +
    `${m.gross.orders}\t${m.gross.gmv}\t${m.net.orders}\t${m.net.gmv}\n`
  );
}

/** Appends rows made by onAirRow to `on_air` in one INSERT. */
export async function insertOnAir(store: StoreHandle, rows: string): Promise<void> {
  if (rows !== '') await insertTsv(store, 'on_air', COLUMNS, rows, 'gmv-on-air');
}
