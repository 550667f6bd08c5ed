import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import type { StoreHandle } from '../store/client.js';
import { MemoryClaims, storedAmong, storedId, type OrderClaims, type Verdict } from './claims.js';

/** The one Redis call the claims need (node-redis `sendCommand`), so tests and clients plug in alike. */
export interface RedisCommands {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of the claim registry. */
export interface RedisClaimsOptions {
  /**
   * How long a claim may stay pending before another node may take it over (after checking the
   * store). Longer than any INSERT can run (the ClickHouse request timeout is 60 s).
   */
  pendingMs?: number;
}

/** How long a committed key is remembered: it must cover the show and its late resends. */
const COMMITTED_MS = 7 * 24 * 3600_000;
/** Keys per script call, so one call never blocks Redis for long. */
const CHUNK = 5000;

// KEYS[1] is the show's epoch: a random id set once per Redis dataset. If it changes, Redis
// lost its keys (a restart without persistence, a flush) and the nodes check the store again.
// Per order key (KEYS[2..]): 0 claimed by us, 1 committed (duplicate), 2 pending elsewhere,
// 3 taken over from an expired pending claim (its node died mid-insert: the store decides).
// Redis's own clock decides expiry, so the nodes' clocks do not have to agree.
const CLAIM = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', KEYS[1], epoch)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = 'p:' .. (now + tonumber(ARGV[2])) .. ':' .. ARGV[1]
local out = { epoch }
for i = 2, #KEYS do
  local k = KEYS[i]
  local v = redis.call('GET', k)
  if not v then
    redis.call('SET', k, mine, 'PX', ARGV[3])
    out[i] = 0
  elseif v == 'c' then
    out[i] = 1
  else
    local deadline = tonumber(string.match(v, '^p:(%d+):'))
    if deadline ~= nil and deadline < now then
      redis.call('SET', k, mine, 'PX', ARGV[3])
      out[i] = 3
    else
      out[i] = 2
    end
  end
end
return out`;

const COMMIT = `
for i = 2, #KEYS do redis.call('SET', KEYS[i], 'c', 'PX', ARGV[1]) end
return #KEYS - 1`;

// Only our own claims are given up: one taken over meanwhile belongs to another node now.
// ARGV[2] = '1' after a failed INSERT, which may have landed in part: the claim is not
// dropped but marked expired, so whoever claims the order next checks the store first.
const RELEASE = `
local suffix = ':' .. ARGV[1]
local n = 0
for i = 2, #KEYS do
  local k = KEYS[i]
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, 2) == 'p:' and string.sub(v, -string.len(suffix)) == suffix then
    if ARGV[2] == '1' then
      redis.call('SET', k, 'p:0' .. suffix, 'KEEPTTL')
    else
      redis.call('DEL', k)
    end
    n = n + 1
  end
end
return n`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * Cross-node dedup: each order is claimed in Redis atomically before its INSERT and marked
 * committed after it, so several ingest nodes over one ClickHouse store every order once.
 * An order Redis calls new is also checked against this node's memory of stored keys
 * (MemoryClaims: fingerprints, hits confirmed in the store), so orders stored before Redis
 * lost its keys are still known; when a show's epoch changes, that memory is reloaded.
 * Keys carry the show as a hash tag, so one script call touches one cluster slot.
 */
export class RedisClaims implements OrderClaims {
  /** This node's claims, as recorded in Redis (a node restart is a new owner). */
  private readonly owner = randomUUID();
  private readonly pendingMs: number;
  private readonly memory: MemoryClaims;
  /** The epoch of each show's keys this node last saw. */
  private readonly epochs = new Map<string, string>();

  constructor(
    private readonly redis: RedisCommands,
    private readonly store: StoreHandle,
    private readonly log: Logger,
    opts: RedisClaimsOptions = {},
  ) {
    this.pendingMs = opts.pendingMs ?? 120_000;
    this.memory = new MemoryClaims(store, log);
  }

  async claim(orders: readonly Order[]): Promise<Verdict[]> {
    const verdicts: Verdict[] = new Array<Verdict>(orders.length);
    const takenOver: number[] = [];
    const fresh: number[] = [];
    const args = [this.owner, String(this.pendingMs), String(COMMITTED_MS), randomUUID()];
    try {
      return await this.decide(orders, args, verdicts, takenOver, fresh);
    } catch (err) {
      // Claimed here but never decided: give them up, or they would be "busy" for pendingMs,
      // on this node too. Marked as after a failed INSERT, so the next claimant checks the store.
      // (Only in Redis: nothing was written, so this node's memory of stored keys still holds.)
      const claimed = [...takenOver, ...fresh].map((i) => orders[i]!);
      if (claimed.length > 0) {
        await this.perChunk(claimed, RELEASE, [this.owner, '1'], null, () => undefined).catch((e: unknown) =>
          this.log.warn({ err: String(e), orders: claimed.length }, 'could not release claims in Redis'),
        );
      }
      throw err;
    }
  }

