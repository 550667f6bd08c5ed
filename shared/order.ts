import { Type, type Static } from 'typebox';
import { COUNTRY_CODES } from './countries.js';
import { ERRORS, type ErrorCode } from './errors.js';
import { convertFen, parseAmount, type AmountParse } from './money.js';
import { PROVINCE_CODES } from './provinces.js';
import { findShow, type Show } from './show.js';
import { parseTimestamp } from './time.js';

export const CHANNELS = ['mobile', 'pc', 'offline'] as const;
export type Channel = (typeof CHANNELS)[number];
export const ORDER_TYPES = ['sale', 'refund'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const DEFAULT_CATEGORIES = [
  'apparel',
  'shoes-bags',
  'beauty',
  'electronics',
  'appliances',
  'home',
  'food',
  'baby',
  'sports',
  'books',
  'other',
] as const;

/** Characters and length of an order_id or merchant_id. */
const ID_PATTERN = '^[A-Za-z0-9._:-]{1,64}$';

/**
 * A buyer's city: 1-48 letters (any script), marks, digits, spaces and . ' · - ; it starts with a
 * letter or digit and does not end with a space. Read with the `u` flag (TypeBox's too).
 */
export const CITY_PATTERN = "^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} .'·-]{0,47}(?<! )$";

/**
 * One order as a sender writes it: a line of an NDJSON body, or an item of a JSON body. This is its
 * shape (fields, types, which are required); validateOrder checks it line by line with a code per
 * problem, and what it also knows (the show's window and currencies, the configured categories, the
 * amount's range): anything it accepts passes this schema (tests/unit/order-schema.test.ts).
 */
export const OrderInput = Type.Object(
  {
    /** The sender's id of the order: sent twice, it is counted once. */
    order_id: Type.String({ pattern: ID_PATTERN }),
    /** Event time: RFC 3339 with an offset, or whole epoch milliseconds. */
    ts: Type.Union([
      Type.String({ description: 'RFC 3339 with an offset, like 2015-11-11T00:00:00.000+08:00' }),
      Type.Integer({ minimum: 0, description: 'epoch milliseconds' }),
    ]),
    /** Up to 10000000.00, at most two decimals; a decimal string keeps it exact. */
    amount: Type.Union([
      Type.String({ pattern: '^[0-9]{1,15}(\\.[0-9]{1,2})?$', description: 'a decimal string, like 19.99' }),
      Type.Number({ minimum: 0.01, description: 'a JSON number, read from its literal text' }),
    ]),
    /** ISO 4217; one the show has a rate for. */
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** ISO 3166-1 alpha-2 of the buyer. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    channel: Type.Enum(CHANNELS),
    /** One of the configured CATEGORIES; default "other". */
    category: Type.Optional(Type.String()),
    merchant_id: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    /** A refund takes its amount off the net figures; default "sale". */
    type: Type.Optional(Type.Enum(ORDER_TYPES)),
    /** The buyer's province (GB/T 2260 two-digit code, shared/provinces.ts); only with country CN. */
    province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
    /** The buyer's city, as the sender names it (see CITY_PATTERN). */
    city: Type.Optional(Type.String({ pattern: CITY_PATTERN })),
  },
  { additionalProperties: false },
);
export type OrderInput = Static<typeof OrderInput>;

/** An order that passed validation (an OrderInput), with its show and GMV converted to CNY fen. */
export interface Order {
  show: string;
  order_id: string;
  type: OrderType;
  /** Event time, epoch ms. */
  ts: number;
  /** Original amount in minor units of `currency`. */
  amount_fen: number;
  currency: string;
  /** Amount converted to CNY fen at the show's fixed rate. */
  gmv_fen: number;
  country: string;
  channel: Channel;
  category: string;
  merchant_id: string;
  /** The buyer's province code, "" when not sent (validateOrder and the fast path always set it). */
  province?: string;
  /** The buyer's city, "" when not sent (likewise always set on ingest). */
  city?: string;
}

/** Why one line of a batch was rejected. `line` is 1-based. */
export const RejectionSchema = Type.Object({
  line: Type.Integer({ minimum: 1 }),
  field: Type.Union([Type.String(), Type.Null()]),
  code: Type.Unsafe<ErrorCode>(
    Type.String({ enum: Object.keys(ERRORS).filter((c) => ERRORS[c as ErrorCode].status === 200) }),
  ),
  message: Type.String(),
});
export type Rejection = Static<typeof RejectionSchema>;

/** Answer of POST /api/v1/orders: new orders stored, orders already stored, and the lines refused. */
export const IngestResponseSchema = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Array(RejectionSchema),
});
export type IngestResponse = Static<typeof IngestResponseSchema>;

