import type { AuditEntry, CueMode, DirectorActionKind } from '../../shared/director.js';
import type { Scene } from '../../shared/protocol.js';
import type { StoreHandle } from './client.js';
import { epochSeconds, insertTsv } from './orders.js';

const COLUMNS = ['show', 'at', 'who', 'action', 'scene', 'milestone', 'rev', 'held_seq', 'mode', 'crossed_at'];

/** One director action as it is recorded: `who` is a token's label (never the token). */
export interface DirectorRecord {
  show: string;
  atMs: number;
  who: string;
  action: DirectorActionKind;
  scene: Scene;
  rev: number;
  heldSeq: number | null;
  /** An arm's mode; "auto" for an armed cue's own take. */
  mode: CueMode | null;
  /** A take of an armed cue's card after its crossing: the crossing's exact event time, epoch ms. */
  crossedAtMs: number | null;
}

/** Text for a TabSeparated field: the labels and ids here carry no tabs or newlines, but never trust that. */
function field(s: string): string {
  return s.replace(/[\t\n\\]/g, ' ');
}

/** Records one director action in `director_actions` (one INSERT, committed before it returns). */
export async function insertDirectorAction(store: StoreHandle, r: DirectorRecord): Promise<void> {
  const row =
    `${field(r.show)}\t${epochSeconds(r.atMs)}\t${field(r.who)}\t${r.action}\t${r.scene.kind}\t` +
    `${field(r.scene.milestone ?? '')}\t${r.rev}\t${r.heldSeq === null ? '\\N' : r.heldSeq}\t${r.mode ?? ''}\t` +
    `${r.crossedAtMs === null ? '\\N' : epochSeconds(r.crossedAtMs)}\n`;
  await insertTsv(store, 'director_actions', COLUMNS, row, 'gmv-director');
}

/** The show's director actions, newest first, at most `limit`. */
export async function readDirectorActions(store: StoreHandle, show: string, limit: number): Promise<AuditEntry[]> {
  const rs = await store.query({
    query: `SELECT toString(toUnixTimestamp64Milli(at)) AS ms, who, action, scene, milestone,
                   toString(rev) AS rev, toString(held_seq) AS held, mode,
                   toString(toUnixTimestamp64Milli(crossed_at)) AS crossed
            FROM ${store.db}.director_actions WHERE show = {show:String}
            ORDER BY at DESC, rev DESC LIMIT {limit:UInt32}`,
    query_params: { show, limit },
    format: 'JSONCompactEachRow',
  });
  const rows =
    await rs.json<
      [string, string, AuditEntry['action'], Scene['kind'], string, string, string | null, string, string | null]
    >();
  return rows.map(([ms, who, action, kind, milestone, rev, held, mode, crossed]) => ({
    at: new Date(Number(ms)).toISOString(),
    who,
    action,
    scene: milestone === '' ? { kind } : { kind, milestone },
    rev: Number(rev),
    heldSeq: held === null ? null : Number(held),
    mode: mode === 'auto' || mode === 'manual' ? mode : null,
    crossedAt: crossed === null ? null : new Date(Number(crossed)).toISOString(),
  }));
}
