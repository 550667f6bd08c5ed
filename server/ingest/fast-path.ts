import { COUNTRY_CODES } from '../../shared/countries.js';
import { MAX_ORDER_FEN, convertFen } from '../../shared/money.js';
import {
  LATE_SHOW,
  lateCurrency,
  type Channel,
  type Order,
  type OrderType,
  type ValidationContext,
} from '../../shared/order.js';
import { PROVINCE_CODES } from '../../shared/provinces.js';
import { findShow, type Show } from '../../shared/show.js';

/*
 * A byte-level reading of the ordinary NDJSON order line: a flat object of known keys,
 * each at most once, every value a string of printable ASCII without escapes. Such a
 * line means exactly what the reference code (parseLine + validateOrder) would make of
 * it, so when every check passes here the Order is theirs. Anything else, including every
 * line that would be rejected, returns null and goes through the reference code, which
 * stays the one place rejections come from: a key written twice (GMV_ERR_FIELD_DUPLICATE
 * there; here the field's span is already taken, no allocation) and an amount sent as a
 * JSON number (read there from its literal text) are among them.
 */

/** A value the fast path recognises, with the one string every order carrying it shares. */
interface Token {
  bytes: Uint8Array;
  value: string;
}

interface Currency extends Token {
  rateMicro: number;
}

/** What one batch needs to validate on bytes; built per batch from a ValidationContext (cheap). */
export interface FastContext {
  readonly shows: readonly Show[];
  readonly currencies: ReadonlyMap<Show, readonly Currency[]>;
  readonly categories: readonly Token[];
  /** Value ranges of the fields of the line being read: [start, end) per field, start -1 when absent. */
  readonly spans: Int32Array;
  /** ValidationContext.lateRefunds: a refund after a show's end is read as a late refund (LATE_SHOW). */
  readonly lateRefunds: boolean;
  /** Every currency token of any show, for a late refund (its show's rate is applied once it is known). */
  readonly anyCurrency: readonly Token[];
}

const ORDER_ID = 0;
const TS = 1;
const AMOUNT = 2;
const CURRENCY = 3;
const COUNTRY = 4;
const CHANNEL = 5;
const CATEGORY = 6;
const MERCHANT_ID = 7;
const TYPE = 8;
const PROVINCE = 9;
const CITY = 10;
const FIELDS = [
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
const KEY_BYTES = FIELDS.map((f) => Buffer.from(f, 'latin1'));

const QUOTE = 0x22;

/** Bytes a plain string value may hold: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PLAIN[c] = c === QUOTE || c === 0x5c ? 0 : 1;

/** Bytes of A-Z a-z 0-9 . _ : - (the id charset of validateOrder). */
const ID_BYTE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-') ID_BYTE[c.charCodeAt(0)] = 1;

/** Province codes by their two digits as a number (33 for "33"). */
const PROVINCE_BY_NUMBER: (string | undefined)[] = new Array<string | undefined>(100).fill(undefined);
for (const code of PROVINCE_CODES) PROVINCE_BY_NUMBER[Number(code)] = code;

/** ASCII bytes of a city (CITY_PATTERN): 1 letters and digits, 2 also space . ' - (not first, not a last space). */
const CITY_BYTE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') CITY_BYTE[c.charCodeAt(0)] = 1;
for (const c of " .'-") CITY_BYTE[c.charCodeAt(0)] = 2;

/** Country codes by (first letter - A) * 26 + (second letter - A). */
const COUNTRY_BY_INDEX: (string | undefined)[] = new Array<string | undefined>(26 * 26).fill(undefined);
for (const code of COUNTRY_CODES) {
  if (/^[A-Z]{2}$/.test(code)) COUNTRY_BY_INDEX[(code.charCodeAt(0) - 65) * 26 + code.charCodeAt(1) - 65] = code;
}

/** Node's Buffer#latin1Slice, which toString('latin1') ends in; @types/node does not declare it. */
type Latin1Slice = (this: Buffer, start: number, end: number) => string;
const latin1Slice: Latin1Slice =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('latin1', start, end);
  };

const TYPE_SALE = Buffer.from('sale');
const TYPE_REFUND = Buffer.from('refund');
const CHANNEL_MOBILE = Buffer.from('mobile');
const CHANNEL_PC = Buffer.from('pc');
const CHANNEL_OFFLINE = Buffer.from('offline');

