import { describe, expect, it } from 'vitest';
import { parseJsonBody, parseNdjson, type BatchParse } from '../../server/ingest/parse.js';

const limits = { batchLines: 5, lineBytes: 100 };

function parsed(result: BatchParse): Extract<BatchParse, { ok: true }> {
  if (!result.ok) throw new Error(`expected the body to parse, got ${result.code}`);
  return result;
}

describe('parseNdjson', () => {
  it('decodes each line with its 1-based line number', () => {
    const r = parsed(parseNdjson('{"a":1}\n{"b":2}\n', limits));
    expect(r.items).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, value: { b: 2 } },
    ]);
    expect(r.rejected).toEqual([]);
  });

  it('skips blank lines but still counts them in the line numbers', () => {
    const r = parsed(parseNdjson('\n{"a":1}\n\n   \n\t\n{"b":2}', limits));
    expect(r.items.map((i) => i.line)).toEqual([2, 6]);
  });

  it('reads CRLF line endings like LF', () => {
    const r = parsed(parseNdjson('{"a":1}\r\n\r\n{"b":"x"}\r\n', limits));
    expect(r.items).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { b: 'x' } },
    ]);
  });

  it('does not count the CR of a CRLF against the line length', () => {
    const exact = `{"k":"${'x'.repeat(92)}"}`;
    expect(Buffer.byteLength(exact)).toBe(100);
    const r = parsed(parseNdjson(`${exact}\r\n${exact}\r\n`, limits));
    expect(r.items).toHaveLength(2);
    expect(r.rejected).toEqual([]);
  });

  it('rejects a truncated last line on its own line number and keeps the rest', () => {
    const r = parsed(parseNdjson('{"a":1}\n\n{"b":2}\n{"c":', limits));
    expect(r.items.map((i) => i.line)).toEqual([1, 3]);
    expect(r.rejected).toEqual([{ line: 4, field: null, code: 'GMV_ERR_LINE_JSON', message: expect.any(String) }]);
  });

  it('passes JSON values that are not objects through for the validator to judge', () => {
    const r = parsed(parseNdjson('42\n"x"\nnull\n[1]', limits));
    expect(r.items.map((i) => i.value)).toEqual([42, 'x', null, [1]]);
  });

  it('calls a body with no valid JSON line at all invalid', () => {
    expect(parseNdjson('not json\nalso { not\n', limits)).toMatchObject({ ok: false, code: 'GMV_ERR_BODY_INVALID' });
  });

  it.each(['', '\n\n', '  \r\n\t'])('calls the body %j empty', (body) => {
    expect(parseNdjson(body, limits)).toMatchObject({ ok: false, code: 'GMV_ERR_BODY_EMPTY' });
  });

  it('refuses a batch with more orders than allowed', () => {
    const body = Array.from({ length: 6 }, (_, i) => `{"i":${i}}`).join('\n');
    expect(parseNdjson(body, limits)).toMatchObject({ ok: false, code: 'GMV_ERR_TOO_MANY_LINES' });
  });

  it('counts only non-blank lines towards the batch limit', () => {
    const body = Array.from({ length: 5 }, (_, i) => `{"i":${i}}`).join('\n\n\n');
    expect(parsed(parseNdjson(body, limits)).items).toHaveLength(5);
  });

  it('counts lines that are not JSON towards the batch limit', () => {
    const body = ['{"i":1}', 'x', 'y', 'z', 'w', 'v'].join('\n');
    expect(parseNdjson(body, limits)).toMatchObject({ ok: false, code: 'GMV_ERR_TOO_MANY_LINES' });
  });

  it('rejects a line longer than the limit in bytes, not characters', () => {
    const wide = `{"k":"${'é'.repeat(47)}"}`; // 55 characters, 102 bytes
    const r = parsed(parseNdjson(`{"a":1}\n${wide}\n`, limits));
    expect(r.items.map((i) => i.line)).toEqual([1]);
    expect(r.rejected).toEqual([{ line: 2, field: null, code: 'GMV_ERR_LINE_TOO_LONG', message: expect.any(String) }]);
  });

  it('answers line by line when the only problem lines are too long', () => {
    const long = `{"k":"${'x'.repeat(200)}"}`;
    const r = parsed(parseNdjson(`${long}\n${long}`, limits));
    expect(r.items).toEqual([]);
    expect(r.rejected.map((x) => [x.line, x.code])).toEqual([
      [1, 'GMV_ERR_LINE_TOO_LONG'],
      [2, 'GMV_ERR_LINE_TOO_LONG'],
    ]);
  });
});

describe('parseJsonBody', () => {
  it('takes one object as a batch of one on line 1', () => {
    expect(parseJsonBody('{"a":1}', limits)).toEqual({ ok: true, items: [{ line: 1, value: { a: 1 } }], rejected: [] });
  });

  it('numbers the items of an array by position', () => {
    const r = parsed(parseJsonBody('[{"a":1}, 2, {"c":3}]', limits));
    expect(r.items).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, value: 2 },
      { line: 3, value: { c: 3 } },
    ]);
  });

  it('calls an empty array empty', () => {
    expect(parseJsonBody('[]', limits)).toMatchObject({ ok: false, code: 'GMV_ERR_BODY_EMPTY' });
  });

  it.each(['', '  \n'])('calls the body %j empty', (body) => {
    expect(parseJsonBody(body, limits)).toMatchObject({ ok: false, code: 'GMV_ERR_BODY_EMPTY' });
  });

  it.each(['{"a":1}\n{"b":2}', '[{"a":1},', 'orders', "{'a':1}"])('calls %j invalid', (body) => {
    expect(parseJsonBody(body, limits)).toMatchObject({ ok: false, code: 'GMV_ERR_BODY_INVALID' });
  });

  it('refuses an array longer than the batch limit', () => {
    expect(parseJsonBody('[1,2,3,4,5,6]', limits)).toMatchObject({ ok: false, code: 'GMV_ERR_TOO_MANY_LINES' });
    expect(parsed(parseJsonBody('[1,2,3,4,5]', limits)).items).toHaveLength(5);
  });
});
