import type { FastifyBaseLogger as Logger } from 'fastify';
import type { StaleThresholds } from '../../shared/freshness.js';
import type { Order } from '../../shared/order.js';
import {
  SERIES_CHUNK_SECONDS,
  type Program,
  type SeriesChunk,
  type Snapshot,
  type Tick,
  type TotalsResponse,
} from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import { LiveBoard } from '../domain/board.js';
import type { MerchantDirectory } from '../domain/merchants.js';
import { LastYearCurve } from '../domain/comparison.js';
import { buildTick, frameSource, showSnapshot, type FrameSource } from '../domain/frames.js';
import { Milestones, crossingSecond } from '../domain/milestones.js';
import type { RepairFence } from '../ingest/repair-fence.js';
import type { StoreHandle } from '../store/client.js';
import { readBoard, readSecondsFen } from '../store/board.js';
import { exactCrossing } from '../store/crossing.js';
import {
  buildRollupRepair,
  clearRepairMarks,
  markRepairs,
  readRepairMarks,
  swapRollupRepair,
} from '../store/repair.js';
import { Telemetry } from '../telemetry.js';
import { encodePart, encodeSeries, encodeSnapshot, encodeTick, totalsResponse } from '../wire.js';

const HEARTBEAT_MS = 1000;
/**
 * Seconds of the series a snapshot carries (before the show clock); the older ones are served
 * in chunks over HTTP, so a snapshot costs the same at 00:01 and at 23:59.
 */
export const RECENT_SECONDS = 300;

/** A chunk of the series, encoded once per change and served to every board that asks. */
export interface EncodedChunk {
  etag: string;
  body: string;
}
/** A milestone crossing the live state found: gross GMV reached `fen` at event time `atMs`. */
export interface MilestoneCrossing {
  fen: number;
  atMs: number;
}

/** Most often a crossing already on screen is looked up again while late sales arrive. */
const MILESTONE_REVISION_MS = 1000;

/**
 * The state of the show on air: a LiveBoard fed only by committed inserts and
 * rebuilt from ClickHouse at start and after any failed write, plus the seq
 * numbering of what is broadcast.
 */
export class LiveService {
  board: LiveBoard;
  seq: number;
  healthy = true;
  private stale = true;
  /** Counts markStale calls, so a rebuild can tell it was marked stale again while it ran. */
  private staleMarks = 0;
  private sentVersion = -1;
  private sentAtMs = 0;
  /** Set by a rebuild: every board needs a fresh snapshot, not a tick. */
  needsSnapshot = false;

  private lastYear: LastYearCurve | null = null;
  private rebuilding: Promise<void> | null = null;
  /**
   * Shows whose rollups must be derived again before the next read: `n` the markStale call that
   * last asked (0: a mark stored by an earlier process), `atMs` when (what clearing its stored marks covers).
   */
  private repairs = new Map<string, { n: number; atMs: number }>();
  /** Marks not stored yet (the write is under way, or the store was down): stored before any repair. */
  private unstored = new Map<string, { n: number; atMs: number }>();
  private storingMarks: Promise<void> | null = null;
  /** Whether the marks an earlier process stored were read (by the first rebuild). */
  private marksRead = false;
  /** Counts applied commits, so a rebuild can tell that its read is already old. */
  private commits = 0;
  private milestones: Milestones;
  private checkingMilestones = false;
  private lastMilestoneCheck = -Infinity;
  private milestoneTimer: NodeJS.Timeout | null = null;
  /** When each commit not yet broadcast was applied (performance.now()), for the accept→tick lag. */
  private unshown: number[] = [];
  /** The last snapshot built and what it was built from: every board asking meanwhile shares it. */
  private lastSnapshot: { key: string; snapshot: Snapshot } | null = null;
  /** Bumped when last year's day is read again: part of what a cached snapshot depends on. */
  private lastYearReads = 0;
  /** Encoded series chunks, by chunk; valid while the board and the chunk's version are the same. */
  private chunks = new Map<number, { board: LiveBoard; version: number; encoded: EncodedChunk }>();
  /** Tells this process's chunks from another's (ETags outlive a restart in browsers). */
  private readonly bootId = Date.now().toString(36);
  private boards = 0;
  /** The director's program (server/director/), carried by every snapshot; null: none yet. */
  program: Program | null = null;
  /** The rev of the show's run-of-show marks (server/director/marks.ts), carried by every snapshot; null: none yet. */
  marksRev: number | null = null;
  /** When the boards' freshness mark turns amber and red (STALE_*_SECONDS), sent in every snapshot; null: the boards' defaults. */
  staleAfter: StaleThresholds | null = null;
  /** Told of every crossing found or moved (server/director/ arms cues on them); see onCrossing. */
  private crossingListeners: ((c: MilestoneCrossing) => void)[] = [];
  /**
   * Told of every applied commit (the feed watch, server/live/feed.ts): the show's orders, and the
   * show clock just before them (the commit's time, or with SHOW_CLOCK=events the newest event).
   */
  onApplied: ((orders: readonly Order[], clockMs: number) => void) | null = null;
  private merchantDirectory: MerchantDirectory | null = null;
  /** Tests only: runs between a repair's build and its swap. */
  beforeSwap: ((show: string) => Promise<void>) | null = null;

