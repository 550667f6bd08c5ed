import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openStore, type StoreHandle } from '../../server/store/client.js';
import {
  buildRollupRepair,
  clearRepairMarks,
  markRepairs,
  readRepairMarks,
  repairRollups,
} from '../../server/store/repair.js';
import { ROLLUPS } from '../../server/store/schema.js';
import { grossTotals, injectOrders, startApp, until } from '../fixtures/app.js';
import { ndjson, order, order2014 } from '../fixtures/orders.js';
import { failRollup, rollupSums, rollupsRepaired } from '../fixtures/rollups.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('rollup-repair');
let app: AllNode;
// No reconciliation during the file: a drift it found would repair the live show on its own.
const ENV = { RECONCILE_MS: '3600000' };
beforeAll(async () => {
  ({ app } = await startApp(dir.path, ENV));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

function post(orders: unknown[]) {
  return injectOrders(app, ndjson(orders));
}

/** Posts a batch the store fails to write: the 503 is the write's failure, not load shedding. */
async function postFailing(orders: unknown[]) {
  const res = await post(orders);
  expect([res.statusCode, res.json().code]).toEqual([503, 'GMV_ERR_STORE_UNAVAILABLE']);
}

/** Expects every rollup of the show to hold exactly what its orders give (and the show to have orders). */
async function expectRepaired(store: StoreHandle, show: string) {
  const sums = await rollupSums(store, show);
  for (const [table, { stored, derived }] of Object.entries(sums)) {
    expect(Number(derived[0]), `${show} ${table}`).toBeGreaterThan(0);
    expect(stored, `${show} ${table}`).toEqual(derived);
  }
}

/** Gross sales of the live show as its orders give them. */
async function ordersGross(store: StoreHandle): Promise<{ gmv: string; orders: number }> {
  const rs = await store.query({
    query: `SELECT toString(sum(gmv)) AS gmv, count() AS n FROM ${store.db}.orders WHERE show = '2015' AND type = 'sale'`,
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ gmv: string; n: string }>();
  return { gmv: r!.gmv, orders: Number(r!.n) };
}

/** Polls an async check until it holds, or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A statement of a repair that changes a rollup or its staging table. */
const REPAIR = /^ALTER TABLE \S+ (DELETE|DROP PARTITION|REPLACE PARTITION)|^INSERT INTO \S+_repair /;

/** The stored [orders, gmv] of each rollup. */
function storedOf(sums: Awaited<ReturnType<typeof rollupSums>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(sums).map(([t, s]) => [t, s.stored]));
}

/** Leaves every rollup of the show wrong: its rows counted twice. */
async function doubleRollups(store: StoreHandle, show: string) {
  for (const table of ROLLUPS) {
    await store.client.command({
      query: `INSERT INTO ${store.db}.${table} SELECT * FROM ${store.db}.${table} WHERE show = {show:String}`,
      query_params: { show },
      clickhouse_settings: { async_insert: 0 },
    });
  }
}

const shows = async (store: StoreHandle) => (await readRepairMarks(store)).map((m) => m.show);

describe('rollup repair', () => {
  it('repairs the rollups of every show of a failed INSERT, the live one and another, and clears their marks', async () => {
    // Both shows have rollup parts already: the limit below makes the next INSERT into one throw.
    expect((await post([...Array.from({ length: 20 }, (_, i) => order(i + 1)), order2014(1)])).statusCode).toBe(200);
    await failRollup(app.store, 'gmv_by_second', true);
    const batch = [order(3000), order(3001), order2014(3000), order2014(3001)];
    await postFailing(batch);
    // The orders landed, gmv_by_second did not: both shows are marked, in the store.
    expect(await rollupsRepaired(app.store, '2014')).toBe(false);
    await eventually(async () => (await shows(app.store)).join() === '2014,2015', 10_000, 'both marks stored');

    await failRollup(app.store, 'gmv_by_second', false);
    // The recovery rebuild repairs both shows (no order needs to arrive) and then clears the marks.
    await until(() => !app.live.isStale, 10_000, 'a repairing rebuild');
    expect(await shows(app.store)).toEqual([]);
    await expectRepaired(app.store, '2015');
    await expectRepaired(app.store, '2014');
    expect(await grossTotals(app)).toEqual(await ordersGross(app.store));
  });

  it('repairs, at start and before serving, the shows whose mark an earlier process stored', async () => {
    const now = Date.now();
    await markRepairs(app.store, [
      { show: '2014', atMs: now },
      { show: '2015', atMs: now },
    ]);
    // The rollups left wrong: 2014's per-second rows gone, a 2015 minute counted twice.
    await app.store.client.command({
      query: `ALTER TABLE ${app.store.db}.gmv_by_second DELETE WHERE show = '2014'`,
      clickhouse_settings: { mutations_sync: '2' },
    });
    await app.store.client.command({
      query: `INSERT INTO ${app.store.db}.dims_by_minute SELECT * FROM ${app.store.db}.dims_by_minute WHERE show = '2015'`,
      clickhouse_settings: { async_insert: 0 },
    });
    await app.store.client.command({
      query: `INSERT INTO ${app.store.db}.gmv_by_second SELECT * FROM ${app.store.db}.gmv_by_second WHERE show = '2015'`,
      clickhouse_settings: { async_insert: 0 },
    });
    expect(await rollupsRepaired(app.store, '2014')).toBe(false);
    expect(await rollupsRepaired(app.store, '2015')).toBe(false);
    await app.close();

    ({ app } = await startApp(dir.path, ENV));
    // At once, with no wait: started means repaired.
    expect(await grossTotals(app)).toEqual(await ordersGross(app.store));
    await expectRepaired(app.store, '2015');
    await expectRepaired(app.store, '2014');
    expect(await shows(app.store)).toEqual([]);
  });

  it('completes at the next start a repair cut short after its delete', async () => {
    // The first half of a repair of 2014, as a crash would leave it: its mark stored, its rollups emptied.
    await markRepairs(app.store, [{ show: '2014', atMs: Date.now() }]);
    for (const table of ROLLUPS) {
      await app.store.client.command({
        query: `ALTER TABLE ${app.store.db}.${table} DELETE WHERE show = '2014'`,
        clickhouse_settings: { mutations_sync: '2' },
      });
    }
    await app.close();
    ({ app } = await startApp(dir.path, ENV));
    await expectRepaired(app.store, '2014');
    expect(await shows(app.store)).toEqual([]);
  });

  it('completes at the next start a repair whose swap failed part way, the rollups whole meanwhile', async () => {
    // The rollups left wrong first (every row counted twice): a swapped rollup then differs from
    // before whether or not the failed INSERT below left its rows in \`orders\`.
    await doubleRollups(app.store, '2015');
    const before = await rollupSums(app.store, '2015');
    // merchant_by_hour, the last rollup swapped, refuses the swap: every repair swaps in the
    // others and fails there, so the INSERT stays held and the state stale.
    const client = app.store.client;
    const command = client.command.bind(client);
    client.command = async (p) => {
      if (/REPLACE PARTITION/.test(p.query) && p.query.includes('merchant_by_hour ')) throw new Error('injected');
      return command(p);
    };
    try {
      await failRollup(app.store, 'gmv_by_second', true);
      await postFailing([order(4000), order(4001)]);
      await failRollup(app.store, 'gmv_by_second', false);
      await eventually(
        async () =>
          (await rollupSums(app.store, '2015')).gmv_by_second!.stored.join() !== before.gmv_by_second!.stored.join(),
        30_000,
        'a repair swapped in gmv_by_second',
      );
      expect(app.live.isStale).toBe(true);
      // Half swapped: each rollup holds the show whole, as before the repair or as the orders give it.
      const now = await rollupSums(app.store, '2015');
      for (const table of ROLLUPS) {
        expect([before[table]!.stored, now[table]!.derived], table).toContainEqual(now[table]!.stored);
        expect(Number(now[table]!.stored[0]), table).toBeGreaterThan(0);
      }
      await app.close();
    } finally {
      client.command = command;
    }
    // The fault gone while no process runs; the mark is all that is left of the failure.
    const store = reopen();
    try {
      expect(await shows(store)).toEqual(['2015']);
      expect(await rollupsRepaired(store, '2015')).toBe(false);
    } finally {
      await store.close();
    }

    ({ app } = await startApp(dir.path, ENV));
    expect(await grossTotals(app)).toEqual(await ordersGross(app.store));
    await expectRepaired(app.store, '2015');
    await expectRepaired(app.store, '2014');
    expect(await shows(app.store)).toEqual([]);
  });

  it('shows a reader the whole show at every step of a repair, as before it or as after it', async () => {
    expect((await post(Array.from({ length: 20 }, (_, i) => order(6000 + i)))).statusCode).toBe(200);
    // The rollups left wrong (every row counted twice): the repair changes them.
    await doubleRollups(app.store, '2015');
    const before = await rollupSums(app.store, '2015');
    const seen: Record<string, string[]>[] = [];
    const client = app.store.client;
    const command = client.command.bind(client);
    // A reader between any two statements of the repair.
    client.command = async (p) => {
      seen.push(storedOf(await rollupSums(app.store, '2015')));
      return command(p);
    };
    try {
      await repairRollups(app.store, '2015');
    } finally {
      client.command = command;
    }
    const after = await rollupSums(app.store, '2015');
    expect(seen.length).toBeGreaterThan(ROLLUPS.length);
    for (const table of ROLLUPS) {
      expect(before[table]!.stored, table).not.toEqual(after[table]!.stored);
      expect(after[table]!.stored, table).toEqual(after[table]!.derived);
      for (const s of seen) expect([before[table]!.stored, after[table]!.stored], table).toContainEqual(s[table]);
    }
  });

  it('ends with exact rollups when a repair stopped between its build and its swap, built twice', async () => {
    expect((await post([order2014(7000), order2014(7001)])).statusCode).toBe(200);
    await doubleRollups(app.store, '2014');
    const before = await rollupSums(app.store, '2014');
    // What a process killed after the build leaves (twice over): its mark, the staging tables full.
    await markRepairs(app.store, [{ show: '2014', atMs: Date.now() }]);
    await buildRollupRepair(app.store, '2014');
    await buildRollupRepair(app.store, '2014');
    // Readers still see the rollups as they were, whole.
    expect(storedOf(await rollupSums(app.store, '2014'))).toEqual(storedOf(before));
    await app.close();

    ({ app } = await startApp(dir.path, ENV));
    await expectRepaired(app.store, '2014');
    await expectRepaired(app.store, '2015');
    expect(await shows(app.store)).toEqual([]);
  });

  it('stores a mark it could not write at the failure before the repair changes anything', async () => {
    // The marks table refuses inserts (it holds a part: a mark of a show with no orders).
    await markRepairs(app.store, [{ show: 'none', atMs: Date.now() }]);
    await failRollup(app.store, 'rollup_repairs', true);
    const client = app.store.client;
    const command = client.command.bind(client);
    const log: { query: string; ok: boolean }[] = [];
    client.command = async (p) => {
      try {
        const r = await command(p);
        log.push({ query: p.query, ok: true });
        return r;
      } catch (err) {
        log.push({ query: p.query, ok: false });
        throw err;
      }
    };
    try {
      await failRollup(app.store, 'gmv_by_second', true);
      await postFailing([order(5000), order(5001)]);
      await failRollup(app.store, 'gmv_by_second', false);
      // The rollups would take the repair now, the marks table would not: no repair may start.
      await eventually(async () => log.filter((c) => /rollup_repairs/.test(c.query)).length >= 2, 10_000, 'retries');
      expect(log.some((c) => REPAIR.test(c.query))).toBe(false);
      expect(app.live.isStale).toBe(true);

      await failRollup(app.store, 'rollup_repairs', false);
      await until(() => !app.live.isStale, 10_000, 'a repairing rebuild');
      const stored = log.findIndex((c) => c.ok && c.query.startsWith(`INSERT INTO ${app.store.db}.rollup_repairs`));
      const repairing = log.findIndex((c) => REPAIR.test(c.query));
      expect(stored).toBeGreaterThanOrEqual(0);
      expect(repairing).toBeGreaterThan(stored);
    } finally {
      client.command = command;
    }
    await expectRepaired(app.store, '2015');
    expect(await shows(app.store)).toEqual(['none']);
    await clearRepairMarks(app.store, 'none', Date.now());
  });
});

/** The data directory opened without the app (as after a crash, before the next start). */
function reopen(): StoreHandle {
  const config = loadConfig({ DATA_DIR: dir.path });
  return openStore({ dataDir: dir.path, clickhouse: { ...config.clickhouse, url: null, cluster: null } });
}

describe('rollup repair marks on a cluster', () => {
  it('stores a mark through the Distributed table on a quorum, and clears it on every node', async () => {
    const sent: { query: string; clickhouse_settings?: object }[] = [];
    const clustered = {
      db: 'gmv',
      cluster: 'c1',
      client: {
        command: async (p: (typeof sent)[number]) => {
          sent.push(p);
          return { query_id: '', summary: undefined };
        },
      },
    } as unknown as StoreHandle;
    await markRepairs(clustered, [{ show: '2015', atMs: 1 }]);
    await clearRepairMarks(clustered, '2015', 1);
    expect(sent[0]!.query).toMatch(/^INSERT INTO gmv\.rollup_repairs \(show, marked_at\)/);
    expect(sent[0]!.clickhouse_settings).toMatchObject({ distributed_foreground_insert: 1, insert_quorum: 'auto' });
    expect(sent[1]!.query).toMatch(/^ALTER TABLE gmv\.rollup_repairs_local ON CLUSTER c1\s+DELETE WHERE show = /);
  });
});
