import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllNode } from '../../server/roles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const dir = tempDir('export-csv');
let app: AllNode;
const S = Date.parse('2015-11-11T00:00:00+08:00');
const MIN = 60_000;

/** Keys a spreadsheet would run as formulas, and keys it would not. */
const HOSTILE = ['=HYPERLINK("http://x.test","y")', '+1+1', '-1-1', '@SUM(A1:A9)', '\tx', '\rx'];
const PLAIN = ['m-plain', "'quoted", 'm=1'];

/** Writes an order straight into the store: ingest refuses these merchant ids, an older or bulk-loaded store may not. */
async function store(id: string, type: 'sale' | 'refund', tsMs: number, amount: string, merchant: string) {
  await app.store.client.command({
    query: `INSERT INTO ${app.store.db}.orders
              (show, order_id, type, ts, amount, currency, gmv, country, channel, category, merchant_id)
            SELECT '2015', {id:String}, {type:String}, fromUnixTimestamp64Milli({ts:Int64}, 'UTC'),
                   {amount:Decimal(18, 2)}, 'CNY', {amount:Decimal(18, 2)}, 'CN', 'mobile', 'apparel', {merchant:String}`,
    query_params: { id, type, ts: tsMs, amount, merchant },
  });
}

beforeAll(async () => {
  ({ app } = await startApp(dir.path));
  // Minute 1: one sale of 10.00 per merchant. Minute 3: only a refund, so its net GMV is -12.50.
  for (const [i, m] of [...HOSTILE, ...PLAIN].entries()) await store(`x-${i}`, 'sale', S + MIN + i * 1000, '10.00', m);
  await store('x-refund', 'refund', S + 3 * MIN + 5000, '12.50', 'm-refund');
});
afterAll(async () => {
  await app?.close();
  dir.remove();
});

/** RFC 4180 fields, each with whether it was quoted. */
function parseCsv(text: string): { value: string; quoted: boolean }[][] {
  const rows: { value: string; quoted: boolean }[][] = [];
  let row: { value: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') value += text[i++];
    }
    row.push({ value, quoted });
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
const range = `show=2015&from=${iso(S)}&to=${iso(S + 10 * MIN)}`;

describe('CSV exports against formula injection', () => {
  it('prefixes text cells that start with = + - @ tab or CR with a quote, quoted as CSV requires', async () => {
    const res = await app.inject({ url: `/api/v1/export.csv?kind=breakdown&dimension=merchant&${range}` });
    expect(res.statusCode, res.body).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    expect(header!.map((f) => f.value)).toEqual(['dimension', 'key', 'orders', 'gmv']);
    const byKey = new Map(rows.map((r) => [r[1]!.value, r]));
    expect([...byKey.keys()].sort()).toEqual([...HOSTILE.map((m) => `'${m}`), ...PLAIN].sort());
    for (const r of rows) {
      // Text is quoted; numbers are not, and stay numbers.
      expect(r.map((f) => f.quoted)).toEqual([true, true, false, false]);
      expect([r[0]!.value, r[2]!.value, r[3]!.value]).toEqual(['merchant', '1', '10.00']);
    }
    // Ties on GMV in the order of the stored keys, as /breakdowns gives them.
    const json = (await app.inject({ url: `/api/v1/breakdowns?dimension=merchant&${range}` })).json<{
      rows: { key: string }[];
    }>();
    expect(rows.map((r) => r[1]!.value)).toEqual(json.rows.map((r) => (HOSTILE.includes(r.key) ? `'${r.key}` : r.key)));
  });

  it('keeps negative amounts as plain numbers', async () => {
    const res = await app.inject({ url: `/api/v1/export.csv?step=1m&${range}` });
    expect(res.statusCode, res.body).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    expect(header!.map((f) => f.value)).toEqual(['t', 'orders', 'gmv', 'refunds', 'refundGmv', 'netGmv']);
    const refundMinute = rows.find((r) => r[0]!.value === new Date(S + 3 * MIN).toISOString().replace('.000', ''));
    expect(refundMinute!.map((f) => [f.value, f.quoted])).toEqual([
      [new Date(S + 3 * MIN).toISOString().replace('.000', ''), true],
      ['0', false],
      ['0.00', false],
      ['1', false],
      ['12.50', false],
      ['-12.50', false],
    ]);
  });

  it('leaves Parquet exports as stored: typed columns, no spreadsheet to fool', async () => {
    const res = await app.inject({ url: `/api/v1/export.parquet?kind=breakdown&dimension=merchant&${range}` });
    expect(res.statusCode).toBe(200);
    const file = join(dir.path, 'merchants.parquet');
    writeFileSync(file, res.rawPayload);
    const rs = await app.store.query({
      query: 'SELECT key FROM file({file:String}, Parquet)',
      query_params: { file },
      format: 'JSONCompactEachRow',
    });
    const keys = (await rs.json<[string]>()).map(([k]) => k);
    expect(keys.sort()).toEqual([...HOSTILE, ...PLAIN].sort());
  });
});