  constructor(
    readonly show: Show,
    private readonly clock: 'wall' | 'events',
    private readonly store: StoreHandle,
    private readonly log: Logger,
    private readonly lastYearShow: Show | null = null,
    private readonly telemetry: Telemetry = new Telemetry(),
    /** With ingest nodes (Redis): keeps their INSERTs of a show out of its repair. */
    private readonly fence: RepairFence | null = null,
  ) {
    this.board = new LiveBoard(show);
    this.milestones = new Milestones(show.milestones, null);
    // Seq keeps increasing across restarts as long as the wall clock does.
    this.seq = Date.now();
  }

  /** The merchants' reference data the board names ranked merchants and places arcs with (null: none). */
  get merchants(): MerchantDirectory | null {
    return this.merchantDirectory;
  }

  set merchants(directory: MerchantDirectory | null) {
    this.merchantDirectory = directory;
    this.board.merchants = directory;
    // The names of the ranked merchants change: a new board version (and snapshot).
    this.board.version++;
    this.needsSnapshot = true;
  }

  /** (Re)reads last year's day from the store: its curve, total and the "last year's total" milestone. */
  async loadLastYear(): Promise<void> {
    if (!this.lastYearShow) return;
    const curve = new LastYearCurve(await readSecondsFen(this.store, this.lastYearShow));
    this.lastYear = curve.totalFen > 0 ? curve : null;
    this.lastYearReads++;
    this.milestones = new Milestones(this.show.milestones, this.lastYear?.totalFen ?? null);
    this.needsSnapshot = true;
    this.checkMilestones();
  }

  /** Rebuilds the board from the store if it may differ from it. Throws while the store is down. */
  async ensureFresh(): Promise<void> {
    // Again while marked stale during the rebuild: the writer must not write before the repair ran.
    while (this.stale) {
      // One rebuild at a time: the recovery timer and the writer share it.
      this.rebuilding ??= this.rebuild().finally(() => (this.rebuilding = null));
      await this.rebuilding;
    }
  }