  /** Claims in Redis, then asks the store about what Redis cannot vouch for (see claim). */
  private async decide(
    orders: readonly Order[],
    args: string[],
    verdicts: Verdict[],
    takenOver: number[],
    fresh: number[],
  ): Promise<Verdict[]> {
    await this.perChunk(
      orders,
      CLAIM,
      args,
      (show, epoch) => this.noteEpoch(show, epoch),
      (i, r) => {
        if (r === 1) verdicts[i] = 'duplicate';
        else if (r === 2) verdicts[i] = 'busy';
        else {
          verdicts[i] = 'new';
          if (r === 3) takenOver.push(i);
          else fresh.push(i);
        }
      },
    );
    const stored: Order[] = [];
    if (takenOver.length > 0) {
      // A node died between claim and commit: whether its INSERT landed only the store knows.
      const found = await storedAmong(
        this.store,
        takenOver.map((i) => orders[i]!),
      );
      for (const i of takenOver) {
        if (found.has(storedId(orders[i]!))) {
          verdicts[i] = 'duplicate';
          stored.push(orders[i]!);
        }
      }
      this.log.warn({ orders: takenOver.length, stored: stored.length }, 'took over expired claims of another node');
    }
    if (fresh.length > 0) {
      // New to Redis; maybe stored before Redis lost its keys.
      const seen = await this.memory.claim(fresh.map((i) => orders[i]!));
      fresh.forEach((i, j) => {
        if (seen[j] === 'duplicate') {
          verdicts[i] = 'duplicate';
          stored.push(orders[i]!);
        }
      });
    }
    // Stored already: mark them so the other nodes need not ask the store again.
    if (stored.length > 0) await this.commit(stored);
    return verdicts;
  }

  async commit(orders: readonly Order[]): Promise<void> {
    await this.memory.commit(orders);
    try {
      await this.perChunk(orders, COMMIT, [String(COMMITTED_MS)], null, () => undefined);
    } catch (err) {
      // The rows are stored; their claims stay pending until they expire and the store is checked.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not mark committed orders in Redis');
    }
  }

  async release(orders: readonly Order[], failed: boolean): Promise<void> {
    await this.memory.release(orders, failed);
    try {
      await this.perChunk(orders, RELEASE, [this.owner, failed ? '1' : '0'], null, () => undefined);
    } catch (err) {
      // They expire, and whoever takes them over checks the store first.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not release claims in Redis');
    }
  }

  private noteEpoch(show: string, epoch: string): void {
    const before = this.epochs.get(show);
    this.epochs.set(show, epoch);
    if (before !== undefined && before !== epoch) {
      // Keys committed by other nodes since this node loaded its memory may be gone from Redis.
      this.log.warn({ show }, 'Redis lost the order keys; reloading stored keys from the store');
      this.memory.forget([show]);
    }
  }

  /** Runs a script over the orders' keys, one show and at most CHUNK keys per call (after the show's epoch key). */
  private async perChunk(
    orders: readonly Order[],
    script: string,
    args: string[],
    epoch: ((show: string, epoch: string) => void) | null,
    visit: (index: number, result: number) => void,
  ): Promise<void> {
    const byShow = new Map<string, number[]>();
    orders.forEach((o, i) => {
      const list = byShow.get(o.show) ?? [];
      list.push(i);
      byShow.set(o.show, list);
    });
    for (const [show, indexes] of byShow) {
      for (let at = 0; at < indexes.length; at += CHUNK) {
        const part = indexes.slice(at, at + CHUNK);
        const keys = [epochKey(show), ...part.map((i) => redisKey(show, orders[i]!))];
        const out = await this.eval(script, keys, args);
        if (epoch && Array.isArray(out)) epoch(show, String(out[0]));
        if (Array.isArray(out)) part.forEach((i, j) => visit(i, Number(out[j + 1])));
      }
    }
  }

  private async eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.redis.sendCommand(['EVALSHA', sha1(script), ...tail]);
    } catch (err) {
      // First use on this Redis (or after a restart): send the script itself once.
      if (!String(err).includes('NOSCRIPT')) throw err;
      return this.redis.sendCommand(['EVAL', script, ...tail]);
    }
  }
}

/** The key of a show's epoch (see CLAIM). */
function epochKey(show: string): string {
  return `gmv:{${show}}:epoch`;
}

/** The Redis key of an order's claim; `{show}` is the cluster hash tag. */
function redisKey(show: string, o: Pick<Order, 'order_id' | 'type'>): string {
  return `gmv:{${show}}:o:${o.type === 'refund' ? 'r' : 's'}:${o.order_id}`;
}
