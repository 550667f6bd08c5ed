import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { decodeOrders, type DecodedBatch } from '../../server/ingest/batch.js';
import { readTimestamp } from '../../server/ingest/fast-path.js';
import { parseJsonBody, parseNdjson, type ParseLimits } from '../../server/ingest/parse.js';
import { COUNTRY_CODES } from '../../shared/countries.js';
import { PROVINCE_CODES } from '../../shared/provinces.js';
import { validateOrder, type Order, type Rejection, type ValidationContext } from '../../shared/order.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { parseTimestamp } from '../../shared/time.js';

// The route's own context: the configured shows and categories, and its limits.
const config = loadConfig({});
const ctx: ValidationContext = { shows: config.shows, categories: new Set(config.categories) };
const LIMITS: ParseLimits = config.limits;
const NDJSON = 'application/x-ndjson';

type Answer = { ok: true; orders: Order[]; rejected: Rejection[] } | Extract<DecodedBatch, { ok: false }>;

/**
 * The route's answer before the fast path: fastify's utf8 text, parseNdjson/parseJsonBody (JSON.parse and the
 * scan for repeated keys and number literals), validateOrder, sort.
 */
function before(body: Buffer, contentType: string, limits: ParseLimits): Answer {
  const text = body.toString('utf8');
  const ndjson = contentType.toLowerCase().startsWith('application/x-ndjson');
  const parsed = ndjson ? parseNdjson(text, limits) : parseJsonBody(text, limits);
  if (!parsed.ok) return parsed;
  const rejected = parsed.rejected;
  const orders: Order[] = [];
  for (const item of parsed.items) {
    const check = validateOrder(item.value, ctx, item.source);
    if (check.ok) orders.push(check.order);
    else rejected.push({ line: item.line, field: check.field, code: check.code, message: check.message });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { ok: true, orders, rejected };
}

function now(body: Buffer, contentType: string, limits: ParseLimits): { answer: Answer; fast: number } {
  const r = decodeOrders(body, contentType, limits, ctx);
  if (!r.ok) return { answer: r, fast: 0 };
  return { answer: { ok: true, orders: r.orders, rejected: r.rejected }, fast: r.fast };
}

/** Decodes with both and insists on the same answer; returns how many lines the fast path took. */
function same(body: Buffer, contentType = NDJSON, limits = LIMITS): number {
  const { answer, fast } = now(body, contentType, limits);
  const want = before(body, contentType, limits);
  // Deep strict equality first (cheap); expect() only to print the difference.
  if (!isDeepStrictEqual(answer, want)) expect(answer).toStrictEqual(want);
  return fast;
}

const ndjson = (lines: string[], eol = '\n'): Buffer => Buffer.from(lines.join(eol));

// ---------------------------------------------------------------------------------------------
// Generated lines: mostly simulator-like orders, rendered with any key order and spacing, and
// hostile variants of them.

const ABSENT = Symbol('absent');
type Field = string | typeof ABSENT;
const json = (v: unknown): string => JSON.stringify(v);
const str = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> => arb.map(json);

const simId = fc
  .tuple(fc.constantFrom('2015', '2014'), fc.integer({ min: 0, max: 86_399 }), fc.nat(200_000))
  .map(([y, s, i]) => `${y}-${s.toString(36)}-${i.toString(36)}`);
const anyId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const badId = fc.constantFrom('', 'x'.repeat(65), 'a b', 'a/b', 'é', 'a"b', 'a\\b', 'ab\n', '\u0000', 'ß', '中');
/** Epoch ms near the edges and inside each show's window (grace included). */
const showMs = fc.oneof(
  ...ctx.shows.flatMap((s) => {
    const lo = s.startMs - s.graceSeconds * 1000;
    const hi = s.endMs + s.graceSeconds * 1000;
    return [
      fc.integer({ min: lo, max: hi - 1 }),
      fc.constantFrom(lo, lo - 1, hi, hi - 1, s.startMs, s.endMs, s.startMs - 1, s.endMs - 1),
    ];
  }),
);
const OFFSETS = [480, 480, 0, 60, -300, 330, 545, -(23 * 60 + 59), 23 * 60 + 59, -720];
const rfc3339 = fc
  .record({
    ms: showMs,
    offset: fc.constantFrom(...OFFSETS),
    zulu: fc.constantFrom('Z', 'z', '+00:00', '-00:00'),
    sep: fc.constantFrom('T', 'T', 'T', 't', ' '),
    digits: fc.integer({ min: 0, max: 9 }),
    extra: fc.stringMatching(/^[0-9]{6}$/),
  })
  .map(({ ms, offset, zulu, sep, digits, extra }) => {
    const iso = new Date(ms + offset * 60_000).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
    const frac = `${iso.slice(20, 23)}${extra}`.slice(0, digits);
    const abs = Math.abs(offset);
    const off =
      offset === 0
        ? zulu
        : `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${frac ? `.${frac}` : ''}${off}`;
  });
/** Calendar-shaped strings with any numbers in them: Feb 29/30, 24:00, leap seconds, odd offsets. */
const calendarish = fc
  .record({
    y: fc.constantFrom('2015', '2014', '2016', '2000', '1900', '2100', '0000', '0099', '0100', '1970', '9999'),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.stringMatching(/^(\.[0-9]{0,11})?$/),
    off: fc.constantFrom('Z', 'z', '+08:00', '-08:00', '+24:00', '+23:60', '+0800', '', 'Z ', '+8:00', 'UTC'),
  })
  .map(({ y, mo, d, h, mi, s, frac, off }) => {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}${off}`;
  });
const badTs = fc.constantFrom(
  '2015-02-29T00:00:00Z',
  '2015-11-11T23:59:60+08:00',
  '2015-11-11T24:00:00+08:00',
  '2015-11-11T00:00:00',
  '2015-11-11T00:00:00.0000000000+08:00',
  '2015-11-11T00:00:00.+08:00',
  '2015-11-11',
  '２０１５-11-11T00:00:00+08:00',
  ' 2015-11-11T00:00:00+08:00',
  '2015-11-11T00:00:00+08:00 ',
  'yesterday',
  '',
);
const simAmount = fc
  .tuple(fc.integer({ min: 1, max: 1_000_000_000 }), fc.constantFrom(2, 2, 2, 1, 0))
  .map(([fen, decimals]) => {
    const whole = Math.floor(fen / 100);
    const cents = String(fen % 100).padStart(2, '0');
    return decimals === 2 ? `${whole}.${cents}` : decimals === 1 ? `${whole}.${cents[0]}` : String(whole);
  });
const edgeAmount = fc.constantFrom(
  '0.01',
  '0.1',
  '0',
  '0.00',
  '00.10',
  '007',
  '10000000',
  '10000000.00',
  '10000000.01',
  '10000001',
  '999999999999999',
  '9999999999999999',
  '1.234',
  '1.',
  '.5',
  '-1',
  '+1',
  '1e3',
  ' 1',
  '1 ',
  '１',
  '1,5',
  '',
);
/** Amounts as JSON numbers: read from their text, never the double (2 decimals at most, no exponent). */
const numberAmount = fc.oneof(
  simAmount,
  fc.constantFrom(
    '19.99',
    '20',
    '0.10',
    '1.50',
    '19.990',
    '19.999',
    '19.999999999999999999',
    '0.30000000000000004',
    '0.1e1',
    '1e3',
    '1E3',
    '1e+2',
    '1.5e2',
    '100e-2',
    '1.0e0',
    '-0',
    '-0.0',
    '-0.00',
    '0.00',
    '-1e3',
    '10000000.00',
    '10000000.001',
    '10000000.01',
    '12345678901234567890',
    '999999999999999.99',
  ),
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,16})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?$/),
  // Not JSON: leading zeros, a bare dot, a plus sign.
  fc.constantFrom('007', '-01', '00.5', '.5', '1.', '+1', '0x10'),
);
const NON_STRINGS = fc.constantFrom('42', 'null', 'true', '["a"]', '{"a":"b"}', '{}', '[]');
const enumOf = (valid: readonly string[]) => str(fc.constantFrom(...valid));

/** Per field: values validateOrder accepts, and values it refuses or reads only off the fast path. */
const FIELDS = {
  order_id: { valid: fc.oneof(str(simId), str(anyId)), hostile: fc.oneof(str(badId), NON_STRINGS) },
  ts: {
    valid: str(rfc3339),
    hostile: fc.oneof(
      str(calendarish),
      str(badTs),
      // Epoch ms as a JSON number is valid to validateOrder, never to the fast path.
      showMs.map(String),
      fc.constantFrom('-1', '1.5', '"1447171200000"'),
      NON_STRINGS,
    ),
  },
  amount: {
    valid: str(simAmount),
    hostile: fc.oneof(
      str(edgeAmount),
      fc.constantFrom('12.5', '100', '0', '-5', '12.345', '1e-7', '1e21', '10000000', '0.1'),
      numberAmount,
      NON_STRINGS,
    ),
  },
  currency: {
    valid: enumOf([...ctx.shows[0]!.ratesMicro.keys(), 'CNY', 'CNY', 'USD']),
    hostile: fc.oneof(enumOf(['usd', 'XXX', 'CN', 'CNY ', '']), NON_STRINGS),
  },
  country: {
    // CN often: a province is taken with it only.
    valid: fc.oneof(enumOf([...COUNTRY_CODES, 'CN', 'CN', 'US']), enumOf(['CN'])),
    hostile: fc.oneof(enumOf(['cn', 'ZZ', 'CHN', 'C', '']), NON_STRINGS),
  },
  channel: {
    valid: enumOf(['mobile', 'pc', 'offline']),
    hostile: fc.oneof(enumOf(['Mobile', 'web', 'PC', '']), NON_STRINGS),
  },
  category: {
    valid: enumOf([...ctx.categories]),
    hostile: fc.oneof(enumOf(['Beauty', 'toys', 'other ', '']), NON_STRINGS),
  },
  merchant_id: { valid: fc.oneof(str(simId), str(anyId)), hostile: fc.oneof(str(badId), NON_STRINGS) },
  type: { valid: enumOf(['refund', 'sale']), hostile: fc.oneof(enumOf(['Refund', 'return', '']), NON_STRINGS) },
  province: {
    valid: enumOf([...PROVINCE_CODES]),
    hostile: fc.oneof(enumOf(['00', '71', '81', '3', '330', ' 33', 'ZJ', '']), NON_STRINGS),
  },
  city: {
    valid: fc.oneof(
      enumOf([
        'Hangzhou',
        "Xi'an",
        'Ma On Shan',
        'St. Louis',
        'Winston-Salem',
        '杭州',
        '乌鲁木齐',
        'Zürich',
        '3rd',
        'x',
      ]),
      str(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .'-]{0,47}$/).filter((c) => !c.endsWith(' '))),
    ),
    hostile: fc.oneof(
      enumOf(['', ' Hangzhou', 'Hangzhou ', '-x', 'a/b', 'a_b', 'x'.repeat(49), 'a\tb', 'a"b', '中'.repeat(49)]),
      NON_STRINGS,
    ),
  },
};
const OPTIONAL = new Set(['category', 'merchant_id', 'type', 'province', 'city']);
const ABSENT_ARB = fc.constant<Field>(ABSENT);

/** Every field valid (optional ones sometimes left out). */
const cleanFields = fc.record(
  Object.fromEntries(
    Object.entries(FIELDS).map(([k, f]) => [k, OPTIONAL.has(k) ? fc.oneof(f.valid, f.valid, ABSENT_ARB) : f.valid]),
  ) as Record<keyof typeof FIELDS, fc.Arbitrary<Field>>,
);
/** Any field may be refused or missing. */
const dirtyFields = fc.record(
  Object.fromEntries(
    Object.entries(FIELDS).map(([k, f]) => [
      k,
      fc.oneof(
        { weight: 8, arbitrary: f.valid as fc.Arbitrary<Field> },
        { weight: 2, arbitrary: f.hostile },
        { weight: OPTIONAL.has(k) ? 3 : 1, arbitrary: ABSENT_ARB },
      ),
    ]),
  ) as Record<keyof typeof FIELDS, fc.Arbitrary<Field>>,
);
const fieldsArb = fc.oneof({ weight: 3, arbitrary: cleanFields }, { weight: 2, arbitrary: dirtyFields });

/** The simulator's key order (JSON.stringify of SimFields). */
const SIM_KEYS = [
  'order_id',
  'ts',
  'amount',
  'currency',
  'country',
  'channel',
  'category',
  'merchant_id',
  'type',
  'province',
  'city',
];

/** Gaps between tokens: compact like JSON.stringify, spaced like a pretty printer, or any spaces and tabs. */
const gaps = fc.oneof(
  { weight: 7, arbitrary: fc.constant(['']) },
  { weight: 2, arbitrary: fc.constant(['', ' ']) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('', ' ', '\t', '  '), { minLength: 1, maxLength: 7 }) },
);

const renderedOrder = fc
  .record({
    fields: fieldsArb,
    order: fc.oneof(fc.constant(SIM_KEYS), fc.shuffledSubarray(SIM_KEYS, { minLength: SIM_KEYS.length })),
    gaps,
    pick: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
  })
  .map(({ fields, order, gaps, pick }) => {
    let k = 0;
    const g = (): string => gaps[pick[k++ % pick.length]! % gaps.length]!;
    const parts: string[] = [];
    for (const key of order) {
      const v = fields[key as keyof typeof fields];
      if (v !== ABSENT) parts.push(`"${key}"${g()}:${g()}${v}`);
    }
    return `${g()}{${g()}${parts.join(`${g()},${g()}`)}${g()}}${g()}`;
  });

/** Characters to slip into a line: escapes, controls, unicode spaces, non-ASCII, JSON syntax. */
const ODD = [
  '\\',
  '"',
  '\\u0041',
  '\\n',
  '\t',
  '\r',
  '\v',
  '\f',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\u3000',
  'é',
  '中',
  '😀',
  '\ud800',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ' ',
  '0',
  'Z',
];
type Mutation = (line: string) => string;
const at = (n: number, line: string): number => (line.length === 0 ? 0 : n % (line.length + 1));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // An escape that JSON.parse reads back as the same character: the reference accepts the line.
  fc.nat().map((n): Mutation => (line) => {
    const quoted = [...line.matchAll(/"[^"\\]*"/g)];
    const q = quoted[n % Math.max(1, quoted.length)];
    if (!q || q[0].length < 3) return line;
    const i = q.index + 1 + (n % (q[0].length - 2));
    const c = line.charCodeAt(i);
    return `${line.slice(0, i)}\\u${c.toString(16).padStart(4, '0')}${line.slice(i + 1)}`;
  }),
  // A second value for a known key (refused as a repeated key; JSON.parse would keep the last), or an unknown key.
  fc
    .tuple(
      fc.constantFrom(...SIM_KEYS, 'foo', '__proto__', 'constructor', 'Order_id', 'ts ', 'order_id\u0000'),
      fc.oneof(...Object.values(FIELDS).flatMap((f) => [f.valid, f.hostile])),
      fc.boolean(),
    )
    .map(([key, value, first]): Mutation => (line) => {
      const pair = `${json(key)}:${value}`;
      const open = line.indexOf('{');
      const close = line.lastIndexOf('}');
      if (open < 0 || close < 0) return line;
      return first
        ? `${line.slice(0, open + 1)}${pair},${line.slice(open + 1)}`
        : `${line.slice(0, close)},${pair}${line.slice(close)}`;
    }),
  // A pair of the line written again: the same value or another, the key as is or spelled with an escape
  // ("am\u006funt" is "amount" to JSON), next to the first, at the start or at the end.
  fc
    .tuple(
      fc.nat(),
      fc.option(fc.oneof(...Object.values(FIELDS).flatMap((f) => [f.valid, f.hostile])), { nil: undefined }),
      fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: undefined }),
      fc.constantFrom('next', 'start', 'end'),
    )
    .map(([n, other, escape, where]): Mutation => (line) => {
      const pairs = [...line.matchAll(/"([a-z_]+)"[ \t]*:[ \t]*("[^"\\]*"|[-+0-9.eE]+)/g)];
      const p = pairs[n % Math.max(1, pairs.length)];
      if (!p) return line;
      let key = p[1]!;
      if (escape) {
        const [at, upper] = escape;
        const i = at % key.length;
        const hex = key.charCodeAt(i).toString(16).padStart(4, '0');
        key = `${key.slice(0, i)}\\u${upper ? hex.toUpperCase() : hex}${key.slice(i + 1)}`;
      }
      const pair = `"${key}":${other ?? p[2]}`;
      if (where === 'next') {
        const after = p.index + p[0].length;
        return `${line.slice(0, after)},${pair}${line.slice(after)}`;
      }
      const open = line.indexOf('{');
      const close = line.lastIndexOf('}');
      if (open < 0 || close < 0) return line;
      return where === 'start'
        ? `${line.slice(0, open + 1)}${pair},${line.slice(open + 1)}`
        : `${line.slice(0, close)},${pair}${line.slice(close)}`;
    }),
  // An amount sent as a JSON number.
  numberAmount.map(
    (value): Mutation =>
      (line) =>
        line.replace(/("amount"\s*:\s*)"[^"]*"/, `$1${value}`),
  ),
  // Nested or non-string values in place of a string.
  fc.tuple(fc.constantFrom(...SIM_KEYS), fc.constantFrom('{"a":"b"}', '["x"]', 'null', 'true', '1', '{}')).map(
    ([key, value]): Mutation =>
      (line) =>
        line.replace(new RegExp(`("${key}"\\s*:\\s*)"[^"]*"`), `$1${value}`),
  ),
  // Cut short, or an odd character anywhere.
  fc.nat().map(
    (n): Mutation =>
      (line) =>
        line.slice(0, at(n, line)),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...ODD)).map(([n, c]): Mutation => (line) => {
    const i = at(n, line);
    return `${line.slice(0, i)}${c}${line.slice(i)}`;
  }),
  // A huge id, an array around the object, junk after it.
  fc.constantFrom<Mutation>(
    (line) => line.replace(/"order_id":"[^"]*"/, `"order_id":"${'x'.repeat(5000)}"`),
    (line) => line.replace(/"merchant_id":"[^"]*"/, `"merchant_id":"${'m'.repeat(65)}"`),
    (line) => `[${line}]`,
    (line) => `${line}x`,
    (line) => `${line}}`,
    (line) => line.replace('{', '{,'),
    (line) => line.replace(/"ts":"([^"]*)"/, (_m, ts: string) => `"ts":"${ts.toLowerCase()}"`),
  ),
);