  private async rebuild(): Promise<void> {
    const started = performance.now();
    const marks = this.staleMarks;
    if (!this.marksRead) {
      // Marks an earlier process stored and never cleared: a write failed and the process
      // stopped before the repair, or during it. Repaired before the state is first read.
      for (const m of await readRepairMarks(this.store)) {
        const known = this.repairs.get(m.show);
        this.repairs.set(m.show, { n: known?.n ?? 0, atMs: Math.max(known?.atMs ?? 0, m.atMs) });
      }
      this.marksRead = true;
    }
    // Before anything else: from here on a crash leaves every mark stored, so the next start repeats the repair.
    // (Again if a write under way ended just as another mark came.)
    while (this.unstored.size > 0) await this.storeMarks();
    const repaired = this.repairs.size > 0;
    const lastYearRepaired = this.lastYearShow !== null && this.repairs.has(this.lastYearShow.id);
    for (const [show, mark] of [...this.repairs]) {
      // A failed INSERT may have stored rows whose rollups did not land: derive them again.
      // Its mark is cleared only once the refill is in, and only up to the marks the repair covers.
      await (this.fence ? this.fence.around(show, () => this.repair(show)) : this.repair(show));
      await clearRepairMarks(this.store, show, mark.atMs);
      if (this.repairs.get(show)?.n === mark.n) this.repairs.delete(show);
    }
    // Before the read: nothing may be awaited between the read and the swap below, or a
    // commit applied meanwhile would land on the old board and be lost with it.
    if (this.lastYear === null || lastYearRepaired) await this.loadLastYear();
    let stored;
    for (;;) {
      const commits = this.commits;
      stored = await readBoard(this.store, this.show);
      // A commit applied meanwhile may be missing from that read: read again.
      if (commits === this.commits) break;
    }
    const board = new LiveBoard(this.show);
    board.merchants = this.merchantDirectory;
    board.load(stored.seconds, stored.dimensions, stored.newestEventMs);
    board.committedAtMs = stored.committedAtMs;
    board.version = this.board.version + 1;
    this.board = board;
    this.boards++;
    // Marked stale meanwhile (a write failed on another node, say): what was read may predate
    // it, and its repair has not run. Stay stale: ensureFresh rebuilds again.
    this.stale = this.staleMarks !== marks;
    this.needsSnapshot = true;
    // Healthy again only when a write succeeds: a rebuild proves reads, not writes.
    this.milestones.reset();
    this.checkMilestones();
    this.telemetry.emit('rebuild', { ms: performance.now() - started, repaired });
    this.log.info(
      {
        show: this.show.id,
        orders: board.gross().orders,
        gmv: encodePart(board.gross()).gmv,
        ms: Math.round(performance.now() - started),
      },
      'live state rebuilt from store',
    );
  }

  /**
   * Built, then swapped in (store/repair.ts). This node's writer is held meanwhile (its barrier);
   * an ingest node's rows stored between the two would be swapped away, hence the fence.
   */
  private async repair(show: string): Promise<void> {
    await buildRollupRepair(this.store, show);
    await this.beforeSwap?.(show);
    await swapRollupRepair(this.store, show);
  }

  /** How many times the live state was built here (the on-air record dates each build). */
  get builds(): number {
    return this.boards;
  }

  get isStale(): boolean {
    return this.stale;
  }

  /**
   * A write failed and may have landed in part, or the totals drifted from the
   * store: re-derive the rollups of `shows` (those of the failed batch; by default
   * the live show) from the orders and rebuild before the next write. The mark is
   * stored at once (or, with the store down, before the repair), so a crash before
   * the repair is done does not lose it.
   */
  markStale(shows: Iterable<string> = [this.show.id]): void {
    this.stale = true;
    this.staleMarks++;
    const mark = { n: this.staleMarks, atMs: Date.now() };
    for (const show of shows) {
      this.repairs.set(show, mark);
      this.unstored.set(show, mark);
    }
    this.setHealthy(false);
    this.storeMarks().catch((err: unknown) =>
      this.log.warn({ err: String(err) }, 'rollup repair mark not stored yet; stored before the repair'),
    );
  }

  /** Stores every mark not stored yet: one write at a time, marks made meanwhile in the next. */
  private storeMarks(): Promise<void> {
    this.storingMarks ??= (async () => {
      while (this.unstored.size > 0) {
        const batch = [...this.unstored];
        await markRepairs(
          this.store,
          batch.map(([show, m]) => ({ show, atMs: m.atMs })),
        );
        for (const [show, m] of batch) if (this.unstored.get(show) === m) this.unstored.delete(show);
      }
    })().finally(() => (this.storingMarks = null));
    return this.storingMarks;
  }

