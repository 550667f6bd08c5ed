import { Type, type Static } from 'typebox';
import { decimalToFenExact } from './money.js';
import { Instant, Money, ProgramSchema, SceneSchema, type Program, type Scene } from './protocol.js';

/**
 * The director's console (docs/director.md): the program state machine, pure, and the HTTP
 * contract of /api/v1/director/*. The live node holds one DirectorState; every change of its
 * program reaches the boards as a `program` message.
 */

/** Where the director's routes live. */
export const DIRECTOR_PATH = '/api/v1/director';

/** How an armed cue goes on air: by itself at the crossing, or at the director's take after it. */
export const CueModeSchema = Type.Union([Type.Literal('auto'), Type.Literal('manual')]);
export type CueMode = Static<typeof CueModeSchema>;

/**
 * An armed milestone cue (docs/director.md, "Armed milestone cues"): the card for `amount`,
 * `armed` until the live node finds the crossing, then `crossed` (waiting for a take) or `on-air`.
 */
export const CueSchema = Type.Object({
  amount: Money,
  mode: CueModeSchema,
  state: Type.Union([Type.Literal('armed'), Type.Literal('crossed'), Type.Literal('on-air')]),
  /** The exact event time of the crossing (revised when a late sale moves it); null while armed. */
  crossedAtMs: Type.Union([Type.Integer(), Type.Null()]),
});
export type Cue = Static<typeof CueSchema>;

/** POST /api/v1/director/arm. */
export const ArmRequestSchema = Type.Object({ amount: Money, mode: CueModeSchema }, { additionalProperties: false });

/**
 * What the director sees: the program (on air), the preview (the scene a take puts on air) and
 * the armed cue (at most one; null: none).
 */
export const DirectorStateSchema = Type.Object({
  program: ProgramSchema,
  preview: SceneSchema,
  cue: Type.Union([CueSchema, Type.Null()]),
});
export type DirectorState = Static<typeof DirectorStateSchema>;

/** POST /api/v1/director/preview. */
export const PreviewRequestSchema = Type.Object({ scene: SceneSchema }, { additionalProperties: false });

/** What a director can do; each one is recorded in the audit. */
export const DIRECTOR_ACTIONS = ['preview', 'take', 'hold', 'release', 'arm', 'disarm'] as const;
export type DirectorActionKind = (typeof DIRECTOR_ACTIONS)[number];

export type DirectorAction =
  | { type: 'preview'; scene: Scene }
  | { type: 'take' }
  /** `seq`: the seq of the figures on air when the hold began. */
  | { type: 'hold'; seq: number }
  | { type: 'release' }
  /** `milestone`: the show's milestone at that amount as the live node knows it; null: no milestone of the show. */
  | { type: 'arm'; amount: string; mode: CueMode; milestone: { crossedAtMs: number | null } | null }
  | { type: 'disarm' }
  /** The live node found (or revised) the exact event time `atMs` at which gross GMV reached `fen`. */
  | { type: 'crossed'; fen: number; atMs: number };

/** One recorded action: who (a token's label, never the token), when and what, with the program after it. */
export const AuditEntrySchema = Type.Object({
  at: Instant,
  who: Type.String(),
  action: Type.Union([
    Type.Literal('preview'),
    Type.Literal('take'),
    Type.Literal('hold'),
    Type.Literal('release'),
    Type.Literal('arm'),
    Type.Literal('disarm'),
  ]),
  /** The scene the action concerned: the new preview, the scene taken, the scene on air for hold and release. */
  scene: SceneSchema,
  /** The program's rev after the action. */
  rev: Type.Integer(),
  /** For a hold: the seq of the figures held. */
  heldSeq: Type.Union([Type.Integer(), Type.Null()]),
  /** For an arm: the cue's mode; for a take by an armed cue (`who` "auto"): "auto". */
  mode: Type.Union([CueModeSchema, Type.Null()]),
  /** For a take of an armed cue's card after its crossing: the exact event time of the crossing. */
  crossedAt: Type.Union([Instant, Type.Null()]),
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
    cue: null,
  };
}

/** Why an action cannot be done; the state is unchanged. */
export type DirectorRefusal =
  | 'milestone-scene-needs-milestone'
  | 'scene-takes-no-milestone'
  /** Only the board and map scenes show the map: no other scene takes a map view. */
  | 'scene-takes-no-map'
  /** Only the show's milestones (MILESTONES, last year's total) have an exact crossing to wait for. */
  | 'cue-not-a-milestone-of-the-show'
  /** Crossed already: preview and take its card instead. */
  | 'cue-milestone-already-crossed';

