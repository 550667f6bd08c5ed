import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders, type DecodedBatch } from '../../server/ingest/batch.js';
import { MAX_ORDER_FEN } from '../../shared/money.js';
import { validateOrder, type Rejection, type ValidationContext } from '../../shared/order.js';

// Strict JSON on the ingest path: a key written twice is refused (JSON.parse would keep the last
// value, a proxy or logger may keep the first), and an amount sent as a JSON number is read from
// its text, never through the double JSON.parse makes of it.

const config = loadConfig({});
const ctx: ValidationContext = { shows: config.shows, categories: new Set(config.categories) };
const NDJSON = 'application/x-ndjson';

/** A valid order of the 2015 show, key by key, values as JSON text; amount last. */
const BASE =
  '"order_id":"s-1","ts":"2015-11-11T00:00:05+08:00","currency":"CNY","country":"CN","channel":"pc","category":"food"';
const withAmount = (amount: string, rest = BASE): string => `{${rest},"amount":${amount}}`;

function decoded(lines: string[], contentType = NDJSON): Extract<DecodedBatch, { ok: true }> {
  const r = decodeOrders(Buffer.from(lines.join('\n')), contentType, config.limits, ctx);
  if (!r.ok) throw new Error(`the batch was refused: ${r.code}`);
  return r;
}

/** [line, field, code] of each rejection. */
const refusals = (rejected: Rejection[]): [number, string | null, string][] =>
  rejected.map((r) => [r.line, r.field, r.code]);

