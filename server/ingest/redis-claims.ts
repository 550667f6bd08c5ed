import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import type { RedisCommands } from '../relay.js';
import type { StoreHandle } from '../store/client.js';
import {
  ClaimLostError,
  MemoryClaims,
  storedAmong,
  storedId,
  type ClaimHold,
  type MemoryClaimsOptions,
  type OrderClaims,
  type Verdict,
} from './claims.js';

/** Options of the claim registry. */
export interface RedisClaimsOptions {
  /**
   * How long a claim may stay pending before another node may take it over (after checking the
   * store): the lease a claim, a fence or a renewal gives. Longer than `insertMs`.
   */
  pendingMs?: number;
  /**
   * The longest an INSERT may take from being handed to the store until it has landed or can no
   * longer land (the ClickHouse request timeout is 60 s). A node hands an INSERT to the store only
   * while at least this much of its lease is left, and the orders of a failed INSERT over HTTP stay
   * pending this long (it may have timed out and still land). Default: half of `pendingMs`, at
   * most 60 s.
   */
  insertMs?: number;
  /** Orders checked in the store rather than loading their show's keys into memory (MemoryClaimsOptions). */
  cold?: MemoryClaimsOptions['cold'];
}

/** How long a committed key is remembered: it must cover the show and its late resends. */
const COMMITTED_MS = 7 * 24 * 3600_000;
/** The ClickHouse request timeout (store/client.ts): the default bound of an INSERT. */
export const INSERT_MS = 60_000;
/** Keys per script call, so one call never blocks Redis for long. */
const CHUNK = 5000;

// KEYS[1] is the show's epoch: a random id set once per Redis dataset. If it changes, Redis
// lost its keys (a restart without persistence, a flush) and the nodes check the store again.
// Per order key (KEYS[2..]): 0 claimed by us, 1 committed (duplicate), 2 pending elsewhere,
// 3 taken over from an expired pending claim (its node died mid-insert: the store decides).
// A pending claim is 'p:<expiry>:<node>/<claim>': ARGV[1] is this claim's id, unique per call.
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

// The fence, right before an INSERT and then every pendingMs/4 while it runs: per key, 0 when it is
// still pending for this very claim (ARGV[1]), its lease then extended to now + ARGV[2]; 1 when it
// is not (taken over, committed, released, or lost with Redis's data). An expired lease nobody took
// over is still ours: taking one over rewrites it, and no one else writes this claim's id.
const FENCE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = ':' .. ARGV[1]
local lease = 'p:' .. (now + tonumber(ARGV[2])) .. mine
local out = { 0 }
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v and string.sub(v, 1, 2) == 'p:' and string.sub(v, -string.len(mine)) == mine then
    redis.call('SET', KEYS[i], lease, 'KEEPTTL')
    out[i] = 0
  else
    out[i] = 1
  end
end
return out`;

// The rows are stored: 'c' whoever holds the key now (a claim that took it over meanwhile then
// fails its fence and is not written). Per key, 1 when it was no longer pending for this node
// (ARGV[2]): its lease was lost before the commit, which the fence should make impossible.
const COMMIT = `
local node = ':' .. ARGV[2] .. '/'
local out = { 0 }
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v == 'c' or (v and string.sub(v, 1, 2) == 'p:' and string.find(v, node, 3, true)) then
    out[i] = 0
  else
    out[i] = 1
  end
  redis.call('SET', KEYS[i], 'c', 'PX', ARGV[1])
end
return out`;

// Only a claim's own keys are given up (ARGV[1]: its id, or a node's id and '/' for any claim of
// that node): one taken over meanwhile belongs to another claim now. ARGV[2] < 0: nothing was
// sent, the key is dropped. ARGV[2] >= 0 after a failed INSERT, which may have landed in part: the
// claim is kept, expiring in ARGV[2] ms (0: at once), so whoever claims the order next checks the
// store, after any late landing of that INSERT.
const RELEASE = `
local mine = ':' .. ARGV[1]
local any = string.sub(ARGV[1], -1) == '/'
local hold = tonumber(ARGV[2])
local expiry = 0
if hold > 0 then
  local t = redis.call('TIME')
  expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + hold
