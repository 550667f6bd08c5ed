import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders } from '../../server/ingest/batch.js';
import { COUNTRY_CODES } from '../../shared/countries.js';
import { PROVINCE_CODES } from '../../shared/provinces.js';
import { CHANNELS, ORDER_TYPES, OrderInput, validateOrder, type ValidationContext } from '../../shared/order.js';

// The route's own context: the configured shows and categories, and its limits.
const config = loadConfig({});
const ctx: ValidationContext = { shows: config.shows, categories: new Set(config.categories) };
const NDJSON = 'application/x-ndjson';

const REQUIRED = ['order_id', 'ts', 'amount', 'currency', 'country', 'channel'] as const;
const OPTIONAL = ['category', 'merchant_id', 'type', 'province', 'city'] as const;
type Key = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Any JSON value but a string or a number: the wrong type for every field of an order. */
const notStringOrNumber = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.nat(), { maxKeys: 2 }),
);
/** Any JSON value. */
const anyValue = fc.oneof(notStringOrNumber, fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }));

/** Epoch ms inside a configured show's window (grace included). */
const showMs = fc.oneof(
  ...ctx.shows.map((s) =>
    fc.integer({ min: s.startMs - s.graceSeconds * 1000, max: s.endMs + s.graceSeconds * 1000 - 1 }),
  ),
);
const fen = fc.integer({ min: 1, max: 1_000_000_000 });
const currencies = [...ctx.shows[0]!.ratesMicro.keys()];
const countries = [...COUNTRY_CODES];