export type DirectorStep =
  | {
      ok: true;
      state: DirectorState;
      /** True when the program changed (the boards must hear of it). */ onAir: boolean;
    }
  | { ok: false; reason: DirectorRefusal };

/**
 * A scene as the wall can show it: the milestone card names its milestone, no other scene does;
 * only the board and map scenes may name a map view.
 */
export function checkScene(scene: Scene): DirectorRefusal | null {
  if (scene.map !== undefined && scene.kind !== 'board' && scene.kind !== 'map') return 'scene-takes-no-map';
  if (scene.kind === 'milestone') return scene.milestone === undefined ? 'milestone-scene-needs-milestone' : null;
  return scene.milestone === undefined ? null : 'scene-takes-no-milestone';
}

/** The milestone card of a cue's amount. */
export function cueCard(amount: string): Scene {
  return { kind: 'milestone', milestone: amount };
}

function isCueCard(cue: Cue, scene: Scene): boolean {
  return scene.kind === 'milestone' && scene.milestone !== undefined && sameAmount(scene.milestone, cue.amount);
}

function sameAmount(a: string, b: string): boolean {
  return decimalToFenExact(a) === decimalToFenExact(b);
}

/**
 * The program state machine. A preview never touches what is on air; a take puts the preview on
 * air (the hold stays as it was); a hold keeps the seq of the figures on air; a release lets the
 * wall follow the live state again. Hold while held and release while not held change nothing.
 *
 * Armed cues: an arm puts the card of a milestone still to go in preview and waits for its
 * crossing (`crossed`, from the live node). In auto mode, not held, the crossing puts the card on
 * air with the crossing's event time; in manual mode (or while held: the wall must not move) the
 * cue turns `crossed` and the take of its card puts it on air with that time. A later `crossed`
 * (a late sale revised the crossing) only moves the cue's time.
 */
export function direct(state: DirectorState, action: DirectorAction, atMs: number): DirectorStep {
  const program = (p: Omit<Program, 'rev' | 'atMs'>, next: Partial<DirectorState> = {}): DirectorStep => ({
    ok: true,
    state: { ...state, ...next, program: { ...p, rev: state.program.rev + 1, atMs } },
    onAir: true,
  });
  const same = (next: Partial<DirectorState> = {}): DirectorStep => ({
    ok: true,
    state: { ...state, ...next },
    onAir: false,
  });
  const { held, heldSeq } = state.program;
  const cue = state.cue;
  switch (action.type) {
    case 'preview': {
      const refused = checkScene(action.scene);
      if (refused) return { ok: false, reason: refused };
      return same({ preview: { ...action.scene } });
    }
    case 'take': {
      const scene = { ...state.preview };
      if (cue !== null && cue.crossedAtMs !== null && isCueCard(cue, scene)) {
        return program({ scene, held, heldSeq, crossedAtMs: cue.crossedAtMs }, { cue: { ...cue, state: 'on-air' } });
      }
      return program({ scene, held, heldSeq });
    }
    // The scene stays, and with it the crossing time a cue's card carries.
    case 'hold':
      return held ? same() : program({ ...state.program, held: true, heldSeq: action.seq });
    case 'release':
      return held ? program({ ...state.program, held: false, heldSeq: null }) : same();
    case 'arm':
      if (action.milestone === null) return { ok: false, reason: 'cue-not-a-milestone-of-the-show' };
      if (action.milestone.crossedAtMs !== null) return { ok: false, reason: 'cue-milestone-already-crossed' };
      return same({
        preview: cueCard(action.amount),
        cue: { amount: action.amount, mode: action.mode, state: 'armed', crossedAtMs: null },
      });
    case 'disarm':
      return same({ cue: null });
    case 'crossed': {
      if (cue === null || decimalToFenExact(cue.amount) !== action.fen) return same();
      // Found again unchanged (after a rebuild of the live state): nothing to do.
      if (cue.state !== 'armed' && cue.crossedAtMs === action.atMs) return same();
      const crossed = { ...cue, crossedAtMs: action.atMs };
      if (cue.state !== 'armed') return same({ cue: crossed });
      if (cue.mode === 'auto' && !held) {
        return program(
          { scene: cueCard(cue.amount), held, heldSeq, crossedAtMs: action.atMs },
          { cue: { ...crossed, state: 'on-air' } },
        );
      }
      return same({ cue: { ...crossed, state: 'crossed' } });
    }
  }
}

/** The newer of two programs (by rev): a board keeps it whichever order they arrive in. */
export function newerProgram(a: Program | null, b: Program | null | undefined): Program | null {
  if (!b) return a;
  if (!a) return b;
  return b.rev >= a.rev ? b : a;
}
