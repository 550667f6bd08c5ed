import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Order } from '../../shared/order.js';
import type { StoreHandle } from '../store/client.js';
import { storedAmong, storedId, type OrderClaims, type Verdict } from './claims.js';

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
  /** How long a committed key is remembered: it must cover the show and its late resends. */
  committedMs?: number;
  /** Keys per script call, so one call never blocks Redis for long. */
  chunk?: number;
}

// Per key: 0 claimed by us, 1 committed (duplicate), 2 pending elsewhere, 3 taken over from an
// expired pending claim (its node died mid-insert: the store decides). Redis's own clock
// decides expiry, so the nodes' clocks do not have to agree.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = 'p:' .. (now + tonumber(ARGV[2])) .. ':' .. ARGV[1]
local out = {}
for i, k in ipairs(KEYS) do
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
for _, k in ipairs(KEYS) do redis.call('SET', k, 'c', 'PX', ARGV[1]) end
return #KEYS`;

// Only our own claims are dropped: one taken over meanwhile belongs to another node now.
const RELEASE = `
local suffix = ':' .. ARGV[1]
local n = 0
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, 2) == 'p:' and string.sub(v, -string.len(suffix)) == suffix then
    redis.call('DEL', k)
    n = n + 1
  end
end
return n`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * Cross-node dedup: each order is claimed in Redis atomically before its INSERT and marked
 * committed after it, so several ingest nodes over one ClickHouse store every order once.
 * Keys carry the show as a hash tag, so one script call touches one cluster slot.
 */
export class RedisClaims implements OrderClaims {
  /** This node's claims, as recorded in Redis (a node restart is a new owner). */
  private readonly owner = randomUUID();
  private readonly pendingMs: number;
  private readonly committedMs: number;
  private readonly chunk: number;

  constructor(
    private readonly redis: RedisCommands,
    private readonly store: StoreHandle,
    private readonly log: Logger,
    opts: RedisClaimsOptions = {},
  ) {
    this.pendingMs = opts.pendingMs ?? 120_000;
    this.committedMs = opts.committedMs ?? 7 * 24 * 3600_000;
    this.chunk = opts.chunk ?? 5000;
  }

  async claim(orders: readonly Order[]): Promise<Verdict[]> {
    const verdicts: Verdict[] = new Array<Verdict>(orders.length);
    const takenOver: number[] = [];
    await this.perChunk(orders, CLAIM, [this.owner, String(this.pendingMs), String(this.committedMs)], (i, r) => {
      if (r === 1) verdicts[i] = 'duplicate';
      else if (r === 2) verdicts[i] = 'busy';
      else {
        verdicts[i] = 'new';
        if (r === 3) takenOver.push(i);
      }
    });
    if (takenOver.length > 0) {
      // A node died between claim and commit: whether its INSERT landed only the store knows.
      const suspects = takenOver.map((i) => orders[i]!);
      const stored = await storedAmong(this.store, suspects);
      const landed: Order[] = [];
      for (const i of takenOver) {
        if (stored.has(storedId(orders[i]!))) {
          verdicts[i] = 'duplicate';
          landed.push(orders[i]!);
        }
      }
      await this.commit(landed);
      this.log.warn({ orders: takenOver.length, stored: landed.length }, 'took over expired claims of another node');
    }
    return verdicts;
  }

  async commit(orders: readonly Order[]): Promise<void> {
    try {
      await this.perChunk(orders, COMMIT, [String(this.committedMs)], () => undefined);
    } catch (err) {
      // The rows are stored; their claims stay pending until they expire and the store is checked.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not mark committed orders in Redis');
    }
  }

  async release(orders: readonly Order[]): Promise<void> {
    try {
      await this.perChunk(orders, RELEASE, [this.owner], () => undefined);
    } catch (err) {
      // They expire, and whoever takes them over checks the store first.
      this.log.warn({ err: String(err), orders: orders.length }, 'could not release claims in Redis');
    }
  }

  /** Runs a script over the orders' keys, one show and at most `chunk` keys per call. */
  private async perChunk(
    orders: readonly Order[],
    script: string,
    args: string[],
    visit: (index: number, result: number) => void,
  ): Promise<void> {
    const byShow = new Map<string, number[]>();
    orders.forEach((o, i) => {
      const list = byShow.get(o.show) ?? [];
      list.push(i);
      byShow.set(o.show, list);
    });
    for (const [show, indexes] of byShow) {
      for (let at = 0; at < indexes.length; at += this.chunk) {
        const part = indexes.slice(at, at + this.chunk);
        const keys = part.map((i) => redisKey(show, orders[i]!));
        const out = await this.eval(script, keys, args);
        part.forEach((i, j) => visit(i, Number(Array.isArray(out) ? out[j] : out)));
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

/** The Redis key of an order's claim; `{show}` is the cluster hash tag. */
export function redisKey(show: string, o: Pick<Order, 'order_id' | 'type'>): string {
  return `gmv:{${show}}:o:${o.type === 'refund' ? 'r' : 's'}:${o.order_id}`;
}
