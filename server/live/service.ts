import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import { PROTOCOL_VERSION, type Snapshot, type Tick, type TotalsResponse } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import { LiveBoard } from '../domain/board.js';
import type { StoreHandle } from '../store/client.js';
import { readBoard } from '../store/board.js';

const HEARTBEAT_MS = 1000;

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
  private sentVersion = -1;
  private sentAtMs = 0;
  /** Set by a rebuild: every board needs a fresh snapshot, not a tick. */
  needsSnapshot = false;

  constructor(
    readonly show: Show,
    private readonly clock: 'wall' | 'events',
    private readonly store: StoreHandle,
    private readonly log: Logger,
  ) {
    this.board = new LiveBoard(show);
    // Seq keeps increasing across restarts as long as the wall clock does.
    this.seq = Date.now();
  }

  /** Rebuilds the board from the store if it may differ from it. Throws while the store is down. */
  async ensureFresh(): Promise<void> {
    if (!this.stale) return;
    const started = performance.now();
    const stored = await readBoard(this.store, this.show);
    const board = new LiveBoard(this.show);
    board.load(stored.seconds, stored.dimensions, stored.newestEventMs);
    board.committedAtMs = stored.committedAtMs;
    board.version = this.board.version + 1;
    this.board = board;
    this.stale = false;
    this.needsSnapshot = true;
    this.setHealthy(true);
    this.log.info(
      {
        show: this.show.id,
        orders: board.gross().orders,
        gmv: board.gross().gmv,
        ms: Math.round(performance.now() - started),
      },
      'live state rebuilt from store',
    );
  }

  get isStale(): boolean {
    return this.stale;
  }

  /** A write failed and may have landed in part: rebuild before the next one. */
  markStale(): void {
    this.stale = true;
    this.setHealthy(false);
  }

  setHealthy(ok: boolean): void {
    if (this.healthy !== ok) {
      this.healthy = ok;
      this.board.version++;
    }
  }

  applyCommitted(orders: readonly Order[], committedAtMs: number): void {
    const mine = orders.filter((o) => o.show === this.show.id);
    this.board.apply(mine, committedAtMs);
    this.setHealthy(true);
  }

  clockMs(): number {
    return this.clock === 'events' ? (this.board.newestEventMs ?? this.show.startMs) : Date.now();
  }

  snapshot(): Snapshot {
    const b = this.board;
    const asOfMs = this.clockMs();
    const usd = this.show.rates.USD;
    return {
      v: PROTOCOL_VERSION,
      seq: this.seq,
      show: {
        id: this.show.id,
        name: this.show.name,
        startMs: this.show.startMs,
        endMs: this.show.endMs,
        timeZone: this.show.timeZone,
        currency: this.show.currency,
        usdRate: usd ?? null,
        milestones: this.show.milestones,
        compareTo: this.show.compareTo ?? null,
        clock: this.clock,
      },
      asOfMs,
      gross: b.gross(),
      net: b.net(),
      rate: b.rate(asOfMs),
      breakdowns: b.breakdowns(),
      series: b.series(),
      newestEventMs: b.newestEventMs,
      committedAtMs: b.committedAtMs,
      sentAtMs: Date.now(),
      healthy: this.healthy,
    };
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
    const asOfMs = this.clockMs();
    return {
      v: PROTOCOL_VERSION,
      seq: this.seq,
      show: this.show.id,
      asOfMs,
      gross: b.gross(),
      net: b.net(),
      rate: b.rate(asOfMs),
      breakdowns: b.breakdowns(),
      series: b.takeChanged(),
      newestEventMs: b.newestEventMs,
      committedAtMs: b.committedAtMs,
      sentAtMs: Date.now(),
      healthy: this.healthy,
    };
  }

  totals(): TotalsResponse {
    return {
      show: this.show.id,
      asOf: new Date(this.clockMs()).toISOString(),
      seq: this.seq,
      currency: 'CNY',
      gross: this.board.gross(),
      net: this.board.net(),
    };
  }
}