  setHealthy(ok: boolean): void {
    if (this.healthy !== ok) {
      this.healthy = ok;
      this.board.version++;
    }
  }

  applyCommitted(orders: readonly Order[], committedAtMs: number): void {
    const mine = orders.filter((o) => o.show === this.show.id);
    this.commits++;
    const newestBefore = this.board.newestEventMs ?? -Infinity;
    this.board.apply(mine, committedAtMs);
    this.onApplied?.(mine, this.clock === 'events' ? newestBefore : committedAtMs);
    // Bounded: a node that never broadcasts (no board loop) must not grow it forever.
    if (mine.length > 0 && this.unshown.length < 10_000) this.unshown.push(performance.now());
    // A commit proves writes work, unless a later failure already made the state stale (a
    // pipelined writer hands on one batch's commit after the next batch's failure).
    if (!this.stale) this.setHealthy(true);
    // Only an order older than what was already seen can move a crossing earlier.
    let minTs = Infinity;
    for (const o of mine) if (o.type === 'sale' && o.ts < minTs) minTs = o.ts;
    if (minTs < newestBefore) this.milestones.markLate(minTs);
    this.checkMilestones();
  }

  /**
   * Finds the exact event time of every milestone the gross total has reached:
   * the second from the live series, the order within it from the store (one row).
   * A newly reached milestone is looked up at once; a revision (a late sale landed
   * before a crossing already shown) at most once a second, however late data keeps coming.
   */
  private checkMilestones(): void {
    if (this.checkingMilestones || this.milestoneTimer) return;
    const gross = this.board.grossFen();
    if (this.milestones.onlyRevisions(gross)) {
      const wait = this.lastMilestoneCheck + MILESTONE_REVISION_MS - performance.now();
      if (wait > 0) {
        if (this.milestones.hasRevisions(gross)) this.checkMilestonesIn(wait);
        return;
      }
    }
    const pending = this.milestones.pending(gross);
    if (pending.length === 0) return;
    this.checkingMilestones = true;
    this.lastMilestoneCheck = performance.now();
    const board = this.board;
    const milestones = this.milestones;
    void (async () => {
      for (const { fen, stamp } of pending) {
        const { fen: seconds, firstSecond } = board.secondsFen();
        const at = crossingSecond(seconds, fen);
        if (!at) continue;
        const ms = await exactCrossing(this.store, this.show, at.index + firstSecond, at.before, fen);
        if (ms !== null && board === this.board && milestones === this.milestones) {
          const before = milestones.find(fen)?.crossedAtMs;
          milestones.setCrossed(fen, ms, stamp);
          board.version++;
          if (before !== ms) for (const listener of this.crossingListeners) listener({ fen, atMs: ms });
        }
      }
    })()
      .catch((err: unknown) => this.log.warn({ err: String(err) }, 'milestone time not found yet'))
      .finally(() => {
        this.checkingMilestones = false;
        // Orders may have crossed another milestone meanwhile, or a look found nothing yet.
        if (this.healthy && this.milestones.pending(this.board.grossFen(), false).length > 0) {
          this.checkMilestonesIn(100);
        }
      });
  }

  /**
   * Calls `listener` with every milestone crossing found, and again when a late sale moves it
   * (the data flows down: the live state tells, the listener reacts). Returns the unsubscribe.
   */
  onCrossing(listener: (c: MilestoneCrossing) => void): () => void {
    this.crossingListeners.push(listener);
    return () => {
      this.crossingListeners = this.crossingListeners.filter((l) => l !== listener);
    };
  }

  /** The show's milestone at `fen` and its crossing so far; null when the show has none there. */
  milestone(fen: number): { crossedAtMs: number | null } | null {
    return this.milestones.find(fen);
  }

