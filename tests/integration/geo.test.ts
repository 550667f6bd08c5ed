import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import { loadConfig } from '../../server/config.js';
import type { MerchantDirectory } from '../../server/domain/merchants.js';
import { merchantsWatch } from '../../server/merchants.js';
import { insertMerchants } from '../../server/store/merchants.js';
import { merchantHub } from '../../shared/geo.js';
import type { BreakdownsResponse } from '../../shared/history.js';
import type { Arc, Snapshot } from '../../shared/protocol.js';
import { injectOrders, liveClient, startApp, until } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('geo');
let app: AllNode;
let url: string;
const merchantsFile = join(dir.path, 'merchants.csv');

const orders = [
  { id: 'g-1', merchant: 'm-hz', province: '44', city: 'Shenzhen', amount: '300.00' },
  { id: 'g-2', merchant: 'm-hz', province: '44', city: '广州', amount: '200.00' },
  { id: 'g-3', merchant: 'm-sh', province: '33', city: 'Hangzhou', amount: '150.00' },
  { id: 'g-4', merchant: 'm-x', province: '', city: '', amount: '50.00' },
].map((o) =>
  JSON.stringify({
    order_id: o.id,
    ts: '2015-11-11T00:00:05.000+08:00',
    amount: o.amount,
    currency: 'CNY',
    country: 'CN',
    channel: 'mobile',
    merchant_id: o.merchant,
    ...(o.province ? { province: o.province } : {}),
    ...(o.city ? { city: o.city } : {}),
  }),
);

beforeAll(async () => {
  writeFileSync(
    merchantsFile,
    'id,name,province,city,lon,lat\n' +
      'm-hz,"Hangzhou Tea, Ltd.",33,Hangzhou,120.16,30.27\n' +
      'm-sh,上海电器,31,Shanghai,,\n',
  );
  ({ app, url } = await startApp(join(dir.path, 'data'), { MERCHANTS_FILE: merchantsFile }));
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await app.inject({ url: path });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
};

describe('who sold and where, on real chDB', () => {
  it('takes orders with province and city, and ranks them live, names merchants and draws arcs from their location', async () => {
    const client = liveClient(url);
    try {
      await until(() => client.snapshots.length > 0, 10_000, 'the first snapshot');
      const res = await injectOrders(app, orders.join('\n'));
      expect(res.json()).toEqual({ accepted: 4, duplicates: 0, rejected: [] });

      // Arcs come with ticks; the breakdowns with every tick and snapshot.
      const arcs: Arc[] = [];
      const last = await until(
        () => {
          for (const t of client.ticks.splice(0)) arcs.push(...t.arcs);
          return arcs.length >= 4 && app.live.snapshot();
        },
        15_000,
        'the arcs of the four orders',
      );
      const b = (last as Snapshot).breakdowns;
      expect(b.province).toEqual([
        { key: '44', orders: 2, gmv: '500.00' },
        { key: '33', orders: 1, gmv: '150.00' },
      ]);
      expect(b.city).toEqual([
        { key: 'Shenzhen', orders: 1, gmv: '300.00' },
        { key: '广州', orders: 1, gmv: '200.00' },
        { key: 'Hangzhou', orders: 1, gmv: '150.00' },
      ]);
      expect(b.merchant).toEqual([
        { key: 'm-hz', orders: 2, gmv: '500.00', name: 'Hangzhou Tea, Ltd.' },
        { key: 'm-sh', orders: 1, gmv: '150.00', name: '上海电器' },
        { key: 'm-x', orders: 1, gmv: '50.00' },
      ]);
      expect(arcs.sort()).toEqual(
        [
          [merchantHub('m-hz'), 'CN', '44', 1202, 303],
          [merchantHub('m-hz'), 'CN', '44', 1202, 303],
          [merchantHub('m-sh'), 'CN', '33', null, null],
          [merchantHub('m-x'), 'CN', '', null, null],
        ].sort(),
      );
    } finally {
      client.socket.close();
    }
  });

  it('refuses a province outside China, naming the line and field', async () => {
    const bad = JSON.stringify({ ...JSON.parse(orders[0]!), order_id: 'g-bad', country: 'JP' });
    const res = await injectOrders(app, `${orders[3]}\n${bad}\n`);
    expect(res.json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
      rejected: [{ line: 2, field: 'province', code: 'GMV_ERR_PROVINCE_COUNTRY' }],
    });
  });

  it('answers the history API by province, by city, and by merchant with the names joined in the engine', async () => {
    const q = 'show=2015&from=2015-11-11T00:00:00%2B08:00&to=2015-11-11T01:00:00%2B08:00';
    const province = await get<BreakdownsResponse>(`/api/v1/breakdowns?${q}&dimension=province`);
    expect(province.rows).toEqual([
      { key: '44', orders: 2, gmv: '500.00' },
      { key: '33', orders: 1, gmv: '150.00' },
    ]);
    const city = await get<BreakdownsResponse>(`/api/v1/breakdowns?${q}&dimension=city&limit=2`);
    expect(city.rows.map((r) => r.key)).toEqual(['Shenzhen', '广州']);
    const merchant = await get<BreakdownsResponse>(`/api/v1/breakdowns?${q}&dimension=merchant`);
    expect(merchant.rows).toEqual([
      { key: 'm-hz', orders: 2, gmv: '500.00', name: 'Hangzhou Tea, Ltd.' },
      { key: 'm-sh', orders: 1, gmv: '150.00', name: '上海电器' },
      { key: 'm-x', orders: 1, gmv: '50.00' },
    ]);
  });

  it('rebuilds the province and city rankings from the store', async () => {
    await app.live.markStale(['2015']);
    await app.live.ensureFresh();
    const b = app.live.snapshot().breakdowns;
    expect(b.province?.map((r) => [r.key, r.gmv])).toEqual([
      ['44', '500.00'],
      ['33', '150.00'],
    ]);
    expect(b.city?.length).toBe(3);
    expect(b.merchant[0]).toMatchObject({ key: 'm-hz', name: 'Hangzhou Tea, Ltd.' });
  });

  it('reads merchants loaded while it runs when their count or latest load changes', async () => {
    const applied: (MerchantDirectory | null)[] = [];
    const watch = merchantsWatch(
      app.store,
      (d) => {
        applied.push(d);
        app.live.merchants = d;
      },
      app.log,
    );
    expect(await watch.check()).toBe(false);
    expect(await watch.check()).toBe(false);
    await insertMerchants(
      app.store,
      [{ id: 'm-x', name: 'Late Arrival', province: '', city: '', lon: 100, lat: 30 }],
      Date.now(),
    );
    expect(await watch.check()).toBe(true);
    expect(applied[0]?.name('m-x')).toBe('Late Arrival');
    expect(applied[0]?.name('m-hz')).toBe('Hangzhou Tea, Ltd.');
    expect(app.live.snapshot().breakdowns.merchant.find((r) => r.key === 'm-x')?.name).toBe('Late Arrival');
    expect(await watch.check()).toBe(false);
  });

  it('refuses to start on a merchants file with a bad row, naming its line and field', () => {
    const badFile = join(dir.path, 'bad.csv');
    writeFileSync(badFile, 'id,name,province\nm-1,One,33\nm-2,Two,99\n');
    expect(() => loadConfig({ MERCHANTS_FILE: badFile })).toThrow(
      /^MERCHANTS_FILE .*bad\.csv: line 3, field province: province must be a GB\/T 2260 province code/,
    );
  });
});
