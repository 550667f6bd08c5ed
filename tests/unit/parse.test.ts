import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody, parseNdjson, scanOrderSources, type BatchParse } from '../../server/ingest/parse.js';
import type { OrderSource } from '../../shared/order.js';

const limits = { batchLines: 5, lineBytes: 100 };
/** The source of an object with no repeated key and no number amount. */
const NONE: OrderSource = { duplicate: null, amount: null };

function parsed(result: BatchParse): Extract<BatchParse, { ok: true }> {
  if (!result.ok) throw new Error(`expected the body to parse, got ${result.code}`);
  return result;
}

describe('parseNdjson', () => {
  it('decodes each line with its 1-based line number', () => {
    const r = parsed(parseNdjson('{"a":1}\n{"b":2}\n', limits));
    expect(r.items).toEqual([
      { line: 1, value: { a: 1 }, source: NONE },
      { line: 2, value: { b: 2 }, source: NONE },
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
      { line: 1, value: { a: 1 }, source: NONE },
      { line: 3, value: { b: 'x' }, source: NONE },
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
    expect(r.items.map((i) => i.source)).toEqual([null, null, null, null]);
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
    expect(parseJsonBody('{"a":1}', limits)).toEqual({
      ok: true,
      items: [{ line: 1, value: { a: 1 }, source: NONE }],
      rejected: [],
    });
  });

  it('numbers the items of an array by position', () => {
    const r = parsed(parseJsonBody('[{"a":1}, 2, {"c":3}]', limits));
    expect(r.items).toEqual([
      { line: 1, value: { a: 1 }, source: NONE },
      { line: 2, value: 2, source: null },
      { line: 3, value: { c: 3 }, source: NONE },
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

describe('parseNdjson and parseJsonBody: what JSON.parse drops', () => {
  it('marks the first key written twice, however it is spelled, and keeps the text of a number amount', () => {
    const r = parsed(
      parseNdjson(
        [
          '{"amount":"1.00","x":1,"amount":"999999.00"}',
          '{"am\\u006funt":"1.00","amount":"1.00"}',
          '{"a":1,"b":2,"b":3,"a":4}',
          '{"amount":19.999999999999999999}',
          '{"amount" :\t0.1e1 , "n":{"amount":5}}',
        ].join('\n'),
        limits,
      ),
    );
    expect(r.items.map((i) => i.source)).toEqual([
      { duplicate: 'amount', amount: null },
      { duplicate: 'amount', amount: null },
      { duplicate: 'b', amount: null },
      { duplicate: null, amount: '19.999999999999999999' },
      { duplicate: null, amount: '0.1e1' },
    ]);
  });

  it("reads each object of a JSON array on its own, and nested keys as not the order's", () => {
    const r = parsed(parseJsonBody('[{"a":{"b":1,"b":2},"c":[{"a":1}]}, {"a":1,"a":2}, 3, {"amount":-0}]', limits));
    expect(r.items.map((i) => i.source)).toEqual([
      NONE,
      { duplicate: 'a', amount: null },
      null,
      { duplicate: null, amount: '-0' },
    ]);
    expect(parsed(parseJsonBody(' {"k":"}","k":"{"} ', limits)).items[0]!.source).toEqual({
      duplicate: 'k',
      amount: null,
    });
  });
});

describe('scanOrderSources', () => {
  /** A key as JSON may spell it: any character may be a \u escape, in either case of hex. */
  const spelled = (key: string, escapes: boolean[], upper: boolean[]): string => {
    let out = '"';
    [...key].forEach((ch, n) => {
      for (let u = 0; u < ch.length; u++) {
        const k = n + u;
        const code = ch.charCodeAt(u);
        if (escapes[k % escapes.length]) {
          const hex = code.toString(16).padStart(4, '0');
          out += `\\u${upper[k % upper.length] ? hex.toUpperCase() : hex}`;
        } else out += JSON.stringify(ch[u]).slice(1, -1);
      }
    });
    return `${out}"`;
  };
  const keyArb = fc.oneof(
    fc.constantFrom('amount', 'amount', 'order_id', 'ts', 'currency', '__proto__', 'a', 'Amount', 'amount '),
    fc.string({ maxLength: 6, unit: 'binary' }),
  );
  const numberArb = fc.stringMatching(/^-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?$/);
  // Nested values with keys of their own (repeated ones too), strings full of JSON syntax.
  const valueArb = fc.oneof(
    numberArb,
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom('"}{\\"amount\\":1,"', '{"amount":1,"amount":2}', '[{"a":1},{"a":1}]', '"\\\\"', 'true', 'null'),
  );
  const space = fc.constantFrom('', '', ' ', '\t', '\r\n ', '\n');
  const entryArb = fc.record({
    key: keyArb,
    escapes: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    upper: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    value: valueArb,
    gaps: fc.tuple(space, space, space, space),
  });
  type Entry = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;
  const objectArb = fc.array(entryArb, { maxLength: 8 }).chain((entries) =>
    // Often a key of the object again, as written or spelled another way.
    entries.length === 0
      ? fc.constant(entries)
      : fc
          .tuple(fc.nat(entries.length - 1), entryArb, fc.boolean(), fc.nat(entries.length))
          .map(([from, extra, repeat, at]) => {
            if (!repeat) return entries;
            const copy = [...entries];
            copy.splice(at, 0, { ...extra, key: entries[from]!.key });
            return copy;
          }),
  );
  const render = (entries: Entry[]): string =>
    `{${entries.map((e) => `${e.gaps[0]}${spelled(e.key, e.escapes, e.upper)}${e.gaps[1]}:${e.gaps[2]}${e.value}${e.gaps[3]}`).join(',')}}`;
  /** The answer worked out from how the object was built. */
  const expected = (entries: Entry[]): OrderSource => {
    const seen = new Set<string>();
    let duplicate: string | null = null;
    for (const e of entries) {
      if (seen.has(e.key)) {
        duplicate = e.key;
        break;
      }
      seen.add(e.key);
    }
    const amount = entries.find((e) => e.key === 'amount');
    return { duplicate, amount: amount && /^-?[0-9]/.test(amount.value) ? amount.value : null };
  };

  it('finds the first repeated key and the amount literal the object was built with', () => {
    fc.assert(
      fc.property(objectArb, space, (entries, pad) => {
        const text = `${pad}${render(entries)}${pad}`;
        JSON.parse(text); // valid JSON, as the scanner assumes
        expect(scanOrderSources(text, false)).toEqual([expected(entries)]);
      }),
      { numRuns: 5000, seed: 12 },
    );
  });

  it('reads every object of an array, and nothing of its other elements', () => {
    const elementArb = fc.oneof(
      objectArb.map((entries) => ({ text: render(entries), want: expected(entries) as OrderSource | null })),
      valueArb.filter((v) => !v.startsWith('{')).map((text) => ({ text, want: null })),
    );
    fc.assert(
      fc.property(fc.array(elementArb, { maxLength: 6 }), space, (elements, pad) => {
        const text = `${pad}[${pad}${elements.map((e) => e.text).join(`${pad},${pad}`)}${pad}]${pad}`;
        JSON.parse(text);
        expect(scanOrderSources(text, true)).toEqual(elements.map((e) => e.want));
      }),
      { numRuns: 2000, seed: 13 },
    );
  });
});