  /** One later look at the milestones (at most one is ever scheduled). */
  private checkMilestonesIn(ms: number): void {
    this.milestoneTimer = setTimeout(() => {
      this.milestoneTimer = null;
      this.checkMilestones();
    }, ms);
    this.milestoneTimer.unref();
  }

  private frame(asOfMs: number): FrameSource {
    const of = { show: this.show, lastYearShow: this.lastYearShow, lastYear: this.lastYear };
    return frameSource(of, this.board, { seq: this.seq, asOfMs, healthy: this.healthy }, this.milestones);
  }

  clockMs(): number {
    return this.clock === 'events' ? (this.board.newestEventMs ?? this.show.startMs) : Date.now();
  }

  /**
   * The whole state for a board: its recent seconds, and where the older ones are (seriesChunk).
   * Built once per seq and board change, however many boards ask: the same object each time.
   */
  snapshot(): Snapshot {
    const key = `${this.seq}:${this.boards}:${this.board.version}:${this.healthy}:${this.lastYearReads}:${this.program?.rev}:${this.marksRev}`;
    if (this.lastSnapshot?.key === key) return this.lastSnapshot.snapshot;
    const clockMs = this.clockMs();
    const recentFrom = Math.floor((clockMs - this.show.startMs) / 1000) - RECENT_SECONDS;
    const encoded = encodeSnapshot(showSnapshot(this.frame(clockMs), this.clock, recentFrom));
    const snapshot = this.staleAfter === null ? encoded : { ...encoded, stale: this.staleAfter };
    if (this.program !== null) snapshot.program = this.program;
    if (this.marksRev !== null) snapshot.marksRev = this.marksRev;
    this.lastSnapshot = { key, snapshot };
    return snapshot;
  }

  /**
   * One chunk of the gross series (SERIES_CHUNK_SECONDS seconds from `chunk` x that), encoded
   * once per change of its seconds; null outside the show.
   */
  seriesChunk(chunk: number): EncodedChunk | null {
    const seconds = Math.ceil((this.show.endMs - this.show.startMs) / 1000);
    if (!Number.isInteger(chunk) || chunk < 0 || chunk * SERIES_CHUNK_SECONDS >= seconds) return null;
    const board = this.board;
    const version = board.chunkVersion(chunk);
    const cached = this.chunks.get(chunk);
    if (cached && cached.board === board && cached.version === version) return cached.encoded;
    const from = chunk * SERIES_CHUNK_SECONDS;
    const body: SeriesChunk = {
      show: this.show.id,
      chunk,
      series: encodeSeries(board.series(from, Math.min(seconds, from + SERIES_CHUNK_SECONDS))),
    };
    const encoded = {
      etag: `"${this.show.id}-${this.bootId}-${this.boards}-${chunk}-${version}"`,
      body: JSON.stringify(body),
    };
    this.chunks.set(chunk, { board, version, encoded });
    return encoded;
  }

  /**
   * The next tick if anything changed since the last one, or a heartbeat once a
   * second so clocks and rates keep moving when orders stop (seq advances by one).
   */
  nextTick(now = Date.now()): Tick | null {
    const b = this.board;
    if (b.version === this.sentVersion && now - this.sentAtMs < HEARTBEAT_MS) return null;
    this.sentVersion = b.version;
    this.sentAtMs = now;
    this.seq++;
    return encodeTick(buildTick(this.frame(this.clockMs()), this.show.id, b.takeChanged(), b.takeArcs()));
  }

  /**
   * Reports a broadcast: every commit applied since the previous one is now on
   * the boards (a tick carries all of them, a snapshot the whole state).
   */
  noteBroadcast(kind: 'tick' | 'snapshot'): void {
    const now = performance.now();
    const acceptedLagMs = this.unshown.map((at) => now - at);
    this.unshown = [];
    this.telemetry.emit('broadcast', { kind, acceptedLagMs });
  }

  totals(): TotalsResponse {
    const gross = encodePart(this.board.gross());
    return totalsResponse(this.show.id, this.clockMs(), this.seq, { gross, net: encodePart(this.board.net()) });
  }
}
