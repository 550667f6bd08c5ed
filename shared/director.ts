import { Type, type Static } from 'typebox';
import { Instant, ProgramSchema, SceneSchema, type Program, type Scene } from './protocol.js';

/**
 * The director's console (docs/director.md): the program state machine, pure, and the HTTP
 * contract of /api/v1/director/*. The live node holds one DirectorState; every change of its
 * program reaches the boards as a `program` message.
 */

/** Where the director's routes live. */
export const DIRECTOR_PATH = '/api/v1/director';

/** What the director sees: the program (on air) and the preview (the scene a take puts on air). */
export const DirectorStateSchema = Type.Object({ program: ProgramSchema, preview: SceneSchema });
export type DirectorState = Static<typeof DirectorStateSchema>;

/** POST /api/v1/director/preview. */
export const PreviewRequestSchema = Type.Object({ scene: SceneSchema }, { additionalProperties: false });

/** What a director can do; each one is recorded in the audit. */
export const DIRECTOR_ACTIONS = ['preview', 'take', 'hold', 'release'] as const;
export type DirectorActionKind = (typeof DIRECTOR_ACTIONS)[number];

export type DirectorAction =
  | { type: 'preview'; scene: Scene }
  | { type: 'take' }
  /** `seq`: the seq of the figures on air when the hold began. */
  | { type: 'hold'; seq: number }
  | { type: 'release' };

/** One recorded action: who (a token's label, never the token), when and what, with the program after it. */
export const AuditEntrySchema = Type.Object({
  at: Instant,
  who: Type.String(),
  action: Type.Union([Type.Literal('preview'), Type.Literal('take'), Type.Literal('hold'), Type.Literal('release')]),
  /** The scene the action concerned: the new preview, the scene taken, the scene on air for hold and release. */
  scene: SceneSchema,
  /** The program's rev after the action. */
  rev: Type.Integer(),
  /** For a hold: the seq of the figures held. */
  heldSeq: Type.Union([Type.Integer(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

/** Most audit entries one answer lists (newest first). */
export const MAX_AUDIT_ENTRIES = 200;

export const AuditQuerySchema = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_ENTRIES })) },
  { additionalProperties: false },
);

export const AuditListSchema = Type.Object({ actions: Type.Array(AuditEntrySchema) });
export type AuditList = Static<typeof AuditListSchema>;

/** The state before any action: the full board on air and in preview, not held. */
export function initialDirector(atMs: number): DirectorState {
  return {
    program: { rev: 0, scene: { kind: 'board' }, held: false, heldSeq: null, atMs },
    preview: { kind: 'board' },
  };
}

/** Why an action cannot be done; the state is unchanged. */
export type DirectorRefusal = 'milestone-scene-needs-milestone' | 'scene-takes-no-milestone';

export type DirectorStep =
  | {
      ok: true;
      state: DirectorState;
      /** True when the program changed (the boards must hear of it). */ onAir: boolean;
    }
  | { ok: false; reason: DirectorRefusal };

/** A scene as the wall can show it: the milestone card names its milestone, no other scene does. */
export function checkScene(scene: Scene): DirectorRefusal | null {
  if (scene.kind === 'milestone') return scene.milestone === undefined ? 'milestone-scene-needs-milestone' : null;
  return scene.milestone === undefined ? null : 'scene-takes-no-milestone';
}

/**
 * The program state machine. A preview never touches what is on air; a take puts the preview on
 * air (the hold stays as it was); a hold keeps the seq of the figures on air; a release lets the
 * wall follow the live state again. Hold while held and release while not held change nothing.
 */
export function direct(state: DirectorState, action: DirectorAction, atMs: number): DirectorStep {
  const program = (p: Omit<Program, 'rev' | 'atMs'>): DirectorStep => ({
    ok: true,
    state: { ...state, program: { ...p, rev: state.program.rev + 1, atMs } },
    onAir: true,
  });
  const { scene, held, heldSeq } = state.program;
  switch (action.type) {
    case 'preview': {
      const refused = checkScene(action.scene);
      if (refused) return { ok: false, reason: refused };
      return { ok: true, state: { ...state, preview: { ...action.scene } }, onAir: false };
    }
    case 'take':
      return program({ scene: { ...state.preview }, held, heldSeq });
    case 'hold':
      return held ? { ok: true, state, onAir: false } : program({ scene, held: true, heldSeq: action.seq });
    case 'release':
      return held ? program({ scene, held: false, heldSeq: null }) : { ok: true, state, onAir: false };
  }
}

/** The newer of two programs (by rev): a board keeps it whichever order they arrive in. */
export function newerProgram(a: Program | null, b: Program | null | undefined): Program | null {
  if (!b) return a;
  if (!a) return b;
  return b.rev >= a.rev ? b : a;
}
