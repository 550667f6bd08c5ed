import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { RedisCommands } from '../relay.js';

/** How long the live node's lease lasts without renewal; a node killed outright frees it after this. */
const LEASE_MS = 5000;

// Takes or renews the lease when it is free or already ours.
const TAKE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const DROP = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The live node's hold on its show. */
export interface LiveLease {
  /**
   * False once Redis said another node holds the lease: this node must not broadcast (every
   * board would see two interleaved seq numberings). While Redis is unreachable it stays
   * true: this node's own boards keep their ticks, and no node reaching Redis can be told
   * otherwise than by Redis itself.
   */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * One live node (ROLE=all) per show: two would both broadcast, and every board would see two
 * interleaved seq numberings. The live node holds a lease in Redis, renewed every second; a
 * second one waits for it at start (a restart after kill -9 waits out the old lease) and gives
 * up when it stays taken. A node that finds its lease taken (it was paused past the lease, or
 * cut off from Redis while another started) stops broadcasting at once and keeps trying to take
 * the lease back; `changed` runs on each loss and regain.
 */
export async function takeLiveLease(
  redis: RedisCommands,
  show: string,
  log: Logger,
  changed: (held: boolean) => void = () => {},
  renewMs = 1000,
): Promise<LiveLease> {
  const key = `gmv:{${show}}:live`;
  const me = randomUUID();
  const take = async () => (await redis.sendCommand(['EVAL', TAKE, '1', key, me, String(LEASE_MS)])) === 1;
  const deadline = Date.now() + LEASE_MS + 1000;
  while (!(await take())) {
    if (Date.now() > deadline) {
      throw new Error(`another live node (ROLE=all) is running for show "${show}": only one may run`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  let held = true;
  const timer = setInterval(() => {
    take().then(
      (ok) => {
        if (ok === held) return;
        held = ok;
        if (ok) log.warn({ show }, 'lease taken back: broadcasting again');
        else log.error({ show }, 'another live node holds the lease: this node stops broadcasting');
        changed(ok);
      },
      // Redis away: the lease runs out there too; renewed when it is back.
      () => undefined,
    );
  }, renewMs);
  return {
    get held() {
      return held;
    },
    async release() {
      clearInterval(timer);
      held = false;
      await redis.sendCommand(['EVAL', DROP, '1', key, me]).catch(() => undefined);
    },
  };
}
