import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { RedisCommands } from '../relay.js';
import { INSERT_MS } from './redis-claims.js';

/**
 * How long a fence stands without renewal (renewed every quarter of it while its repair runs):
 * the longest the ingest nodes wait on a live node that died mid-repair.
 */
const FENCE_MS = 10_000;
/** How long after its entry began an ingest node may still hand its INSERT to the store. */
const SEND_MS = 5_000;
/** How long a batch waits at a standing fence before it is refused (503, sent again later). */
const WAIT_MS = 5_000;
const POLL_MS = 50;

const fenceKey = (show: string) => `gmv:{${show}}:repair`;
/** The INSERTs under way (or whose end is not known yet), each scored with when it is over at the latest (Redis's clock). */
const insertsKey = (show: string) => `gmv:{${show}}:inserts`;

// An ingest node's INSERT about to be sent (KEYS: the fence, the INSERTs under way; ARGV: the
// entry's id, its bound in ms): 1 while a repair fences the show, else 0 with the entry recorded.
const ENTER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bound = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + bound, ARGV[1])
if redis.call('PTTL', KEYS[2]) < bound then redis.call('PEXPIRE', KEYS[2], bound) end
return 0`;

// The INSERTs that may still land: those not ended whose bound has not passed.
const UNDER_WAY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

// Renews (ARGV[2]: the lease in ms) or, without it, lifts the fence if it is still this repair's (ARGV[1]).
const KEEP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1`;