const BLANK = ['', ' ', '\t', '  \t ', '\u00a0', '\ufeff', '\u2028', '\u3000', '\v', '\f', '\r', ' \r '];
const JUNK = ['null', '[]', '{}', '42', '"x"', 'true', 'garbage', '{"a":1}', '{"order_id":', '}', '{"":""}'];

// Real simulator lines (sales, refunds, USD, late events) for both shows.
const simLines = [2015, 2014].flatMap((year) => {
  const gen = new DayGenerator({ year, scale: 0.0005, seed: 11, refundShare: 0.1, lateShare: 0.05 });
  const out: string[] = [];
  for (let s = 0; s < 1200; s++) for (const l of gen.second(s)) out.push(l.line);
  return out;
});

const lineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: renderedOrder },
  { weight: 4, arbitrary: fc.constantFrom(...simLines) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.oneof(renderedOrder, fc.constantFrom(...simLines)), fc.array(mutation, { minLength: 1, maxLength: 2 }))
      .map(([line, ms]) => ms.reduce((l, m) => m(l), line)),
  },
  // Simulator lines with the amount sent as a JSON number: valid, read off the fast path.
  {
    weight: 1,
    arbitrary: fc.constantFrom(...simLines).map((line) => line.replace(/("amount":)"([0-9.]+)"/, '$1$2')),
  },
  { weight: 1, arbitrary: fc.constantFrom(...BLANK) },
  { weight: 1, arbitrary: fc.constantFrom(...JUNK) },
);