export interface ValidationContext {
  shows: readonly Show[];
  categories: ReadonlySet<string>;
  /**
   * Accept a refund whose event time is after the end (grace included) of a show it could belong
   * to, as a late refund (see LATE_SHOW). Only the ingest route sets it: it resolves them.
   */
  lateRefunds?: boolean;
}

/**
 * The `show` of a late refund as validation returns it: a refund whose event time is in no show
 * window but after the end (grace included) of at least one show. Its show is its sale's, found
 * by order id among the stored sales at ingest (server/ingest/late-refunds.ts), and its `gmv_fen`
 * (0 until then) is converted at that show's rate. Never stored as such.
 */
export const LATE_SHOW = '';

/**
 * The shows a late refund at `ms` may belong to: those whose window (grace included) ended at or
 * before it, latest start first.
 */
export function endedShows(shows: readonly Show[], ms: number): Show[] {
  return shows.filter((s) => ms >= s.endMs + s.graceSeconds * 1000).sort((a, b) => b.startMs - a.startMs);
}

/** Whether some show ended (grace included) at or before `ms` has a rate for `currency`. */
export function lateCurrency(shows: readonly Show[], ms: number, currency: string): boolean {
  for (const s of shows) if (ms >= s.endMs + s.graceSeconds * 1000 && s.ratesMicro.has(currency)) return true;
  return false;
}

/**
 * What JSON.parse drops of an order object's text and validateOrder needs: whether a key was
 * written twice (JSON.parse keeps the last value; a proxy or logger may keep the first) and
 * the literal text of an amount sent as a JSON number (JSON.parse makes it a double).
 * Read by `scanOrderSources` (server/ingest/parse.ts).
 */
export interface OrderSource {
  /** The first key that appears a second time, decoded (`"am\u006funt"` is `amount`), or null. */
  duplicate: string | null;
  /** The text of the amount when it is a JSON number, as written (`19.99`, `1e3`), or null. */
  amount: string | null;
}

export type OrderCheck =
  { ok: true; order: Order } | { ok: false; field: string | null; code: ErrorCode; message: string };

const ID = new RegExp(ID_PATTERN);
const CITY = new RegExp(CITY_PATTERN, 'u');
const KNOWN_FIELDS = new Set(Object.keys(OrderInput.properties));

function bad(field: string | null, code: ErrorCode, message: string): OrderCheck {
  return { ok: false, field, code, message };
}

/**
 * Validates one decoded order object. The first problem found is reported. `source` is what the
 * order's JSON text says beyond its value (see OrderSource): the ingest path always passes it, and
 * a JSON number amount is then read from its literal text, never from the double. Without it (an
 * object built in code) a number amount is read from its shortest round-trip text.
 */
