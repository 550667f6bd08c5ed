import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { CLAIM_STEP, MemoryClaims, type Verdict } from '../../server/ingest/claims.js';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import { forEachStoredKey, insertOrders, LOAD_STEP, storedKeys } from '../../server/store/orders.js';
import { migrate } from '../../server/store/schema.js';
import type { Order } from '../../shared/order.js';
import { parsedOrder } from '../fixtures/app.js';
import { order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('memory-claims');
const log = pino({ level: 'silent' });
let store: StoreHandle;
const template = (): Order => parsedOrder(order(1));

beforeAll(async () => {
  store = openStore(loadConfig({ DATA_DIR: dir.path }));
  await migrate(store);
});
afterAll(async () => {
  await store?.close();
  dir.remove();
});

/** An order of the 2015 show with this id (a fresh object each call, as a resent request makes). */
function sale(id: string, type: Order['type'] = 'sale', show = '2015'): Order {
  return { ...template(), order_id: id, type, show };
}

/** The store, counting the queries whose SQL contains `marker`. */
function counting(marker: string): { store: StoreHandle; count: () => number } {
  let n = 0;
  return {
    store: {
      ...store,
      query: ((params: Parameters<StoreHandle['query']>[0]) => {
        if (params.query.includes(marker)) n++;
        return store.query(params);
      }) as StoreHandle['query'],
    },
    count: () => n,
  };
}

async function rowsOf(id: string): Promise<number> {
  const rs = await store.query({
    query: `SELECT toString(count()) AS n FROM ${store.db}.orders WHERE show = '2015' AND order_id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

/** What the writer does with a claim: write the `new` orders and commit them. */
async function write(claims: MemoryClaims, orders: Order[]): Promise<Verdict[]> {
  const verdicts = await claims.claim(orders);
  const fresh = orders.filter((_, i) => verdicts[i] === 'new');
  await insertOrders(store, fresh);
  await claims.commit(fresh);
  return verdicts;
}

describe('MemoryClaims', () => {
  it('claims an unseen order new and a committed one duplicate', async () => {
    const claims = new MemoryClaims(store, log);
    expect(await write(claims, [sale('a-1'), sale('a-2')])).toEqual(['new', 'new']);
    expect(await claims.claim([sale('a-2'), sale('a-3')])).toEqual(['duplicate', 'new']);
  });

  it('answers busy for an order another claim holds in flight, until that claim commits', async () => {
    const claims = new MemoryClaims(store, log);
    const first = [sale('b-1'), sale('b-2'), sale('b-2', 'refund')];
    expect(await claims.claim(first)).toEqual(['new', 'new', 'new']);
    // The writer claims its next batch while the first INSERT is in flight.
    const second = [sale('b-2'), sale('b-3'), sale('b-1', 'refund')];
    expect(await claims.claim(second)).toEqual(['busy', 'new', 'new']);
    expect(claims.inFlight).toBe(5);
    await insertOrders(store, first);
    await claims.commit(first);
    await claims.release([second[1]!, second[2]!], false);
    expect(claims.inFlight).toBe(0);
    // Resent after its 503, the busy order is a duplicate; the released ones are new again.
    expect(await claims.claim([sale('b-2'), sale('b-3'), sale('b-1', 'refund')])).toEqual(['duplicate', 'new', 'new']);
  });

  it('keeps an order busy while its claim still asks the store about another', async () => {
    const claims = new MemoryClaims(store, log);
    await write(claims, [sale('c-1')]);
    // c-1 is a fingerprint hit: this claim waits on the store, holding c-2 meanwhile.
    const pending = claims.claim([sale('c-1'), sale('c-2')]);
    const meanwhile = await claims.claim([sale('c-2')]);
    expect(meanwhile).toEqual(['busy']);
    expect(await pending).toEqual(['duplicate', 'new']);
    expect(claims.inFlight).toBe(1);
  });

  it('keeps holding a large claim that a commit of another claim interrupts between its steps', async () => {
    const claims = new MemoryClaims(store, log);
    // One synchronous step of orders, all held by the first claim.
    const first = Array.from({ length: CLAIM_STEP }, (_, i) => sale(`j-${i}`));
    await claims.claim(first);
    await insertOrders(store, first);
    const later = [sale('j-new-1'), sale('j-new-2')];
    const second = claims.claim([...first.map((o) => sale(o.order_id)), ...later]);
    // The second claim's first step (all busy) has run; the first claim commits before its next step.
    await new Promise((resolve) => setImmediate(resolve));
    await claims.commit(first);
    const verdicts = await second;
    expect(verdicts.slice(-2)).toEqual(['new', 'new']);
    expect(verdicts.filter((v) => v === 'busy')).toHaveLength(CLAIM_STEP);
    // What the second claim holds is busy to the next one, and commits like any other claim.
    expect(await claims.claim([sale('j-new-1')])).toEqual(['busy']);
    await insertOrders(store, later);
    await claims.commit(later);
    expect(claims.inFlight).toBe(0);
    expect(await claims.claim([sale('j-new-2'), sale('j-1')])).toEqual(['duplicate', 'duplicate']);
  });

  it('makes the orders of a failed INSERT suspects the store decides, without reloading the show', async () => {
    const loads = counting('ORDER BY order_id, t');
    const claims = new MemoryClaims(loads.store, log);
    const batch = [sale('d-1'), sale('d-2'), sale('d-3', 'refund')];
    expect(await claims.claim(batch)).toEqual(['new', 'new', 'new']);
    // The INSERT failed after d-1 landed (an answer lost on the way back, say).
    await insertOrders(store, [batch[0]!]);
    await claims.release(batch, true);
    expect(claims.inFlight).toBe(0);
    const retry = [sale('d-1'), sale('d-2'), sale('d-3', 'refund')];
    expect(await claims.claim(retry)).toEqual(['duplicate', 'new', 'new']);
    expect(loads.count()).toBe(1);
  });

  it('counts a retried order once after a failed INSERT, whether or not it landed', async () => {
    const claims = new MemoryClaims(store, log);
    const landed = sale('e-1');
    const lost = sale('e-2');
    await claims.claim([landed, lost]);
    await insertOrders(store, [landed]);
    await claims.release([landed, lost], true);
    for (let attempt = 0; attempt < 3; attempt++) await write(claims, [sale('e-1'), sale('e-2')]);
    expect(await rowsOf('e-1')).toBe(1);
    expect(await rowsOf('e-2')).toBe(1);
  });

  it('gives up the claim of every order when the store cannot be asked', async () => {
    await insertOrders(store, [sale('f-1')]);
    let fail = false;
    const flaky: StoreHandle = {
      ...store,
      query: ((params: Parameters<StoreHandle['query']>[0]) =>
        fail && params.query.includes('IN {ids')
          ? Promise.reject(new Error('store down'))
          : store.query(params)) as StoreHandle['query'],
    };
    const claims = new MemoryClaims(flaky, log);
    await claims.claim([]);
    fail = true;
    await expect(claims.claim([sale('f-1'), sale('f-2')])).rejects.toThrow('store down');
    expect(claims.inFlight).toBe(0);
    fail = false;
    expect(await claims.claim([sale('f-1'), sale('f-2')])).toEqual(['duplicate', 'new']);
  });

  it('loads a show once, making concurrent claims wait for it', async () => {
    await insertOrders(store, [sale('g-1'), sale('g-2', 'refund')]);
    const loads = counting('ORDER BY order_id, t');
    const claims = new MemoryClaims(loads.store, log);
    const [x, y] = await Promise.all([claims.claim([sale('g-1')]), claims.claim([sale('g-2', 'refund'), sale('g-3')])]);
    expect(x).toEqual(['duplicate']);
    expect(y).toEqual(['duplicate', 'new']);
    expect(loads.count()).toBe(1);
  });

  it('commits orders of several claims at once, and orders it was handed as copies', async () => {
    const claims = new MemoryClaims(store, log);
    const one = [sale('h-1'), sale('h-2')];
    const two = [sale('h-3'), sale('h-4')];
    await claims.claim(one);
    await claims.claim(two);
    const copies = [...one, ...two].reverse().map((o) => ({ ...o }));
    await insertOrders(store, copies);
    await claims.commit(copies);
    expect(claims.inFlight).toBe(0);
    expect(await claims.claim([...one, ...two].map((o) => sale(o.order_id)))).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
  });
});

describe('forEachStoredKey', () => {
  it('visits every stored key once across page edges, a sale and its refund on either side of one', async () => {
    const show = 'pages';
    const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    await insertOrders(store, [
      ...ids.map((id) => sale(id, 'sale', show)),
      sale('p-3', 'refund', show),
      sale('p-5', 'refund', show),
    ]);
    const expected = ['p-1/sale', 'p-2/sale', 'p-3/sale', 'p-3/refund', 'p-4/sale', 'p-5/sale', 'p-5/refund'];
    for (const pageSize of [1, 2, 3, 4, 7, 100_000]) {
      const seen: string[] = [];
      const n = await forEachStoredKey(store, show, (id, type) => seen.push(`${id}/${type}`), pageSize);
      expect(seen).toEqual(expected);
      expect(n).toBe(expected.length);
    }
  });

  it('lets the event loop run between slices of a page', async () => {
    const orders = Array.from({ length: 60_000 }, (_, i) => sale(`q-${i}`, 'sale', 'slices'));
    await insertOrders(store, orders);
    let visited = 0;
    let turns = 0;
    let longest = 0;
    let since = 0;
    let loading = true;
    const tick = (): void => {
      turns++;
      longest = Math.max(longest, visited - since);
      since = visited;
      if (loading) setImmediate(tick);
    };
    setImmediate(tick);
    await forEachStoredKey(store, 'slices', () => visited++);
    loading = false;
    expect(visited).toBe(60_000);
    expect(turns).toBeGreaterThan(3);
    expect(longest).toBeLessThanOrEqual(LOAD_STEP);
  });
});

describe('storedKeys', () => {
  it('confirms many ids in queries of at most 5,000 and finds exactly the stored keys', async () => {
    await insertOrders(store, [sale('s-10'), sale('s-7000'), sale('s-7000', 'refund'), sale('s-11999')]);
    const ids = Array.from({ length: 12_000 }, (_, i) => `s-${i}`);
    const queries = counting('IN {ids');
    const found = await storedKeys(queries.store, '2015', [...ids, ...ids]);
    expect(queries.count()).toBe(3);
    expect(found.map((k) => `${k.order_id}/${k.type}`).sort()).toEqual([
      's-10/sale',
      's-11999/sale',
      's-7000/refund',
      's-7000/sale',
    ]);
  });
});