/** Bytes that are not UTF-8 (lone continuation, truncated sequences, overlong, surrogate, 0xFF). */
const BAD_UTF8 = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];

const bodyArb = fc
  .record({
    lines: fc.array(lineArb, { maxLength: 120, size: 'max' }),
    eols: fc.array(fc.constantFrom('\n', '\n', '\n', '\r\n'), { minLength: 120, maxLength: 120 }),
    last: fc.constantFrom('', '\n', '\r\n'),
    corrupt: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...BAD_UTF8)), { maxLength: 2 }),
    limits: fc.constantFrom<ParseLimits>(
      LIMITS,
      LIMITS,
      LIMITS,
      LIMITS,
      LIMITS,
      { batchLines: 30, lineBytes: 4096 },
      { batchLines: 50_000, lineBytes: 200 },
      { batchLines: 50_000, lineBytes: 256 },
    ),
  })
  .map(({ lines, eols, last, corrupt, limits }) => {
    const parts = lines.map((l) => Buffer.from(l));
    for (const [li, pos, bytes] of corrupt) {
      if (parts.length === 0) break;
      const i = li % parts.length;
      const b = parts[i]!;
      const p = pos % (b.length + 1);
      parts[i] = Buffer.concat([b.subarray(0, p), Buffer.from(bytes), b.subarray(p)]);
    }
    const chunks: Buffer[] = [];
    parts.forEach((b, i) => chunks.push(b, Buffer.from(i === parts.length - 1 ? last : eols[i]!)));
    return { body: Buffer.concat(chunks), lines: lines.length, limits };
  });

