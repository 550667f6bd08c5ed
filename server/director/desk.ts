import type { FastifyBaseLogger } from 'fastify';
import {
  direct,
  initialDirector,
  type DirectorAction,
  type DirectorRefusal,
  type DirectorState,
} from '../../shared/director.js';
import type { Program } from '../../shared/protocol.js';
import type { DirectorRecord } from '../store/director.js';

/** What the desk needs of the live node: the seq on air, and a way to tell every board (and snapshot) of the program. */
export interface DeskOutlets {
  /** The seq of the figures last broadcast. */
  seqOnAir(): number;
  /** Puts the program in every later snapshot and sends it to every board, on every node. */
  publish(program: Program): void;
  /** Records an action (the audit); the action happens only once it is recorded. */
  record(r: DirectorRecord): Promise<void>;
}

export type DeskResult = { ok: true; state: DirectorState } | { ok: false; reason: DirectorRefusal };

/**
 * The director's desk on the live node: the one DirectorState, changed one action at a time
 * (each recorded before it takes effect, so the audit never misses one that reached the wall).
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
  act(who: string, action: DirectorAction['type'], scene?: DirectorState['preview']): Promise<DeskResult> {
    const run = async (): Promise<DeskResult> => {
      const atMs = Date.now();
      const a: DirectorAction =
        action === 'preview'
          ? { type: 'preview', scene: scene! }
          : action === 'hold'
            ? { type: 'hold', seq: this.out.seqOnAir() }
            : { type: action };
      const step = direct(this.current, a, atMs);
      if (!step.ok) return step;
      const next = step.state;
      await this.out.record({
        show: this.show,
        atMs,
        who,
        action,
        scene: action === 'preview' ? next.preview : next.program.scene,
        rev: next.program.rev,
        heldSeq: action === 'hold' ? next.program.heldSeq : null,
      });
      this.current = next;
      if (step.onAir) {
        this.out.publish(next.program);
        this.log.info({ who, action, scene: next.program.scene.kind, rev: next.program.rev }, 'program changed');
      }
      return { ok: true, state: next };
    };
    const done = this.queue.then(run, run);
    this.queue = done.catch(() => {});
    return done;
  }
}