/** Tokens only for values a fast-path line can spell: printable ASCII with no quote or backslash. */
function token(value: string): Token | null {
  if (!/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(value)) return null;
  return { bytes: Buffer.from(value, 'latin1'), value };
}

export function compileFastContext(ctx: ValidationContext): FastContext {
  const currencies = new Map<Show, Currency[]>();
  for (const show of ctx.shows) {
    const list: Currency[] = [];
    for (const [code, rateMicro] of show.ratesMicro) {
      const t = token(code);
      if (t) list.push({ ...t, rateMicro });
    }
    currencies.set(show, list);
  }
  const categories: Token[] = [];
  for (const c of ctx.categories) {
    const t = token(c);
    if (t) categories.push(t);
  }
  const anyCurrency = new Map<string, Token>();
  for (const list of currencies.values()) for (const c of list) anyCurrency.set(c.value, c);
  return {
    shows: ctx.shows,
    currencies,
    categories,
    spans: new Int32Array(2 * FIELDS.length),
    lateRefunds: ctx.lateRefunds === true,
    anyCurrency: [...anyCurrency.values()],
  };
}

function same(buf: Buffer, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[start + i] !== bytes[i]) return false;
  return true;
}

function find<T extends Token>(buf: Buffer, start: number, end: number, tokens: readonly T[]): T | undefined {
  for (let i = 0; i < tokens.length; i++) if (same(buf, start, end, tokens[i]!.bytes)) return tokens[i];
  return undefined;
}

