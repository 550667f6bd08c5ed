import type { FastifyBaseLogger } from 'fastify';
import { decimalToFenExact } from '../../shared/money.js';
import {
  direct,
  initialDirector,
  type CueMode,
  type DirectorAction,
  type DirectorActionKind,
  type DirectorRefusal,
  type DirectorState,
} from '../../shared/director.js';
import type { Program } from '../../shared/protocol.js';
import type { DirectorRecord } from '../store/director.js';

/** What the desk needs of the live node: the seq on air, and a way to tell every board (and snapshot) of the program. */
export interface DeskOutlets {
  /** The seq of the figures last broadcast. */
  seqOnAir(): number;
  /** The show's milestone at `fen` as the live state knows it; null: no milestone of the show. */
  milestone(fen: number): { crossedAtMs: number | null } | null;
  /** Puts the program in every later snapshot and sends it to every board, on every node. */
  publish(program: Program): void;
  /** Records an action (the audit); the action happens only once it is recorded. */
  record(r: DirectorRecord): Promise<void>;
}

export type DeskResult = { ok: true; state: DirectorState } | { ok: false; reason: DirectorRefusal };

/** Who an armed cue's own take is recorded as. */
export const AUTO_WHO = 'auto';

/**
 * The director's desk on the live node: the one DirectorState, changed one action at a time
 * (each recorded before it takes effect, so the audit never misses one that reached the wall).
 * Crossings come down from the live state (`crossed`) and queue like the director's actions.
 */
export class DirectorDesk {
  private current: DirectorState;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly show: string,
    private readonly out: DeskOutlets,
    private readonly log: FastifyBaseLogger,
    now = Date.now(),
  ) {
    this.current = initialDirector(now);
    out.publish(this.current.program);
  }

  get state(): DirectorState {
    return this.current;
  }

  /** Applies an action by `who` (a token's label); actions run one after another, in arrival order. */
  act(
    who: string,
    action: 'preview' | 'take' | 'hold' | 'release',
    scene?: DirectorState['preview'],
  ): Promise<DeskResult> {
    return this.run(() => {
      const a: DirectorAction =
        action === 'preview'
          ? { type: 'preview', scene: scene! }
          : action === 'hold'
            ? { type: 'hold', seq: this.out.seqOnAir() }
            : { type: action };
      return { who, kind: action, action: a };
    });
  }

  /** Arms the cue for the milestone `amount` (replacing any armed one). */
  arm(who: string, amount: string, mode: CueMode): Promise<DeskResult> {
    return this.run(() => {
      const fen = decimalToFenExact(amount);
      const milestone = typeof fen === 'number' ? this.out.milestone(fen) : null;
      return { who, kind: 'arm', action: { type: 'arm', amount, mode, milestone } };
    });
  }

  disarm(who: string): Promise<DeskResult> {
    return this.run(() => ({ who, kind: 'disarm', action: { type: 'disarm' } }));
  }

  /**
   * The live state found (or revised) a milestone's exact crossing. An armed auto cue's take is
   * recorded as a take by "auto" with the crossing's event time; anything else only changes the cue.
   */
  crossed(c: { fen: number; atMs: number }): Promise<DeskResult> {
    return this.run(() => ({ who: AUTO_WHO, kind: 'take', action: { type: 'crossed', fen: c.fen, atMs: c.atMs } }));
  }

  private run(build: () => { who: string; kind: DirectorActionKind; action: DirectorAction }): Promise<DeskResult> {
    const run = async (): Promise<DeskResult> => {
      const atMs = Date.now();
      const { who, kind, action } = build();
      const step = direct(this.current, action, atMs);
      if (!step.ok) return step;
      const next = step.state;
      const before = this.current;
      // A crossing is recorded only when it put the card on air (the director's actions always are).
      if (action.type !== 'crossed' || step.onAir) {
        await this.out.record({
          show: this.show,
          atMs,
          who,
          action: kind,
          scene:
            kind === 'preview' || kind === 'arm'
              ? next.preview
              : kind === 'disarm' && before.cue !== null
                ? { kind: 'milestone', milestone: before.cue.amount }
                : next.program.scene,
          rev: next.program.rev,
          heldSeq: kind === 'hold' ? next.program.heldSeq : null,
          mode: kind === 'arm' ? (next.cue?.mode ?? null) : action.type === 'crossed' ? 'auto' : null,
          crossedAtMs: kind === 'take' ? (next.program.crossedAtMs ?? null) : null,
        });
      }
      this.current = next;
      if (step.onAir) {
        this.out.publish(next.program);
        this.log.info({ who, action: kind, scene: next.program.scene.kind, rev: next.program.rev }, 'program changed');
      } else if (action.type === 'crossed' && next.cue !== before.cue) {
        this.log.info({ cue: next.cue }, 'armed cue crossed');
      }
      return { ok: true, state: next };
    };
    const done = this.queue.then(run, run);
    this.queue = done.catch(() => {});
    return done;
  }
}