describe('a key written twice', () => {
  it('is refused with GMV_ERR_FIELD_DUPLICATE, its line and the field, however the key is spelled', () => {
    const r = decoded([
      withAmount('"1.00"'),
      `{"amount":"1.00",${BASE},"amount":"999999.00"}`,
      `{${BASE},"amount":"1.00","amount":"1.00"}`,
      `{${BASE},"amount":"1.00","am\\u006funt":"999999.00"}`,
      `{"order\\u005Fid":"s-2",${BASE},"amount":"1.00"}`,
      `{${BASE},"amount":"1.00","channel":"mobile"}`,
      `{${BASE},"amount":"1.00","type":"sale","type":"refund"}`,
      `{${BASE},"amount":"1.00","foo":1,"foo":2}`,
    ]);
    expect(r.orders.map((o) => [o.order_id, o.amount_fen])).toEqual([['s-1', 100]]);
    expect(refusals(r.rejected)).toEqual([
      [2, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [3, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [4, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [5, 'order_id', 'GMV_ERR_FIELD_DUPLICATE'],
      [6, 'channel', 'GMV_ERR_FIELD_DUPLICATE'],
      [7, 'type', 'GMV_ERR_FIELD_DUPLICATE'],
      // Before the unknown field: the line's meaning is in doubt before its content is.
      [8, 'foo', 'GMV_ERR_FIELD_DUPLICATE'],
    ]);
    expect(r.rejected[0]).toEqual({
      line: 2,
      field: 'amount',
      code: 'GMV_ERR_FIELD_DUPLICATE',
      message: 'field "amount" appears more than once',
    });
  });

  it('is refused in an application/json body too, by array position', () => {
    const body = `[${withAmount('"1.00"')}, {${BASE},"amount":"1.00","amount":"2.00"}, {"a":1,"a":2}]`;
    const r = decoded([body], 'application/json');
    expect(r.orders).toHaveLength(1);
    expect(refusals(r.rejected)).toEqual([
      [2, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
      [3, 'a', 'GMV_ERR_FIELD_DUPLICATE'],
    ]);
    expect(refusals(decoded([`{${BASE},"amount":"1","amount":"1"}`], 'application/json').rejected)).toEqual([
      [1, 'amount', 'GMV_ERR_FIELD_DUPLICATE'],
    ]);
  });

  it("is the order's own key: keys repeated inside a nested value are that value's business", () => {
    const r = decoded([
      withAmount('{"amount":1,"amount":2}'),
      `{${BASE},"amount":"1.00","extra":{"a":1,"a":2}}`,
      `{${BASE},"amount":"1.00","note":"\\"amount\\":2,"}`,
    ]);
    expect(refusals(r.rejected)).toEqual([
      [1, 'amount', 'GMV_ERR_AMOUNT_TYPE'],
      [2, 'extra', 'GMV_ERR_FIELD_UNKNOWN'],
      [3, 'note', 'GMV_ERR_FIELD_UNKNOWN'],
    ]);
  });

  it('is refused for every field, whatever the values and spellings (generated)', () => {
    const keys = ['order_id', 'ts', 'amount', 'currency', 'country', 'channel', 'category'];
    const valid = decoded([withAmount('"1.00"')]).orders[0]!;
    expect(valid).toBeDefined();
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('"1.00"', '"x"', '1', 'null', '{"a":1}'),
        fc.boolean(),
        (key, escapes, value, first) => {
          const spelled = [...key]
            .map((c, i) => (escapes[i % escapes.length] ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
            .join('');
          const pair = `"${spelled}":${value}`;
          const line = first ? `{${pair},${BASE},"amount":"1.00"}` : `{${BASE},"amount":"1.00",${pair}}`;
          expect(refusals(decoded([line]).rejected)).toEqual([[1, key, 'GMV_ERR_FIELD_DUPLICATE']]);
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe('an amount sent as a JSON number', () => {
  it.each([
    ['19.99', 1999],
    ['20', 2000],
    ['0.1', 10],
    ['0.10', 10],
    ['12.5', 1250],
    ['10000000.00', MAX_ORDER_FEN],
  ])('is read from its text: %s is %i fen', (amount, fen) => {
    const r = decoded([withAmount(amount)]);
    expect(r.rejected).toEqual([]);
    expect(r.orders[0]).toMatchObject({ amount_fen: fen, gmv_fen: fen });
  });

  it('is refused, never rounded, with more than two decimals or an exponent; by the sign rule when negative', () => {
    const amounts = [
      '19.999',
      '19.999999999999999999',
      '0.30000000000000004',
      '19.990',
      '1e3',
      '1E3',
      '0.1e1',
      '1.0e0',
      '100e-2',
      '1e-7',
      '1e21',
      '-0',
      '-0.0',
      '-1',
      '-1e3',
      '0',
      '0.00',
      '10000000.01',
      '12345678901234567890',
      '007',
    ];
    const r = decoded(amounts.map((a) => withAmount(a)));
    expect(r.orders).toEqual([]);
    expect(refusals(r.rejected)).toEqual([
      [1, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [2, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [3, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [4, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
      [5, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [6, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [7, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [8, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [9, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [10, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [11, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [12, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [13, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [14, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [15, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [16, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [17, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [18, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      [19, 'amount', 'GMV_ERR_AMOUNT_RANGE'],
      // A leading zero is not JSON.
      [20, null, 'GMV_ERR_LINE_JSON'],
    ]);
    expect(r.rejected[4]!.message).toBe('amount must be written without an exponent: 123 or 123.45');
    expect(r.rejected[0]!.message).toBe('amount has more than 2 decimals');
  });

  it('is read from its text in an application/json body too', () => {
    const body = `[${withAmount('19.99')},${withAmount('1e3')},${withAmount('19.999999999999999999')}]`;
    const r = decoded([body], 'application/json');
    expect(r.orders.map((o) => o.amount_fen)).toEqual([1999]);
    expect(refusals(r.rejected)).toEqual([
      [2, 'amount', 'GMV_ERR_AMOUNT_FORMAT'],
      [3, 'amount', 'GMV_ERR_AMOUNT_PRECISION'],
    ]);
  });

  it('gets the answer its text calls for, exactly (generated, against a BigInt reading of the text)', () => {
    const literal = fc.oneof(
      fc.stringMatching(/^-?(0|[1-9][0-9]{0,18})(\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?$/),
      fc.integer({ min: 1, max: MAX_ORDER_FEN + 10 }).map((fen) => `${Math.floor(fen / 100)}.${fen % 100}`),
    );
    const want = (text: string): { fen: number } | { code: string } => {
      if (text.startsWith('-')) return { code: 'GMV_ERR_AMOUNT_RANGE' };
      if (/[eE]/.test(text)) return { code: 'GMV_ERR_AMOUNT_FORMAT' };
      const [whole, frac = ''] = text.split('.');
      if (frac.length > 2) return { code: 'GMV_ERR_AMOUNT_PRECISION' };
      const fen = BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
      return fen === 0n || fen > BigInt(MAX_ORDER_FEN) ? { code: 'GMV_ERR_AMOUNT_RANGE' } : { fen: Number(fen) };
    };
    fc.assert(
      fc.property(literal, fc.constantFrom(NDJSON, 'application/json'), (text, type) => {
        const r = decoded([withAmount(text)], type);
        const w = want(text);
        if ('fen' in w) {
          expect(r.rejected).toEqual([]);
          expect(r.orders[0]!.amount_fen).toBe(w.fen);
        } else {
          expect(r.orders).toEqual([]);
          expect(refusals(r.rejected)).toEqual([[1, 'amount', w.code]]);
        }
      }),
      { numRuns: 5000, seed: 11 },
    );
  });
});

describe('validateOrder with the source of the order', () => {
  const raw = {
    order_id: 'v-1',
    ts: '2015-11-11T00:00:05+08:00',
    amount: 20,
    currency: 'CNY',
    country: 'CN',
    channel: 'pc',
  };

  it('reads a number amount from the literal it was given, not from the double', () => {
    expect(validateOrder(raw, ctx, { duplicate: null, amount: '20' })).toMatchObject({
      ok: true,
      order: { amount_fen: 2000 },
    });
    expect(validateOrder(raw, ctx, { duplicate: null, amount: '19.999999999999999999' })).toMatchObject({
      ok: false,
      field: 'amount',
      code: 'GMV_ERR_AMOUNT_PRECISION',
    });
    expect(validateOrder(raw, ctx, { duplicate: null, amount: '0.2e2' })).toMatchObject({
      ok: false,
      field: 'amount',
      code: 'GMV_ERR_AMOUNT_FORMAT',
    });
  });

  it('refuses a repeated key before anything else in the object, naming it printably', () => {
    const r = validateOrder({ ...raw, extra: 1 }, ctx, { duplicate: '\u0000k', amount: '20' });
    expect(r).toEqual({
      ok: false,
      field: '\u0000k',
      code: 'GMV_ERR_FIELD_DUPLICATE',
      message: 'field "?k" appears more than once',
    });
    // Not an object comes first: there are no keys to repeat.
    expect(validateOrder([1], ctx, { duplicate: 'x', amount: null })).toMatchObject({
      code: 'GMV_ERR_LINE_NOT_OBJECT',
    });
  });
});