describe('decodeOrders matches the reference composition', () => {
  it('gives the same orders and rejections as parseNdjson + validateOrder for 100,000+ generated lines', () => {
    let lines = 0;
    let fast = 0;
    let accepted = 0;
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(bodyArb, ({ body, lines: n, limits }) => {
        lines += n;
        const r = decodeOrders(body, NDJSON, limits, ctx);
        if (r.ok) accepted += r.orders.length;
        if (r.ok) for (const { code } of r.rejected) codes.set(code, (codes.get(code) ?? 0) + 1);
        fast += same(body, NDJSON, limits);
      }),
      { numRuns: 2000, seed: 20151111 },
    );
    expect(lines).toBeGreaterThanOrEqual(100_000);
    // The mix exercises both roads: plenty of lines on the fast path and plenty accepted off it.
    expect(fast).toBeGreaterThan(lines * 0.25);
    expect(accepted - fast).toBeGreaterThan(lines * 0.02);
    // And the strict rules: repeated keys, amounts as numbers with an exponent or too many decimals.
    expect(codes.get('GMV_ERR_FIELD_DUPLICATE')).toBeGreaterThan(lines * 0.01);
    expect((codes.get('GMV_ERR_AMOUNT_FORMAT') ?? 0) + (codes.get('GMV_ERR_AMOUNT_PRECISION') ?? 0)).toBeGreaterThan(
      lines * 0.005,
    );
  }, 300_000);

  it('gives the same answer for application/json bodies, which keep the reference path', () => {
    const docs = fc.oneof(
      fc.array(lineArb, { maxLength: 20 }).map((ls) => `[${ls.join(',')}]`),
      lineArb,
      fc.constantFrom('', ' ', '[]', '[', 'null', '{}'),
    );
    fc.assert(
      fc.property(docs, (doc) => {
        same(Buffer.from(doc), 'application/json');
        same(Buffer.from(doc), 'application/json', { batchLines: 3, lineBytes: 4096 });
      }),
      { numRuns: 300, seed: 1111 },
    );
  }, 60_000);
});

