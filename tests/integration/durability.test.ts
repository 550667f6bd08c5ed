import type { AllNode } from '../../server/roles.js';
import { afterAll, describe, expect, it } from 'vitest';
import { INSERTED_TABLES } from '../../server/store/durability.js';
import { injectOrders, startApp } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('durability');
let app: AllNode | undefined;
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** The fsync settings each inserted table has, as ClickHouse reports them. */
async function fsyncOf(a: AllNode): Promise<Record<string, string>> {
  const rs = await a.store.query({
    query: `SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    query_params: { db: a.store.db, names: [...INSERTED_TABLES] },
    format: 'JSONEachRow',
  });
  const out: Record<string, string> = {};
  for (const r of await rs.json<{ name: string; engine_full: string }>()) {
    const after = /fsync_after_insert = (\d)/.exec(r.engine_full)?.[1] ?? 'default';
    const dirs = /fsync_part_directory = (\d)/.exec(r.engine_full)?.[1] ?? 'default';
    out[r.name] = `${after}/${dirs}`;
  }
  return out;
}

describe('STORE_FSYNC', () => {
  it('makes every table an INSERT writes fsync its parts, and turns it off again on a restart without it', async () => {
    // A store that never had it: the tables are left as created.
    ({ app } = await startApp(dir.path, {}));
    expect(await fsyncOf(app)).toEqual(Object.fromEntries(INSERTED_TABLES.map((t) => [t, 'default/default'])));
    await app.close();

    ({ app } = await startApp(dir.path, { STORE_FSYNC: '1' }));
    const on = Object.fromEntries(INSERTED_TABLES.map((t) => [t, '1/1']));
    expect(await fsyncOf(app)).toEqual(on);
    // Orders still go in and count.
    const res = await injectOrders(app, ndjson([order(1), order(2)]));
    expect(res.json()).toMatchObject({ accepted: 2 });
    await app.close();

    ({ app } = await startApp(dir.path, {}));
    // Off again: the tables as they were created, with the engine's defaults.
    expect(await fsyncOf(app)).toEqual(Object.fromEntries(INSERTED_TABLES.map((t) => [t, 'default/default'])));
    expect(app.live.totals().gross.orders).toBe(2);
  });
});
