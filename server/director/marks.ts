import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { MAX_MARKS_PER_SHOW, type DirectorMark, type MarkKind } from '../../shared/marks.js';
import type { Show } from '../../shared/show.js';
import { Errors } from '../errors.js';
import type { StoreHandle } from '../store/client.js';
import { insertMark, marksRev, readMarks, type MarkRow } from '../store/marks.js';

/** What the book needs of the live node: the show clock, and a way to tell every board of a change. */
export interface MarkOutlets {
  /** The show clock's now (events or wall, as SHOW_CLOCK says), epoch ms. */
  clockMs(): number;
  /** Puts the rev in every later snapshot and sends the `marks` notice to every board, on every node. */
  publish(rev: number): void;
}

/** The show's window: the event times its orders (and so its marks) may have. */
function windowOf(show: Show): { fromMs: number; toMs: number } {
  return { fromMs: show.startMs - show.graceSeconds * 1000, toMs: show.endMs + show.graceSeconds * 1000 };
}

export function toDirectorMark(m: MarkRow): DirectorMark {
  return {
    id: m.id,
    at: new Date(m.atMs).toISOString(),
    kind: m.kind,
    label: m.label,
    who: m.who,
    createdAt: new Date(m.createdAtMs).toISOString(),
  };
}

/**
 * The live show's run-of-show marks, on the live node. Changes run one at a time (so the limit
 * holds and the rev counts each once), each written to the store before the boards hear of it;
 * a list read in the same line sees every change before it, with the rev that goes with it.
 */
export class MarkBook {
  private queue: Promise<unknown> = Promise.resolve();
  /** The list at the current rev, once read: every board reads it after a change, the store once. */
  private cached: { rev: number; marks: MarkRow[] } | null = null;

  private constructor(
    readonly show: Show,
    private readonly store: StoreHandle,
    private readonly out: MarkOutlets,
    private readonly log: FastifyBaseLogger,
    private revNow: number,
  ) {
    out.publish(revNow);
  }

  /** Opens the book at the rev the store holds (so a board's rev from before a restart is told apart). */
  static async open(show: Show, store: StoreHandle, out: MarkOutlets, log: FastifyBaseLogger): Promise<MarkBook> {
    return new MarkBook(show, store, out, log, await marksRev(store, show.id));
  }

  get rev(): number {
    return this.revNow;
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const done = this.queue.then(run, run);
    this.queue = done.catch(() => {});
    return done;
  }

  /** The marks, by `at`, and the rev they are at (read from the store once per rev). */
  list(): Promise<{ rev: number; marks: MarkRow[] }> {
    if (this.cached !== null) return Promise.resolve(this.cached);
    return this.serially(async () => {
      this.cached ??= { rev: this.revNow, marks: await readMarks(this.store, this.show.id) };
      return this.cached;
    });
  }

  /**
   * Makes a mark at `atMs` (null: the show clock's now), by `who`. Refused (400) outside the
   * show's window, and (409) when the show holds MAX_MARKS_PER_SHOW marks already.
   */
  create(who: string, kind: MarkKind, label: string, atMs: number | null): Promise<MarkRow> {
    return this.serially(async () => {
      const at = atMs ?? this.out.clockMs();
      const w = windowOf(this.show);
      if (at < w.fromMs || at >= w.toMs) {
        const name = atMs === null ? 'at (omitted: the show clock now)' : 'at';
        throw new Errors.REQUEST_INVALID(
          `${name} must be inside the window of show ${this.show.id}: ` +
            `${new Date(w.fromMs).toISOString()} … ${new Date(w.toMs).toISOString()}`,
        );
      }
      const marks = await readMarks(this.store, this.show.id);
      if (marks.length >= MAX_MARKS_PER_SHOW) throw new Errors.MARKS_FULL(String(marks.length));
      const mark: MarkRow = {
        show: this.show.id,
        id: randomUUID(),
        atMs: at,
        kind,
        label,
        who,
        createdAtMs: Date.now(),
      };
      await this.write(who, 'created', mark);
      return mark;
    });
  }

  /** Removes a mark (a tombstone row), by `who`; 404 when there is none with that id. */
  remove(who: string, id: string): Promise<MarkRow> {
    return this.serially(async () => {
      const mark = (await readMarks(this.store, this.show.id)).find((m) => m.id === id);
      if (!mark) throw new Errors.MARK_UNKNOWN(id);
      await this.write(who, 'removed', mark);
      return mark;
    });
  }

  /**
   * Writes the mark (or its tombstone), then tells the boards. A write that fails may still have
   * landed: the rev moves all the same (a board reads the list once more for nothing at worst, and
   * never keeps a list that misses a change), and the next list is read from the store.
   */
  private async write(who: string, what: 'created' | 'removed', mark: MarkRow): Promise<void> {
    this.cached = null;
    try {
      await insertMark(this.store, mark, what === 'removed');
    } finally {
      this.revNow += 1;
      this.out.publish(this.revNow);
    }
    this.log.info({ who, id: mark.id, kind: mark.kind, at: mark.atMs, rev: this.revNow }, `mark ${what}`);
  }
}
