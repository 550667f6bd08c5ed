import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { dropShow, storedOrders } from '../../server/store/bulk.js';
import { loadDay } from '../../server/tools/day.js';
import { formatFen } from '../../shared/money.js';
import { validateOrder } from '../../shared/order.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('loadday');
let app: AllNode;
beforeAll(async () => {
  ({ app } = await startApp(dir.path));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

describe("last year's day", () => {
  const config = loadConfig({});
  const ctx = { shows: config.shows, categories: new Set(config.categories) };
  const load = { year: 2014, scale: 0.0001, seed: 7 };

  it('loads every generated order of the day, with the exact gross and net totals', async () => {
    // The expectation comes from the generator itself, independently of the store.
    const gen = new DayGenerator(load);
    let sales = 0;
    let saleFen = 0;
    let refunds = 0;
    let refundFen = 0;
    for (let s = 0; s < DAY_SECONDS; s++) {
      for (const { fields } of gen.second(s)) {
        const check = validateOrder(fields, ctx);
        if (!check.ok) throw new Error(check.message);
        if (check.order.type === 'refund') {
          refunds++;
          refundFen += check.order.gmv_fen;
        } else {
          sales++;
          saleFen += check.order.gmv_fen;
        }
      }
    }
    const progress: number[] = [];
    const r = await loadDay(app.store, ctx, { ...load, onProgress: (n) => progress.push(n) });
    expect(r).toMatchObject({ show: '2014', orders: sales + refunds });
    expect(progress.at(-1)).toBe(sales + refunds);

    const totals = (await app.inject({ url: '/api/v1/totals?show=2014' })).json();
    expect(totals.gross).toEqual({ gmv: formatFen(saleFen), orders: sales });
    expect(totals.net).toEqual({ gmv: formatFen(saleFen - refundFen), orders: sales - refunds });
  });

  it('fills the per-second rollup with the same totals as the raw orders', async () => {
    const rs = await app.store.client.query({
      query: `SELECT toString(sum(orders)) AS n, toDecimalString(sum(gmv), 2) AS g FROM ${app.store.db}.gmv_by_second
              WHERE show = '2014' AND type = 'sale'`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string; g: string }>();
    const totals = (await app.inject({ url: '/api/v1/totals?show=2014' })).json();
    expect({ orders: Number(row!.n), gmv: row!.g }).toEqual(totals.gross);
  });

  it('can be dropped and loaded again to the same count', async () => {
    const before = await storedOrders(app.store, '2014');
    await dropShow(app.store, '2014');
    expect(await storedOrders(app.store, '2014')).toBe(0);
    await loadDay(app.store, ctx, load);
    expect(await storedOrders(app.store, '2014')).toBe(before);
  });
});
