import { describe, expect, it } from 'vitest';
import { MAX_MERCHANT_PROBLEMS, describeProblem, parseMerchants, splitCsv } from '../../shared/merchants.js';

describe('parseMerchants(text): CSV', () => {
  it('reads a header in any column order, RFC 4180 quotes, CRLF, a BOM and optional columns left empty', () => {
    const csv =
      '\ufeffname,id,lat,lon,province,city\r\n' +
      '"Tea House, West Lake",m-1,30.27,120.16,33,Hangzhou\r\n' +
      '"The ""Best"" Shop",m-2,,,,\r\n' +
      '\r\n' +
      '深圳电子,m-3,22.54,114.06,44,深圳\r\n';
    expect(parseMerchants(csv)).toEqual({
      ok: true,
      merchants: [
        { id: 'm-1', name: 'Tea House, West Lake', province: '33', city: 'Hangzhou', lon: 120.16, lat: 30.27 },
        { id: 'm-2', name: 'The "Best" Shop', province: '', city: '', lon: null, lat: null },
        { id: 'm-3', name: '深圳电子', province: '44', city: '深圳', lon: 114.06, lat: 22.54 },
      ],
    });
    expect(parseMerchants('id,name\nm-9,Nine\n')).toMatchObject({ ok: true, merchants: [{ id: 'm-9', lon: null }] });
  });

  it('names the line and field of every bad row', () => {
    const csv = [
      'id,name,province,city,lon,lat',
      'm-1,Good,33,Hangzhou,120.1,30.2',
      'm 2,Bad id,,,,',
      'm-3,,,,,',
      'm-4,Bad province,71,,,',
      'm-5,Bad city,33,Hang/zhou,,',
      'm-6,Bad lon,33,,181,30',
      'm-7,Lon only,33,,120,',
      'm-1,Again,,,,',
      'm-8,"open quote,,,,',
      'm-9,Too few',
      'm-10,Bad lat,,,120,abc',
    ].join('\n');
    const r = parseMerchants(csv);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'id'],
      [4, 'name'],
      [5, 'province'],
      [6, 'city'],
      [7, 'lon'],
      [8, 'lat'],
      [9, 'id'],
      [10, null],
      [11, null],
      [12, 'lat'],
    ]);
    expect(describeProblem(r.problems[6]!)).toBe('line 9, field id: id "m-1" appears more than once');
  });

  it('refuses a header without id or name, or with an unknown column', () => {
    expect(parseMerchants('id,title\nm,x')).toMatchObject({ ok: false, problems: [{ line: 1, field: 'title' }] });
    expect(parseMerchants('id,city\nm,x')).toMatchObject({ ok: false, problems: [{ line: 1, field: 'name' }] });
  });

  it(`stops after ${MAX_MERCHANT_PROBLEMS} problems`, () => {
    const csv = ['id,name', ...Array.from({ length: 100 }, (_, i) => `bad id ${i},x`)].join('\n');
    const r = parseMerchants(csv);
    expect(r.ok ? 0 : r.problems.length).toBe(MAX_MERCHANT_PROBLEMS);
  });

  it('splits quoted and empty fields', () => {
    expect(splitCsv('a,"b,c",,"d""e",')).toEqual(['a', 'b,c', '', 'd"e', '']);
    expect(splitCsv('"a"b')).toBeNull();
  });
});

describe('parseMerchants(text): JSON', () => {
  it('reads an array of objects, lon and lat as numbers or strings', () => {
    const json = JSON.stringify([
      { id: 'm-1', name: 'One', province: '33', city: 'Hangzhou', lon: 120.16, lat: '30.27' },
      { id: 'm-2', name: 'Two' },
    ]);
    expect(parseMerchants(json)).toEqual({
      ok: true,
      merchants: [
        { id: 'm-1', name: 'One', province: '33', city: 'Hangzhou', lon: 120.16, lat: 30.27 },
        { id: 'm-2', name: 'Two', province: '', city: '', lon: null, lat: null },
      ],
    });
  });

  it('names the item (its line) and field of every bad one', () => {
    const json = JSON.stringify([
      { id: 'm-1', name: 'One' },
      'not an object',
      { id: 'm-3', name: 'Three', owner: 'x' },
      { id: 'm-4', name: 4 },
      { id: 'm-5', name: 'Five', lat: 95, lon: 1 },
    ]);
    const r = parseMerchants(json);
    expect(r.ok ? [] : r.problems.map((p) => [p.line, p.field])).toEqual([
      [2, null],
      [3, 'owner'],
      [4, 'name'],
      [5, 'lat'],
    ]);
    expect(parseMerchants('[{"id": "m"')).toMatchObject({ ok: false, problems: [{ line: 1, field: null }] });
  });
});