/** The known field whose key, closing quote included, starts at buf[i] (before `end`), or -1. */
function keyAt(buf: Buffer, i: number, end: number): number {
  let f: number;
  switch (buf[i]) {
    case 0x6f: // o
      f = ORDER_ID;
      break;
    case 0x74: // t
      f = buf[i + 1] === 0x73 ? TS : TYPE;
      break;
    case 0x61: // a
      f = AMOUNT;
      break;
    case 0x63: {
      // c: currency, country, channel, category
      const c = buf[i + 1];
      f = c === 0x75 ? CURRENCY : c === 0x6f ? COUNTRY : c === 0x68 ? CHANNEL : c === 0x69 ? CITY : CATEGORY;
      break;
    }
    case 0x6d: // m
      f = MERCHANT_ID;
      break;
    case 0x70: // p
      f = PROVINCE;
      break;
    default:
      return -1;
  }
  const key = KEY_BYTES[f]!;
  const n = key.length;
  if (i + n >= end || buf[i + n] !== QUOTE) return -1;
  for (let j = 1; j < n; j++) if (buf[i + j] !== key[j]) return -1;
  return f;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Reads the object in buf[start, end) into spans. False on anything but a flat object of
 * known keys (each once) with plain printable-ASCII string values and spaces or tabs between tokens.
 */
function scan(buf: Buffer, start: number, end: number, spans: Int32Array): boolean {
  spans.fill(-1);
  if (start >= end || buf[start] !== 0x7b) return false;
  let i = start + 1;
  while (i < end && isSpace(buf[i])) i++;
  for (;;) {
    // `{}` and a trailing comma end up here too, and fail here.
    if (i >= end || buf[i] !== QUOTE) return false;
    const f = keyAt(buf, ++i, end);
    if (f < 0 || spans[2 * f]! >= 0) return false;
    i += KEY_BYTES[f]!.length + 1;
    while (i < end && isSpace(buf[i])) i++;
    if (i >= end || buf[i] !== 0x3a) return false;
    i++;
    while (i < end && isSpace(buf[i])) i++;
    if (i >= end || buf[i] !== QUOTE) return false;
    const valueStart = ++i;
    while (i < end && PLAIN[buf[i]!] === 1) i++;
    if (i >= end || buf[i] !== QUOTE) return false;
    spans[2 * f] = valueStart;
    spans[2 * f + 1] = i;
    i++;
    while (i < end && isSpace(buf[i])) i++;
    if (i >= end) return false;
    if (buf[i] === 0x2c) {
      i++;
      while (i < end && isSpace(buf[i])) i++;
      continue;
    }
    if (buf[i] !== 0x7d) return false;
    i++;
    while (i < end && isSpace(buf[i])) i++;
    return i === end;
  }
}

function isId(buf: Buffer, start: number, end: number): boolean {
  if (end <= start || end - start > 64) return false;
  for (let i = start; i < end; i++) if (ID_BYTE[buf[i]!] !== 1) return false;
  return true;
}

/** Whether buf[start, end) is a city CITY_PATTERN takes, spelt in ASCII (other cities go to the reference code). */
function isAsciiCity(buf: Buffer, start: number, end: number): boolean {
  if (end <= start || end - start > 48) return false;
  if (CITY_BYTE[buf[start]!] !== 1 || buf[end - 1] === 0x20) return false;
  for (let i = start + 1; i < end; i++) if (!CITY_BYTE[buf[i]!]) return false;
  return true;
}

/** Two ASCII digits as a number, or -1. */
function two(buf: Buffer, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** parseTimestamp's reading of the RFC 3339 string in buf[start, end) as epoch ms, or NaN when it would refuse it. */
export function readTimestamp(buf: Buffer, start: number, end: number): number {
  if (end - start < 20) return NaN;
  const y100 = two(buf, start);
  const y1 = two(buf, start + 2);
  const mo = two(buf, start + 5);
  const d = two(buf, start + 8);
  const h = two(buf, start + 11);
  const mi = two(buf, start + 14);
  const s = two(buf, start + 17);
  if (y100 < 0 || y1 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return NaN;
  const sep = buf[start + 10];
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a)
    return NaN;
  if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) return NaN;
  let i = start + 19;
  let ms = 0;
  if (buf[i] === 0x2e) {
    // Up to 9 fraction digits; the first three are the milliseconds (padded), the rest truncated.
    const from = ++i;
    while (i < end && i - from < 10 && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    const n = i - from;
    if (n < 1 || n > 9) return NaN;
    ms = (buf[from]! - 48) * 100 + (n > 1 ? (buf[from + 1]! - 48) * 10 : 0) + (n > 2 ? buf[from + 2]! - 48 : 0);
  }
  if (i >= end) return NaN;
  let offsetMin = 0;
  const z = buf[i];
  if (z === 0x5a || z === 0x7a) {
    if (i + 1 !== end) return NaN;
  } else if (z === 0x2b || z === 0x2d) {
    if (i + 6 !== end || buf[i + 3] !== 0x3a) return NaN;
    const oh = two(buf, i + 1);
    const om = two(buf, i + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
    offsetMin = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
  } else return NaN;
  const y = y100 * 100 + y1;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS[mo - 1]!)) return NaN;
  // parseTimestamp's Date.UTC(...) - offset; Date.UTC costs more than the rest of the line's
  // checks, and for years from 100 on (it maps 0-99 to 1900-1999) it is this day count.
  const utc =
    y < 100
      ? Date.UTC(y, mo - 1, d, h, mi, s, ms)
      : daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
  return utc - offsetMin * 60_000;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** parseAmount's reading of a decimal string as fen, or -1 when it would not accept it. */
function amountFen(buf: Buffer, start: number, end: number): number {
  let i = start;
  let whole = 0;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) whole = whole * 10 + buf[i++]! - 48;
  const wholeDigits = i - start;
  if (wholeDigits < 1 || wholeDigits > 15) return -1;
  let frac = 0;
  if (i < end) {
    if (buf[i] !== 0x2e || end - i < 2 || end - i > 3) return -1;
    const a = buf[i + 1]! - 48;
    const b = end - i === 3 ? buf[i + 2]! - 48 : 0;
    if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
    frac = a * 10 + b;
  }
  if (whole > MAX_ORDER_FEN / 100) return -1;
  const fen = whole * 100 + frac;
  return fen <= 0 || fen > MAX_ORDER_FEN ? -1 : fen;
}

/**
 * The Order that JSON.parse + validateOrder would make of the line buf[start, end)
 * (no line break or trailing CR in it), or null to have that code judge the line.
 */
export function fastOrder(buf: Buffer, start: number, end: number, ctx: FastContext): Order | null {
  const sp = ctx.spans;
  if (!scan(buf, start, end, sp)) return null;

  const idS = sp[2 * ORDER_ID]!;
  const idE = sp[2 * ORDER_ID + 1]!;
  if (idS < 0 || !isId(buf, idS, idE)) return null;

  let type: OrderType = 'sale';
  const typeS = sp[2 * TYPE]!;
  if (typeS >= 0) {
    const typeE = sp[2 * TYPE + 1]!;
    if (same(buf, typeS, typeE, TYPE_REFUND)) type = 'refund';
    else if (!same(buf, typeS, typeE, TYPE_SALE)) return null;
  }

  const tsS = sp[2 * TS]!;
  if (tsS < 0) return null;
  const ms = readTimestamp(buf, tsS, sp[2 * TS + 1]!);
  if (Number.isNaN(ms)) return null;
  const show = findShow(ctx.shows, ms);
  // A refund in no window: late when a show ended before it (validateOrder's rule), else refused there.
  if (!show && !(type === 'refund' && ctx.lateRefunds)) return null;

  const amountS = sp[2 * AMOUNT]!;
  if (amountS < 0) return null;
  const fen = amountFen(buf, amountS, sp[2 * AMOUNT + 1]!);
  if (fen < 0) return null;

  const curS = sp[2 * CURRENCY]!;
  if (curS < 0) return null;
  let currency: Currency | Token | undefined;
  if (show) currency = find(buf, curS, sp[2 * CURRENCY + 1]!, ctx.currencies.get(show) ?? []);
  else {
    // Late: some show ended at or before ms has a rate for it (none ended: no show has, and null).
    const t = find(buf, curS, sp[2 * CURRENCY + 1]!, ctx.anyCurrency);
    if (t && lateCurrency(ctx.shows, ms, t.value)) currency = t;
  }
  if (!currency) return null;

  const coS = sp[2 * COUNTRY]!;
  if (coS < 0 || sp[2 * COUNTRY + 1]! - coS !== 2) return null;
  const c1 = buf[coS]! - 65;
  const c2 = buf[coS + 1]! - 65;
  if (c1 < 0 || c1 > 25 || c2 < 0 || c2 > 25) return null;
  const country = COUNTRY_BY_INDEX[c1 * 26 + c2];
  if (country === undefined) return null;

  const chS = sp[2 * CHANNEL]!;
  if (chS < 0) return null;
  const chE = sp[2 * CHANNEL + 1]!;
  let channel: Channel;
  if (same(buf, chS, chE, CHANNEL_MOBILE)) channel = 'mobile';
  else if (same(buf, chS, chE, CHANNEL_PC)) channel = 'pc';
  else if (same(buf, chS, chE, CHANNEL_OFFLINE)) channel = 'offline';
  else return null;

  let category = 'other';
  const catS = sp[2 * CATEGORY]!;
  if (catS >= 0) {
    const t = find(buf, catS, sp[2 * CATEGORY + 1]!, ctx.categories);
    if (!t) return null;
    category = t.value;
  }

  let merchant_id = '';
  const mS = sp[2 * MERCHANT_ID]!;
  if (mS >= 0) {
    const mE = sp[2 * MERCHANT_ID + 1]!;
    if (!isId(buf, mS, mE)) return null;
    merchant_id = latin1Slice.call(buf, mS, mE);
  }

  let province = '';
  const pS = sp[2 * PROVINCE]!;
  if (pS >= 0) {
    if (sp[2 * PROVINCE + 1]! - pS !== 2 || country !== 'CN') return null;
    const code = PROVINCE_BY_NUMBER[two(buf, pS)];
    if (code === undefined) return null;
    province = code;
  }

  let city = '';
  const cS = sp[2 * CITY]!;
  if (cS >= 0) {
    const cE = sp[2 * CITY + 1]!;
    if (!isAsciiCity(buf, cS, cE)) return null;
    city = latin1Slice.call(buf, cS, cE);
  }

  // The same shape, in the same key order, as validateOrder's.
  return {
    show: show ? show.id : LATE_SHOW,
    order_id: latin1Slice.call(buf, idS, idE),
    type,
    ts: ms,
    amount_fen: fen,
    currency: currency.value,
    gmv_fen: show ? convertFen(fen, (currency as Currency).rateMicro) : 0,
    country,
    channel,
    category,
    merchant_id,
    province,
    city,
  };
}