/** Values validateOrder accepts, field by field. */
const good: { [K in Key]: fc.Arbitrary<unknown> } = {
  order_id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  ts: fc.oneof(
    showMs,
    showMs.map((ms) => new Date(ms).toISOString()),
  ),
  amount: fc.oneof(
    fen.map((f) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`),
    fen.map((f) => f / 100),
  ),
  currency: fc.constantFrom(...currencies),
  // CN often: a province is taken with it only.
  country: fc.oneof(fc.constantFrom(...countries), fc.constant('CN')),
  channel: fc.constantFrom(...CHANNELS),
  category: fc.constantFrom(...ctx.categories),
  merchant_id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  type: fc.constantFrom(...ORDER_TYPES),
  province: fc.constantFrom(...PROVINCE_CODES),
  city: fc.oneof(
    fc.constantFrom('Hangzhou', '杭州', "Xi'an", 'St. Louis'),
    fc.stringMatching(/^[A-Za-z][A-Za-z .-]{0,20}[a-z]$/),
  ),
};

/** Values near the rules, and values of any type: some are refused by validateOrder, some by the schema too. */
const near: { [K in Key]: fc.Arbitrary<unknown> } = {
  order_id: fc.constantFrom('', 'x'.repeat(65), 'a b', 'é', 'a/b'),
  ts: fc.oneof(
    fc.constantFrom('2015-11-11T00:00:00', 'yesterday', '', 0, -1, 1.5, 2 ** 53),
    showMs.map((ms) => ms + 0.5),
  ),
  amount: fc.constantFrom('0', '0.00', '-1', '1e3', '19.999', '1,00', '', 0, -5, 1e21, 19.999, 1e-7, 10_000_000.01),
  currency: fc.constantFrom('cny', 'XXX', 'CNYY', ''),
  country: fc.constantFrom('cn', 'ZZ', 'CHN', ''),
  channel: fc.constantFrom('web', 'Mobile', ''),
  category: fc.constantFrom('toys', 'Books', ''),
  merchant_id: fc.constantFrom('', 'x'.repeat(65), 'a b'),
  type: fc.constantFrom('gift', 'Sale', ''),
  province: fc.constantFrom('71', '81', '3', '330', 'ZJ', ''),
  city: fc.constantFrom('', ' Hangzhou', 'Hangzhou ', 'a/b', 'x'.repeat(49), '-x'),
};

const ABSENT = Symbol('absent');

/** An order object: each field good, near, of any type or absent; now and then a key the order does not have. */
const input = fc
  .record({
    fields: fc.record(
      Object.fromEntries(
        [...REQUIRED, ...OPTIONAL].map((k) => [
          k,
          fc.oneof(
            { arbitrary: good[k], weight: 12 },
            { arbitrary: near[k], weight: 1 },
            { arbitrary: anyValue, weight: 1 },
            { arbitrary: fc.constant(ABSENT), weight: (REQUIRED as readonly string[]).includes(k) ? 1 : 6 },
          ),
        ]),
      ) as { [K in Key]: fc.Arbitrary<unknown> },
    ),
    extra: fc.oneof(
      { arbitrary: fc.constant(null), weight: 8 },
      {
        arbitrary: fc.tuple(fc.constantFrom('extra', 'orderId', 'Amount', 'constructor', 'show'), anyValue),
        weight: 1,
      },
    ),
  })
  .map(({ fields, extra }) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== ABSENT) o[k] = v;
    if (extra) o[extra[0]] = extra[1];
    return o;
  });

/** A valid order (validateOrder accepts it), with its optional fields or without. */
const validOrder = fc.record(good, { requiredKeys: [...REQUIRED] }).filter((o) => validateOrder(o, ctx).ok);

/** The one line the ingest route would make of `o`, decoded as the route does (fast path or reference). */
function ingest(o: Record<string, unknown>) {
  const r = decodeOrders(Buffer.from(`${JSON.stringify(o)}\n`), NDJSON, config.limits, ctx);
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe('OrderInput (shared/order.ts)', () => {
  it('holds every order validateOrder accepts, and validateOrder refuses every input the schema refuses', () => {
    let accepted = 0;
    let refusedBySchema = 0;
    fc.assert(
      fc.property(input, (o) => {
        const check = validateOrder(o, ctx);
        const fits = Value.Check(OrderInput, o);
        if (check.ok) {
          accepted++;
          expect(fits, JSON.stringify(o)).toBe(true);
        }
        if (!fits) {
          refusedBySchema++;
          expect(check.ok, JSON.stringify(o)).toBe(false);
        }
        // The ingest route's decoding (the byte-level fast path first) agrees with validateOrder.
        const line = ingest(o);
        expect(line.orders.length).toBe(check.ok ? 1 : 0);
      }),
      { numRuns: 3000 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refusedBySchema).toBeGreaterThan(100);
  });

  it('a missing required field is refused by both, validateOrder naming the field (GMV_ERR_FIELD_REQUIRED)', () => {
    fc.assert(
      fc.property(validOrder, fc.constantFrom(...REQUIRED), (order, field) => {
        const o: Record<string, unknown> = { ...order };
        delete o[field];
        expect(Value.Check(OrderInput, o)).toBe(false);
        expect(validateOrder(o, ctx)).toMatchObject({ ok: false, field, code: 'GMV_ERR_FIELD_REQUIRED' });
        expect(ingest(o).rejected).toMatchObject([{ line: 1, field, code: 'GMV_ERR_FIELD_REQUIRED' }]);
      }),
      { numRuns: 300 },
    );
  });

  it('a field of the wrong type is refused by both, validateOrder naming the field', () => {
    fc.assert(
      fc.property(validOrder, fc.constantFrom<Key>(...REQUIRED, ...OPTIONAL), notStringOrNumber, (order, field, v) => {
        const o = { ...order, [field]: v };
        expect(Value.Check(OrderInput, o)).toBe(false);
        expect(validateOrder(o, ctx)).toMatchObject({ ok: false, field });
        expect(ingest(o).rejected).toMatchObject([{ line: 1, field }]);
      }),
      { numRuns: 300 },
    );
  });

  it('a key the order does not have is refused by both (GMV_ERR_FIELD_UNKNOWN)', () => {
    const unknownKey = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((k) => !Object.hasOwn(OrderInput.properties, k) && k !== '__proto__');
    fc.assert(
      fc.property(validOrder, unknownKey, anyValue, (order, key, v) => {
        const o = { ...order, [key]: v };
        expect(Value.Check(OrderInput, o)).toBe(false);
        expect(validateOrder(o, ctx)).toMatchObject({ ok: false, field: key, code: 'GMV_ERR_FIELD_UNKNOWN' });
        expect(ingest(o).rejected).toMatchObject([{ line: 1, code: 'GMV_ERR_FIELD_UNKNOWN' }]);
      }),
      { numRuns: 300 },
    );
  });
});