end
local n = 0
for i = 2, #KEYS do
  local k = KEYS[i]
  local v = redis.call('GET', k)
  local at = nil
  if v and string.sub(v, 1, 2) == 'p:' then
    if any then
      at = string.find(v, mine, 3, true)
    elseif string.sub(v, -string.len(mine)) == mine then
      at = string.len(v) - string.len(mine) + 1
    end
  end
  if at then
    if hold < 0 then
      redis.call('DEL', k)
    else
      redis.call('SET', k, 'p:' .. expiry .. string.sub(v, at), 'KEEPTTL')
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
  /** Claims made so far: claim n of this node is `${owner}/${n}` in Redis. */
  private claims = 0;
  /** RELEASE's match for any claim of this node. */
  private readonly anyClaim = `${this.owner}/`;
  /** The claim that called each order `new` (by identity: the writer hands the same objects on). */
  private readonly claimOf = new WeakMap<Order, string>();
  private readonly pendingMs: number;
  private readonly insertMs: number;
  /** How long the orders of a failed INSERT stay pending (see RELEASE). */
  private readonly failedMs: number;
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
    this.insertMs = opts.insertMs ?? Math.min(INSERT_MS, Math.floor(this.pendingMs / 2));
    if (!(this.insertMs > 0 && this.insertMs < this.pendingMs)) {
      throw new Error(`insertMs (${this.insertMs}) must be above 0 and below pendingMs (${this.pendingMs})`);
    }
    // chDB runs the INSERT in this process: once it has failed it is over. Over HTTP a timed-out
    // INSERT whose KILL failed may still land on the server.
    this.failedMs = store.kind === 'chdb' ? 0 : this.insertMs;
    this.memory = new MemoryClaims(store, log, { cold: opts.cold });
  }

  async claim(orders: readonly Order[]): Promise<Verdict[]> {
    const verdicts: Verdict[] = new Array<Verdict>(orders.length);
    const takenOver: number[] = [];
    const fresh: number[] = [];
    const id = `${this.owner}/${++this.claims}`;
    const args = [id, String(this.pendingMs), String(COMMITTED_MS), randomUUID()];
    try {
      await this.decide(orders, args, verdicts, takenOver, fresh);
      verdicts.forEach((v, i) => v === 'new' && this.claimOf.set(orders[i]!, id));
      return verdicts;
    } catch (err) {
      // Claimed here but never decided: give them up, or they would be "busy" for pendingMs,
      // on this node too. Marked expired, so the next claimant checks the store (a taken-over
      // order may have been stored by its first node). Nothing was sent: nothing can land later.
      // (Only in Redis: nothing was written, so this node's memory of stored keys still holds.)
      const claimed = [...takenOver, ...fresh].map((i) => orders[i]!);
      if (claimed.length > 0) {
        await this.perChunk(claimed, RELEASE, [id, '0'], null, () => undefined).catch((e: unknown) =>
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
  ): Promise<void> {
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
  }

  /**
   * The fence before an INSERT (see OrderClaims.hold and docs/reliability.md, "Each order counted
   * once"). Every order must still be pending for the claim that called it new: then each lease is
   * extended to pendingMs from now (Redis's clock), and the INSERT may be handed to the store until
   * pendingMs - insertMs after this call began (this node's monotonic clock, which runs on while
   * the process is stopped). Every lease expires no earlier than pendingMs after that moment, and a
   * takeover needs an expired lease, so an INSERT handed over in time has landed, or can no longer
   * land, before any other node can take one of its orders over and check the store. While the
   * INSERT runs, the leases are renewed every pendingMs/4: a slow INSERT of a live node is never
   * taken over. A node stopped meanwhile (SIGSTOP, a long pause) renews nothing: its leases expire,
   * and when it runs again its INSERT is either already over (and the taker saw its rows) or is
   * not sent at all (the fence fails, or `sendable()` is false).
   */
  async hold(orders: readonly Order[]): Promise<ClaimHold> {
    const lease = new Lease(this, orders, this.pendingMs - this.insertMs, this.pendingMs / 4, this.log);
    const lost = await lease.renew();
    if (lost > 0) {
      await lease.end();
      throw new ClaimLostError(`${lost} of ${orders.length} orders are no longer claimed by this node`);
    }
    lease.start();
    return lease;
  }

  /**
   * Runs the fence over the orders, each under the claim that called it new; resolves to how
   * many are not held (no longer pending for that claim, or not claimed by this node at all).
   */
  async fence(orders: readonly Order[]): Promise<number> {
    let lost = 0;
    const calls: Promise<void>[] = [];
    for (const [id, list] of this.byClaim(orders)) {
      if (id === this.anyClaim) {
        lost += list.length;
        continue;
      }
      // One script call per show and CHUNK keys, all sent at once: one round trip before the INSERT.
      for (const [keys, indexes] of chunks(list)) {
        calls.push(
          this.eval(FENCE, keys, [id, String(this.pendingMs)]).then((out) => {
            if (!Array.isArray(out)) throw new Error('unexpected fence reply');
            indexes.forEach((_, j) => {
              if (Number(out[j + 1]) !== 0) lost++;
            });
          }),
        );
      }
    }
    await Promise.all(calls);
    return lost;
  }

  async commit(orders: readonly Order[]): Promise<void> {
    await this.memory.commit(orders);
    try {
      let lost = 0;
      await this.perChunk(orders, COMMIT, [String(COMMITTED_MS), this.owner], null, (_, r) => (lost += r));
      if (lost > 0) {
        // The fence is there so this cannot happen; if it did, another node may store them too.
        this.log.error({ orders: lost }, 'committed orders whose claims this node no longer held');
      }
    } catch (err) {
      // The rows are stored; their claims stay pending until they expire and the store is checked.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not mark committed orders in Redis');
    }
  }

  async release(orders: readonly Order[], failed: boolean): Promise<void> {
    await this.memory.release(orders, failed);
    const hold = String(failed ? this.failedMs : -1);
    try {
      for (const [id, list] of this.byClaim(orders))
        await this.perChunk(list, RELEASE, [id, hold], null, () => undefined);
    } catch (err) {
      // They expire, and whoever takes them over checks the store first.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not release claims in Redis');
    }
  }

  /** The orders by the claim that called them new; `anyClaim` for orders this node did not see claimed. */
  private byClaim(orders: readonly Order[]): Map<string, Order[]> {
    const out = new Map<string, Order[]>();
    for (const o of orders) {
      const id = this.claimOf.get(o) ?? this.anyClaim;
      const list = out.get(id);
      if (list) list.push(o);
      else out.set(id, [o]);
    }
    return out;
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
    for (const [keys, part, show] of chunks(orders)) {
      const out = await this.eval(script, keys, args);
      if (epoch && Array.isArray(out)) epoch(show, String(out[0]));
      if (Array.isArray(out)) part.forEach((i, j) => visit(i, Number(out[j + 1])));
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

/**
 * The script calls over these orders' keys: one show and at most CHUNK keys each, after the
 * show's epoch key; with the orders' indexes and the show.
 */
function chunks(orders: readonly Order[]): [string[], number[], string][] {
  const byShow = new Map<string, number[]>();
  orders.forEach((o, i) => {
    const list = byShow.get(o.show);
    if (list) list.push(i);
    else byShow.set(o.show, [i]);
  });
  const out: [string[], number[], string][] = [];
  for (const [show, indexes] of byShow) {
    for (let at = 0; at < indexes.length; at += CHUNK) {
      const part = indexes.slice(at, at + CHUNK);
      out.push([[epochKey(show), ...part.map((i) => redisKey(show, orders[i]!))], part, show]);
    }
  }
  return out;
}

/**
 * A batch's claims held while its INSERT runs (RedisClaims.hold): `sendable` until the window
 * after the last fence that succeeded closes; renewed in the background until `end`.
 */
class Lease implements ClaimHold {
  /** performance.now() until which the INSERT may be handed to the store. */
  private sendBy = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<number> | null = null;
  private ended = false;
  private warned = false;

  constructor(
    private readonly claims: RedisClaims,
    private readonly orders: readonly Order[],
    private readonly windowMs: number,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  sendable(): boolean {
    return !this.ended && performance.now() < this.sendBy;
  }

  /** One fence over every order; the window opens again from when it began, if all are held. */
  renew(): Promise<number> {
    const from = performance.now();
    const run = this.claims.fence(this.orders).then((lost) => {
      if (lost === 0) this.sendBy = Math.max(this.sendBy, from + this.windowMs);
      return lost;
    });
    this.renewing = run.finally(() => (this.renewing = null)).catch(() => -1);
    return run;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.renewing || this.ended) return;
      this.renew().then(
        (lost) => {
          if (lost === 0 || this.warned) return;
          this.warned = true;
          // Only after the process was stopped past its lease (or Redis lost its keys).
          this.log.error({ orders: lost }, 'lost claims while their INSERT was in flight');
        },
        (err: unknown) => this.log.warn({ err: String(err) }, 'could not renew the claims of an INSERT in flight'),
      );
    }, this.everyMs);
    this.timer.unref();
  }

  async end(): Promise<void> {
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A renewal already sent must not land after what follows (a release keeps the claim's id).
    await this.renewing;
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
