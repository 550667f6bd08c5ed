import type { MarkKind } from '../../shared/marks.js';
import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = ['show', 'id', 'at', 'kind', 'label', 'who', 'created_at', 'deleted'];

/** One run-of-show mark as stored: `who` is a token's label (never the token). */
export interface MarkRow {
  show: string;
  id: string;
  atMs: number;
  kind: MarkKind;
  label: string;
  who: string;
  createdAtMs: number;
}

/** A TabSeparated field, escaped as ClickHouse reads it back (labels are free text). */
function tsv(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Writes a mark (`deleted` false) or its tombstone (the same row with `deleted` true), in one
 * synchronous INSERT: committed when it returns.
 */
export async function insertMark(store: StoreHandle, m: MarkRow, deleted: boolean): Promise<void> {
  const row =
    `${tsv(m.show)}\t${m.id}\t${epochSeconds(m.atMs)}\t${m.kind}\t${tsv(m.label)}\t${tsv(m.who)}\t` +
    `${epochSeconds(m.createdAtMs)}\t${deleted ? 1 : 0}\n`;
  await insertTsv(store, 'show_marks', COLUMNS, row, 'gmv-marks');
}

/**
 * The marks of a show that are not removed, one row each: a mark and its tombstone are one group,
 * so the answer is exact whatever the merges did (and across shards). Columns: id, at (ms),
 * kind, label, who, created (ms), at_t (DateTime64).
 */
export function liveMarks(store: StoreHandle): string {
  return `SELECT toString(id) AS id, argMin(at, deleted) AS at_t, toString(argMin(kind, deleted)) AS kind,
                 argMin(label, deleted) AS label, argMin(who, deleted) AS who,
                 argMin(created_at, deleted) AS created_t
          FROM ${store.db}.show_marks WHERE show = {show:String}
          GROUP BY id HAVING max(deleted) = 0`;
}

/** The show's marks, by `at` (then creation, then id). */
export async function readMarks(store: StoreHandle, show: string): Promise<MarkRow[]> {
  const rs = await store.query({
    query: `SELECT id, toString(toUnixTimestamp64Milli(at_t)) AS at, kind, label, who,
                   toString(toUnixTimestamp64Milli(created_t)) AS created
            FROM (${liveMarks(store)}) ORDER BY at_t, created_t, id`,
    query_params: { show },
    format: 'JSONCompactEachRow',
  });
  const rows = await rs.json<[string, string, MarkKind, string, string, string]>();
  return rows.map(([id, at, kind, label, who, created]) => ({
    show,
    id,
    atMs: Number(at),
    kind,
    label,
    who,
    createdAtMs: Number(created),
  }));
}

/**
 * The rev of a show's marks: how many changes were ever written (marks and tombstones). It only
 * grows, across restarts too, so a board can tell a list it has from a newer one.
 */
export async function marksRev(store: StoreHandle, show: string): Promise<number> {
  const rs = await store.query({
    query: `SELECT toString(count()) AS n FROM ${store.db}.show_marks WHERE show = {show:String}`,
    query_params: { show },
    format: 'JSONCompactEachRow',
  });
  const [row] = await rs.json<[string]>();
  return Number(row?.[0] ?? 0);
}