describe('readTimestamp', () => {
  it('reads every string as parseTimestamp does: the same epoch ms, or NaN where it refuses', () => {
    const anyTs = fc.oneof(
      rfc3339,
      calendarish,
      badTs,
      // Any year, any valid-looking date: checks the day count against Date.UTC (0-99 included).
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
        .map(
          ([y, m, d]) =>
            `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T12:34:56.789-03:30`,
        ),
      fc.stringMatching(/^[0-9Tt :.+Zz-]{0,35}$/),
    );
    fc.assert(
      fc.property(anyTs, (text) => {
        const want = parseTimestamp(text);
        const got = readTimestamp(Buffer.from(text, 'latin1'), 0, text.length);
        expect(got).toBe(want.ok ? want.ms : NaN);
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });
});

describe('decodeOrders examples', () => {
  const sim = simLines[0]!;
  const order = (line: string): Order => {
    const r = validateOrder(JSON.parse(line), ctx);
    if (!r.ok) throw new Error(r.message);
    return r.order;
  };

  it('reads an ordinary simulator line on the fast path, into the order validateOrder gives', () => {
    const r = decodeOrders(ndjson([sim]), NDJSON, LIMITS, ctx);
    expect(r).toStrictEqual({ ok: true, orders: [order(sim)], rejected: [], fast: 1 });
  });

  it('reads a refund in USD with spaces and a shuffled key order on the fast path', () => {
    const line =
      ' { "type": "refund" , "currency":"USD","amount":"12.5", "country":"US","channel":"pc",' +
      '"ts":"2015-11-10t23:00:00.123456789z","order_id":"r-1"}\t';
    const r = decodeOrders(ndjson([line]), NDJSON, LIMITS, ctx);
    expect(r).toMatchObject({ ok: true, fast: 1, rejected: [] });
    expect(r.ok && r.orders).toStrictEqual([order(line)]);
    expect(r.ok && r.orders[0]).toMatchObject({ type: 'refund', amount_fen: 1250, gmv_fen: 7955, category: 'other' });
  });

  it('accepts through JSON.parse a line whose key or value is written with an escape', () => {
    const escaped = sim.replace('"order_id"', '"order\\u005fid"').replace('"CN"', '"C\\u004e"');
    const r = decodeOrders(ndjson([escaped]), NDJSON, LIMITS, ctx);
    expect(r).toStrictEqual({ ok: true, orders: [order(sim)], rejected: [], fast: 0 });
  });

  it('refuses a key written twice, which JSON.parse would read as its last value', () => {
    const twice = sim.replace('{', '{"amount":"1.00",');
    const r = decodeOrders(ndjson([sim, twice]), NDJSON, LIMITS, ctx);
    expect(r).toStrictEqual({
      ok: true,
      orders: [order(sim)],
      rejected: [
        { line: 2, field: 'amount', code: 'GMV_ERR_FIELD_DUPLICATE', message: 'field "amount" appears more than once' },
      ],
      fast: 1,
    });
  });

  it('leaves an amount sent as a JSON number and ts as epoch ms to the reference code', () => {
    const line = sim.replace(/"amount":"([0-9.]+)"/, '"amount":$1').replace(/"ts":"[^"]*"/, '"ts":1447171200000');
    const r = decodeOrders(ndjson([line]), NDJSON, LIMITS, ctx);
    expect(r).toMatchObject({ ok: true, fast: 0, rejected: [] });
    expect(r.ok && r.orders).toStrictEqual([order(line)]);
  });

  it('numbers lines from 1 counting blank, CRLF and whitespace-only lines, and rejects with the same words', () => {
    const body = ['', sim, '  ', '\u00a0', '\ufeff', '{"order_id":"x"', sim.replace('"CN"', '"cn"'), '\t'].join('\r\n');
    const r = decodeOrders(Buffer.from(body), NDJSON, LIMITS, ctx);
    expect(r).toStrictEqual({
      ok: true,
      orders: [order(sim)],
      rejected: [
        { line: 6, field: null, code: 'GMV_ERR_LINE_JSON', message: 'line is not valid JSON' },
        {
          line: 7,
          field: 'country',
          code: 'GMV_ERR_COUNTRY_UNKNOWN',
          message: 'country must be an ISO 3166-1 alpha-2 code such as CN',
        },
      ],
      fast: 1,
    });
  });

  it('counts a line against the byte limit without its CR, and after invalid UTF-8 became U+FFFD', () => {
    const limits = { batchLines: 10, lineBytes: Buffer.byteLength(sim) };
    const invalid = Buffer.concat([Buffer.from(sim.slice(0, -2)), Buffer.from([0xff]), Buffer.from('"}')]);
    const body = Buffer.concat([Buffer.from(`${sim}\r\n`), invalid]);
    const r = decodeOrders(body, NDJSON, limits, ctx);
    // One raw byte over the line's length, but three once decoded: too long, as the text was.
    expect(r).toMatchObject({ ok: true, fast: 1, rejected: [{ line: 2, code: 'GMV_ERR_LINE_TOO_LONG' }] });
    same(body, NDJSON, limits);
  });

  it('answers an empty, a non-JSON and an oversized body with the codes and words the route maps', () => {
    expect(decodeOrders(Buffer.from(' \r\n\u00a0\n'), NDJSON, LIMITS, ctx)).toStrictEqual({
      ok: false,
      code: 'GMV_ERR_BODY_EMPTY',
      message: 'the request body is empty',
    });
    expect(decodeOrders(Buffer.from('nope\n{'), NDJSON, LIMITS, ctx)).toStrictEqual({
      ok: false,
      code: 'GMV_ERR_BODY_INVALID',
      message: 'the body is not NDJSON: no line is valid JSON',
    });
    expect(decodeOrders(ndjson([sim, '', sim, sim]), NDJSON, { batchLines: 2, lineBytes: 4096 }, ctx)).toStrictEqual({
      ok: false,
      code: 'GMV_ERR_TOO_MANY_LINES',
      message: 'a batch may hold at most 2 orders',
    });
  });

  it('reads an application/json array through parseJsonBody, positions as lines', () => {
    const body = Buffer.from(`[${sim},{"order_id":"x"}]`);
    const r = decodeOrders(body, 'application/json; charset=utf-8', LIMITS, ctx);
    expect(r).toMatchObject({ ok: true, fast: 0, orders: [order(sim)], rejected: [{ line: 2, field: 'ts' }] });
  });
});
