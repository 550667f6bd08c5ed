import type { AuditEntry, DirectorActionKind } from '../../shared/director.js';
import type { Scene } from '../../shared/protocol.js';
import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = ['show', 'at', 'who', 'action', 'scene', 'milestone', 'rev', 'held_seq'];

/** One director action as it is recorded: `who` is a token's label (never the token). */
export interface DirectorRecord {
  show: string;
  atMs: number;
  who: string;
  action: DirectorActionKind;
  scene: Scene;
  rev: number;
  heldSeq: number | null;
}

/** Text for a TabSeparated field: the labels and ids here carry no tabs or newlines, but never trust that. */
function field(s: string): string {
  return s.replace(/[\t\n\\]/g, ' ');
}

/** Records one director action in `director_actions` (one INSERT, committed before it returns). */
export async function insertDirectorAction(store: StoreHandle, r: DirectorRecord): Promise<void> {
  const row =
    `${field(r.show)}\t${epochSeconds(r.atMs)}\t${field(r.who)}\t${r.action}\t${r.scene.kind}\t` +
    `${field(r.scene.milestone ?? '')}\t${r.rev}\t${r.heldSeq === null ? '\\N' : r.heldSeq}\n`;
  await insertTsv(store, 'director_actions', COLUMNS, row, 'gmv-director');
}

/** The show's director actions, newest first, at most `limit`. */
export async function readDirectorActions(store: StoreHandle, show: string, limit: number): Promise<AuditEntry[]> {
  const rs = await store.query({
    query: `SELECT toString(toUnixTimestamp64Milli(at)) AS ms, who, action, scene, milestone,
                   toString(rev) AS rev, toString(held_seq) AS held
            FROM ${store.db}.director_actions WHERE show = {show:String}
            ORDER BY at DESC, rev DESC LIMIT {limit:UInt32}`,
    query_params: { show, limit },
    format: 'JSONCompactEachRow',
  });
  const rows = await rs.json<[string, string, AuditEntry['action'], Scene['kind'], string, string, string | null]>();
  return rows.map(([ms, who, action, kind, milestone, rev, held]) => ({
    at: new Date(Number(ms)).toISOString(),
    who,
    action,
    scene: milestone === '' ? { kind } : { kind, milestone },
    rev: Number(rev),
    heldSeq: held === null ? null : Number(held),
  }));
}