export function validateOrder(raw: unknown, ctx: ValidationContext, source?: OrderSource | null): OrderCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return bad(null, 'GMV_ERR_LINE_NOT_OBJECT', 'each order must be a JSON object');
  }
  if (source?.duplicate != null) {
    const key = printable(source.duplicate);
    return bad(source.duplicate, 'GMV_ERR_FIELD_DUPLICATE', `field "${key}" appears more than once`);
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_FIELDS.has(key)) return bad(key, 'GMV_ERR_FIELD_UNKNOWN', `unknown field "${printable(key)}"`);
  }

  const { order_id, ts, amount, currency, country, channel } = o;
  if (order_id === undefined) return bad('order_id', 'GMV_ERR_FIELD_REQUIRED', 'order_id is required');
  if (typeof order_id !== 'string' || !ID.test(order_id)) {
    return bad('order_id', 'GMV_ERR_ID_FORMAT', 'order_id must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  }

  let type: OrderType = 'sale';
  if (o.type !== undefined) {
    if (o.type !== 'sale' && o.type !== 'refund') {
      return bad('type', 'GMV_ERR_TYPE_UNKNOWN', 'type must be "sale" or "refund"');
    }
    type = o.type;
  }

  if (ts === undefined) return bad('ts', 'GMV_ERR_FIELD_REQUIRED', 'ts is required');
  const t = parseTimestamp(ts);
  if (!t.ok) return bad('ts', t.code, t.message);
  const show = findShow(ctx.shows, t.ms);
  // A refund after a show's end is its sale's show's (found at ingest); anything else outside is refused.
  const late = !show && type === 'refund' && ctx.lateRefunds === true && endedShows(ctx.shows, t.ms).length > 0;
  if (!show && !late) return bad('ts', 'GMV_ERR_TS_OUTSIDE_SHOW', 'ts is outside every configured show window');

  if (amount === undefined) return bad('amount', 'GMV_ERR_FIELD_REQUIRED', 'amount is required');
  // With a source a number amount has its literal there; were it missing, '' is refused, never read as a double.
  const a = typeof amount === 'number' && source ? amountLiteral(source.amount ?? '') : parseAmount(amount);
  if (!a.ok) return bad('amount', a.code, a.message);

  if (currency === undefined) return bad('currency', 'GMV_ERR_FIELD_REQUIRED', 'currency is required');
  const rate =
    typeof currency !== 'string' ? undefined : show ? show.ratesMicro.get(currency) : lateRate(ctx, t.ms, currency);
  if (rate === undefined) {
    const known = show
      ? [...show.ratesMicro.keys()]
      : [...new Set(endedShows(ctx.shows, t.ms).flatMap((s) => [...s.ratesMicro.keys()]))];
    return bad('currency', 'GMV_ERR_CURRENCY_UNKNOWN', `currency must be one of ${known.join(', ')}`);
  }

  if (country === undefined) return bad('country', 'GMV_ERR_FIELD_REQUIRED', 'country is required');
  if (typeof country !== 'string' || !COUNTRY_CODES.has(country)) {
    return bad('country', 'GMV_ERR_COUNTRY_UNKNOWN', 'country must be an ISO 3166-1 alpha-2 code such as CN');
  }

  if (channel === undefined) return bad('channel', 'GMV_ERR_FIELD_REQUIRED', 'channel is required');
  if (channel !== 'mobile' && channel !== 'pc' && channel !== 'offline') {
    return bad('channel', 'GMV_ERR_CHANNEL_UNKNOWN', 'channel must be "mobile", "pc" or "offline"');
  }

  let category = 'other';
  if (o.category !== undefined) {
    if (typeof o.category !== 'string' || !ctx.categories.has(o.category)) {
      return bad('category', 'GMV_ERR_CATEGORY_UNKNOWN', `category must be one of ${[...ctx.categories].join(', ')}`);
    }
    category = o.category;
  }

  let merchant_id = '';
  if (o.merchant_id !== undefined) {
    if (typeof o.merchant_id !== 'string' || !ID.test(o.merchant_id)) {
      return bad('merchant_id', 'GMV_ERR_ID_FORMAT', 'merchant_id must be 1-64 characters of A-Z a-z 0-9 . _ : -');
    }
    merchant_id = o.merchant_id;
  }

  let province = '';
  if (o.province !== undefined) {
    if (typeof o.province !== 'string' || !PROVINCE_CODES.has(o.province)) {
      return bad('province', 'GMV_ERR_PROVINCE_UNKNOWN', 'province must be a GB/T 2260 province code such as 33');
    }
    if (country !== 'CN') {
      return bad('province', 'GMV_ERR_PROVINCE_COUNTRY', 'province is only allowed with country CN');
    }
    province = o.province;
  }

  let city = '';
  if (o.city !== undefined) {
    if (typeof o.city !== 'string' || !CITY.test(o.city)) {
      return bad('city', 'GMV_ERR_CITY_FORMAT', "city must be 1-48 letters, digits, spaces and . ' · -");
    }
    city = o.city;
  }

  return {
    ok: true,
    order: {
      show: show ? show.id : LATE_SHOW,
      order_id,
      type,
      ts: t.ms,
      amount_fen: a.fen,
      currency: currency as string,
      gmv_fen: show ? convertFen(a.fen, rate) : 0,
      country,
      channel,
      category,
      merchant_id,
      province,
      city,
    },
  };
}

/** A late refund's currency: 0 (converted once its show is known) when an ended show has a rate for it. */
function lateRate(ctx: ValidationContext, ms: number, currency: string): number | undefined {
  return lateCurrency(ctx.shows, ms, currency) ? 0 : undefined;
}

/**
 * The amount of a JSON number read from its literal text (JSON grammar: `-?int frac? exp?`), by
 * the rules of a decimal string: at most two decimals, no exponent, so `19.999999999999999999`
 * is too precise and `0.1e1` malformed, where the double would read 20.00 and 1.00.
 */
function amountLiteral(text: string): AmountParse {
  if (!text.startsWith('-') && /[eE]/.test(text)) {
    return {
      ok: false,
      code: 'GMV_ERR_AMOUNT_FORMAT',
      message: 'amount must be written without an exponent: 123 or 123.45',
    };
  }
  return parseAmount(text);
}

/** Keeps echoed input short and printable in error messages. */
function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