// The INSERTs under way now (ARGV: none) or, of those named (ARGV: their ids), how many still may land.
const STILL_UNDER_WAY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if #ARGV == 0 then return redis.call('ZRANGE', KEYS[1], 0, -1) end
local n = 0
for i = 1, #ARGV do if redis.call('ZSCORE', KEYS[1], ARGV[i]) then n = n + 1 end end
return n`;

/** Each script's SHA1, computed once (EVALSHA names a script by it). */
const SHAS = new Map<string, string>(
  [ENTER, UNDER_WAY, KEEP, STILL_UNDER_WAY].map((s) => [s, createHash('sha1').update(s).digest('hex')]),
);

/** A batch waited at a fence for longer than a request should: answered 503 like other overloads. */
export class RepairFencedError extends Error {
  override name = 'RepairFencedError';
}

/** An INSERT an ingest node recorded as under way (RepairFence.enter). */
export interface FenceEntry {
  /** Whether the INSERT may still be handed to the store: checked in the step that sends it. */
  sendable(): boolean;
  /** The INSERT is over (or was never sent); `failed`: it failed, and over HTTP may still land. */
  end(failed?: boolean): void;
}

/** What a writer of an ingest node checks before each INSERT. */
export interface InsertFence {
  enter(shows: Iterable<string>): Promise<FenceEntry>;
}

/**
 * Keeps ingest nodes' INSERTs out of a show while the live node repairs its rollups: a row they
 * stored between the repair's build and its swap would have its rollup rows replaced away.
 *
 * Why no INSERT slips past: Redis runs the scripts one at a time. An ingest node runs ENTER
 * before each INSERT (one call per show of the batch, all at once: one round trip) and hands the
 * INSERT to the store only within SEND_MS of when that call began (its monotonic clock, which
 * runs on while the process is stopped). ENTER either sees the fence (the batch waits), or
 * records the INSERT with a score no earlier than its end: SEND_MS to hand it over, then
 * `insertMs` until it has landed or can no longer land (the bound the claims rely on,
 * redis-claims.ts). The entry is removed once the INSERT is over (a failed one over HTTP is left
 * to its score: it may still land). The live node first waits, unfenced, for the entries under way
 * when it began (so a long one does not hold ingest at a standing fence), then sets the fence and
 * waits until no entry is left (UNDER_WAY): each ended or is past its bound. So every INSERT that ENTER let through before
 * the fence is over before the build reads the orders, and every later one waits until the fence
 * is lifted, after the swap. The fence stands on a lease renewed while the repair runs; if it was
 * ever lost (the live node stopped past it, Redis lost it), the lift finds it gone, and the repair
 * fails and is run again (its mark stays), with nothing written meanwhile lost. As with the
 * claims, the nodes' clocks need not agree, only run at about the same rate.
 */
export class RepairFence implements InsertFence {
  private readonly insertMs: number;
  /** Whether a failed INSERT may land later (over HTTP); with chDB, a failed INSERT is over. */
  private readonly failedMayLand: boolean;

  constructor(
    private readonly redis: RedisCommands,
    private readonly log: Logger,
    opts: { insertMs?: number; failedMayLand?: boolean } = {},
  ) {
    this.insertMs = opts.insertMs ?? INSERT_MS;
    this.failedMayLand = opts.failedMayLand ?? true;
  }

  /** The live node: runs `repair` of the show with no ingest node's INSERT of it under way. */
  async around<T>(show: string, repair: () => Promise<T>): Promise<T> {
    const key = fenceKey(show);
    const id = randomUUID();
    // First, with no fence: the INSERTs under way now end (or pass their bound) while ingest goes
    // on. A failed one over HTTP keeps its entry up to its bound (a minute): waited out here, it
    // does not hold every ingest node's batches at a standing fence meanwhile.
    const before = (await this.eval(STILL_UNDER_WAY, [insertsKey(show)], [])) as string[];
    while (before.length > 0 && Number(await this.eval(STILL_UNDER_WAY, [insertsKey(show)], before)) > 0) {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    await this.redis.sendCommand(['SET', key, id, 'PX', String(FENCE_MS)]);
    const timer = setInterval(() => {
      this.eval(KEEP, [key], [id, String(FENCE_MS)]).catch((err: unknown) =>
        this.log.warn({ err: String(err), show }, 'could not renew the repair fence'),
      );
    }, FENCE_MS / 4);
    timer.unref();
    const lift = async () => {
      clearInterval(timer);
      return Number(await this.eval(KEEP, [key], [id])) === 1;
    };
    let out: T;
    try {
      while (Number(await this.eval(UNDER_WAY, [insertsKey(show)], [])) > 0) {
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      out = await repair();
    } catch (err) {
      await lift().catch(() => undefined);
      throw err;
    }
    if (!(await lift())) throw new Error(`the repair fence of show ${show} was lost while the repair ran`);
    return out;
  }

  /** An ingest node, right before an INSERT: waits while any of the shows is fenced, then records the INSERT. */
  async enter(shows: Iterable<string>): Promise<FenceEntry> {
    const list = [...new Set(shows)];
    const id = randomUUID();
    const bound = String(SEND_MS + this.insertMs);
    const giveUpAt = performance.now() + WAIT_MS;
    for (;;) {
      const from = performance.now();
      const fenced = await Promise.all(list.map((s) => this.eval(ENTER, [fenceKey(s), insertsKey(s)], [id, bound])));
      const entered = list.filter((_, i) => Number(fenced[i]) === 0);
      if (entered.length === list.length) return new Entry(this, entered, id, from + SEND_MS, this.failedMayLand);
      // Not while waiting: a repair of a show entered here would wait for this batch.
      this.leave(entered, id);
      if (performance.now() >= giveUpAt) throw new RepairFencedError('a rollup repair holds the show');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Removes an entry (not awaited: left behind, it only makes a repair wait until its bound). */
  leave(shows: readonly string[], id: string): void {
    for (const show of shows) {
      this.redis
        .sendCommand(['ZREM', insertsKey(show), id])
        .catch((err: unknown) => this.log.warn({ err: String(err), show }, 'could not end an INSERT at the fence'));
    }
  }

  private async eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.redis.sendCommand(['EVALSHA', SHAS.get(script) ?? '', ...tail]);
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err;
      return this.redis.sendCommand(['EVAL', script, ...tail]);
    }
  }
}

class Entry implements FenceEntry {
  private ended = false;

  constructor(
    private readonly fence: RepairFence,
    private readonly shows: readonly string[],
    private readonly id: string,
    private readonly sendBy: number,
    private readonly failedMayLand: boolean,
  ) {}

  sendable(): boolean {
    return !this.ended && performance.now() < this.sendBy;
  }

  end(failed = false): void {
    if (this.ended) return;
    this.ended = true;
    if (!(failed && this.failedMayLand)) this.fence.leave(this.shows, this.id);
  }
}
