import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ReplayCreate } from '../../shared/history.js';
import type { Show } from '../../shared/show.js';
import { parseTimestamp } from '../../shared/time.js';
import type { StoreHandle } from '../store/client.js';
import { ReplayError } from './errors.js';
import { readContext, replayStore, windowEndMs, windowStartMs, type ReplayContext } from './reads.js';
import { ReplaySession, checkSpeed, type ReplayOutlet } from './session.js';

export interface ReplayLimits {
  /** Most replays at once. */
  maxSessions: number;
  /** Most replays created from one address that run at once: one client cannot take every slot. */
  maxPerAddress: number;
  /** Most viewers of one replay. */
  maxViewers: number;
  /** A replay nobody watches is dropped after this long, ms. */
  idleMs: number;
}

const DEFAULT_SPEED = 60;

/**
 * Every replay of this node: made on request, steered by any of its viewers,
 * dropped when nobody has watched it for a while. Replays read the store only
 * (with REPLAY_QUERY_SETTINGS) and never touch the live show.
 */
export class ReplayService {
  readonly sessions = new Map<string, ReplaySession>();
  /** The address each replay was created from. */
  private readonly owners = new Map<string, string>();
  /** Sessions being created: they count against the limit before they exist. */
  private creating = 0;
  private readonly store: StoreHandle;
  /**
   * Contexts of finished shows, shared by their replays: a finished day rarely
   * changes, and when orders of it are written (late orders, a reload) its
   * context is forgotten, so the next replay reads the day as stored.
   */
  private readonly contexts = new Map<string, Promise<ReplayContext>>();

  constructor(
    private readonly shows: readonly Show[],
    private readonly limits: ReplayLimits,
    store: StoreHandle,
    private readonly outlet: (id: string) => ReplayOutlet,
    private readonly log: Logger,
  ) {
    this.store = replayStore(store);
  }

  async create(req: unknown, address = ''): Promise<ReplaySession> {
    const { show, fromMs, toMs, speed } = this.check(req);
    // One address's replays: past its share, its own replay nobody watches gives way, or it is refused.
    const mine = () => [...this.sessions.values()].filter((s) => this.owners.get(s.id) === address);
    if (mine().length >= this.limits.maxPerAddress) this.dropOldestIdle(mine());
    if (mine().length >= this.limits.maxPerAddress) {
      throw new ReplayError(
        'GMV_ERR_REPLAY_LIMIT',
        `at most ${this.limits.maxPerAddress} replays from one address run at once; close one first`,
      );
    }
    // Full: a replay nobody watches (kept for a viewer's reconnect) gives way to one somebody asks for,
    // so replays a viewer left behind (a new replay every minute) do not lock everyone out.
    if (this.sessions.size + this.creating >= this.limits.maxSessions) this.dropOldestIdle();
    if (this.sessions.size + this.creating >= this.limits.maxSessions)
      throw new ReplayError('GMV_ERR_REPLAY_LIMIT', `at most ${this.limits.maxSessions} replays run at once`);
    this.creating++;
    try {
      const ctx = await this.context(show);
      const id = randomUUID();
      const session = new ReplaySession(id, ctx, fromMs, toMs, speed, this.store, this.outlet(id), this.log);
      await session.start();
      this.sessions.set(id, session);
      this.owners.set(id, address);
      this.log.info({ replay: id, show: show.id, fromMs, toMs, speed }, 'replay created');
      return session;
    } finally {
      this.creating--;
    }
  }

  /** A finished show's context is read once and shared; a show on air is read for each replay. */
  private async context(show: Show): Promise<ReplayContext> {
    const kept = this.contexts.get(show.id);
    if (kept) return kept;
    const lastYear = this.shows.find((s) => s.id === show.compareTo) ?? null;
    const read = readContext(this.store, show, lastYear);
    if (Date.now() < windowEndMs(show)) return read;
    this.contexts.set(show.id, read);
    // A failed read is not kept: the next replay tries again.
    read.catch(() => this.contexts.delete(show.id));
    return read;
  }

  /** Orders of these shows were written (or a write failed and may have landed): read them afresh next time. */
  forget(shows: readonly string[] | 'all'): void {
    if (shows === 'all') this.contexts.clear();
    else for (const id of shows) this.contexts.delete(id);
  }

  get(id: unknown): ReplaySession {
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!s) throw new ReplayError('GMV_ERR_REPLAY_UNKNOWN', 'no such replay (it may have ended)');
    return s;
  }

  join(s: ReplaySession, viewer: string): void {
    if (!s.viewers.has(viewer) && s.viewers.size >= this.limits.maxViewers)
      throw new ReplayError('GMV_ERR_REPLAY_FULL', `a replay has at most ${this.limits.maxViewers} viewers`);
    s.viewers.add(viewer);
    s.emptySince = null;
  }

  leave(s: ReplaySession, viewer: string, now = Date.now()): void {
    s.viewers.delete(viewer);
    if (s.viewers.size === 0) s.emptySince = now;
  }

  /** One beat of the loop: a frame for every replay that plays; replays nobody watches are dropped. */
  beat(now = Date.now()): void {
    for (const [id, s] of this.sessions) {
      if (s.emptySince !== null && now - s.emptySince >= this.limits.idleMs) {
        s.close();
        this.sessions.delete(id);
        this.owners.delete(id);
        this.log.info({ replay: id }, 'replay dropped: nobody watches');
        continue;
      }
      s.frame(now);
    }
  }

  private dropOldestIdle(among: Iterable<ReplaySession> = this.sessions.values()): void {
    let oldest: ReplaySession | null = null;
    for (const s of among) {
      if (s.emptySince !== null && (oldest === null || s.emptySince < oldest.emptySince!)) oldest = s;
    }
    if (!oldest) return;
    oldest.close();
    this.sessions.delete(oldest.id);
    this.owners.delete(oldest.id);
    this.log.info({ replay: oldest.id }, 'replay dropped: nobody watches and another was asked for');
  }

  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  private check(req: unknown): { show: Show; fromMs: number; toMs: number; speed: number } {
    if (typeof req !== 'object' || req === null)
      throw new ReplayError('GMV_ERR_REPLAY_REQUEST', 'create needs { show, from?, to?, speed? }');
    const r = req as Partial<Record<keyof ReplayCreate, unknown>>;
    const show = this.shows.find((s) => s.id === r.show);
    if (!show) throw new ReplayError('GMV_ERR_SHOW_UNKNOWN', `no show "${String(r.show)}" is configured`);
    const bound = (value: unknown, name: string, fallback: number): number => {
      if (value === undefined) return fallback;
      const t = parseTimestamp(value);
      if (!t.ok) throw new ReplayError('GMV_ERR_REPLAY_RANGE', t.message.replace(/^ts/, name));
      return Math.floor(t.ms / 1000) * 1000;
    };
    const fromMs = bound(r.from, 'from', show.startMs);
    const toMs = bound(r.to, 'to', show.endMs);
    const lo = windowStartMs(show);
    const hi = windowEndMs(show);
    if (fromMs < lo || toMs > hi || fromMs >= toMs)
      throw new ReplayError(
        'GMV_ERR_REPLAY_RANGE',
        `from and to must be whole seconds with from < to, within ${new Date(lo).toISOString()} and ${new Date(hi).toISOString()}`,
      );
    const speed = r.speed === undefined ? DEFAULT_SPEED : checkSpeed(r.speed);
    return { show, fromMs, toMs, speed };
  }
}
