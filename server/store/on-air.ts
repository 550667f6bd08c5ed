import type { Snapshot, Tick } from '../../shared/protocol.js';
import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = [
  'show',
  'seq',
  'kind',
  'sent_at',
  'as_of',
  'gross_orders',
  'gross_gmv',
  'net_orders',
  'net_gmv',
  'committed_at',
  'newest_event',
  'healthy',
  'built_at',
  'keep_days',
];
const FRAME_COLUMNS = ['show', 'seq', 'sent_at', 'frame', 'keep_days'];

/** What a row carries besides the message: when the live state on air was built, and the days the row is kept. */
export interface OnAirExtra {
  builtAtMs: number;
  keepDays: number;
}

const instant = (ms: number | null) => (ms === null ? '\\N' : epochSeconds(ms));

/** The `on_air` row of a broadcast message, TabSeparated (the show id and amounts carry no tabs or newlines). */
export function onAirRow(
  show: string,
  kind: 'tick' | 'snapshot',
  m: Snapshot | Tick,
  extra: OnAirExtra = { builtAtMs: 0, keepDays: 400 },
): string {
  return (
    `${show}\t${m.seq}\t${kind}\t${epochSeconds(m.sentAtMs)}\t${epochSeconds(m.asOfMs)}\t` +
    `${m.gross.orders}\t${m.gross.gmv}\t${m.net.orders}\t${m.net.gmv}\t` +
    `${instant(m.committedAtMs ?? null)}\t${instant(m.newestEventMs ?? null)}\t${m.healthy === false ? 0 : 1}\t` +
    `${epochSeconds(extra.builtAtMs)}\t${extra.keepDays}\n`
  );
}

/** A string as one TabSeparated field (backslash, tab and newline escaped). */
function field(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** The `on_air_frames` row of a frame (its JSON) recorded with message `seq` sent at `sentAtMs`. */
export function onAirFrameRow(show: string, seq: number, sentAtMs: number, json: string, keepDays: number): string {
  return `${show}\t${seq}\t${epochSeconds(sentAtMs)}\t${field(json)}\t${keepDays}\n`;
}

/** Appends rows made by onAirRow to `on_air` in one INSERT. */
export async function insertOnAir(store: StoreHandle, rows: string): Promise<void> {
  if (rows !== '') await insertTsv(store, 'on_air', COLUMNS, rows, 'gmv-on-air');
}

/** Appends rows made by onAirFrameRow to `on_air_frames` in one INSERT. */
export async function insertOnAirFrames(store: StoreHandle, rows: string): Promise<void> {
  if (rows !== '') await insertTsv(store, 'on_air_frames', FRAME_COLUMNS, rows, 'gmv-on-air-frames');
}
