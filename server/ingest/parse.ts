import type { ErrorCodes } from '../../shared/errors.js';
import type { OrderSource, Rejection } from '../../shared/order.js';

/** One decoded item of a batch, with its 1-based line (or array position). */
export interface BatchItem {
  line: number;
  value: unknown;
  /** What the item's text says beyond its value, for validateOrder; null when the item is not an object. */
  source: OrderSource | null;
}

export type BatchParse =
  { ok: true; items: BatchItem[]; rejected: Rejection[] } | { ok: false; code: BodyErrorCode; message: string };

/** Why a body is refused as a whole. */
export type BodyErrorCode = ErrorCodes<'GMV_ERR_BODY_EMPTY' | 'GMV_ERR_BODY_INVALID' | 'GMV_ERR_TOO_MANY_LINES'>;

export interface ParseLimits {
  batchLines: number;
  lineBytes: number;
}

/** Splits an NDJSON body into decoded lines; lines that are not JSON are rejected one by one. */
export function parseNdjson(body: string, limits: ParseLimits): BatchParse {
  if (body.trim() === '') return { ok: false, code: 'GMV_ERR_BODY_EMPTY', message: 'the request body is empty' };
  const items: BatchItem[] = [];
  const rejected: Rejection[] = [];
  let line = 0;
  let start = 0;
  let nonEmpty = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line++;
    let text = body.slice(start, end);
    start = end + 1;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') continue;
    if (++nonEmpty > limits.batchLines) {
      return tooManyLines(limits);
    }
    if (isTooLong(text, limits)) {
      rejected.push(lineTooLong(line, limits));
      continue;
    }
    const item = parseLine(text, line);
    if ('code' in item) rejected.push(item);
    else items.push(item);
  }
  if (items.length === 0 && rejected.every((r) => r.code === 'GMV_ERR_LINE_JSON')) {
    return { ok: false, code: 'GMV_ERR_BODY_INVALID', message: 'the body is not NDJSON: no line is valid JSON' };
  }
  return { ok: true, items, rejected };
}

/** Decodes a JSON body: one order object, or an array of them (position = line). */
export function parseJsonBody(body: string, limits: ParseLimits): BatchParse {
  if (body.trim() === '') return { ok: false, code: 'GMV_ERR_BODY_EMPTY', message: 'the request body is empty' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, code: 'GMV_ERR_BODY_INVALID', message: 'the body is not valid JSON' };
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { ok: false, code: 'GMV_ERR_BODY_EMPTY', message: 'the array holds no orders' };
  if (list.length > limits.batchLines) {
    return tooManyLines(limits);
  }
  const sources = scanOrderSources(body, Array.isArray(value));
  return { ok: true, items: list.map((v, i) => ({ line: i + 1, value: v, source: sources[i] ?? null })), rejected: [] };
}

/** One NDJSON line (not blank, not too long) decoded: the item, or its GMV_ERR_LINE_JSON rejection. */
export function parseLine(text: string, line: number): BatchItem | Rejection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, field: null, code: 'GMV_ERR_LINE_JSON', message: 'line is not valid JSON' };
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  return { line, value, source: isObject ? scanOrderSources(text, false)[0]! : null };
}

/** The whole-body refusal for more than `limits.batchLines` orders. */
export function tooManyLines(limits: ParseLimits): BatchParse & { ok: false } {
  return { ok: false, code: 'GMV_ERR_TOO_MANY_LINES', message: `a batch may hold at most ${limits.batchLines} orders` };
}

/** Whether a line's UTF-8 bytes pass `limits.lineBytes` (1 to 3 bytes per UTF-16 unit: counted only when it matters). */
export function isTooLong(text: string, limits: ParseLimits): boolean {
  return text.length > limits.lineBytes / 3 && Buffer.byteLength(text) > limits.lineBytes;
}

/** The rejection of a line longer than `limits.lineBytes`. */
export function lineTooLong(line: number, limits: ParseLimits): Rejection {
  return { line, field: null, code: 'GMV_ERR_LINE_TOO_LONG', message: `line is longer than ${limits.lineBytes} bytes` };
}

// ---------------------------------------------------------------------------------------------
// The strict reading JSON.parse does not give: duplicate keys and the text of number literals.
// These read text JSON.parse has accepted, so they only step over tokens, never check them.

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isJsonSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

function skipSpace(text: string, i: number): number {
  while (isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index just past the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return i;
}

/** The index just past the value (string, number, true, false, null, object or array) at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    // A number or a literal runs to the next delimiter.
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isJsonSpace(d)) return i;
    }
    return i;
  }
  // Brackets balance in valid JSON once strings are stepped over.
  let depth = 0;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    i++;
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return i;
  }
  return i;
}

/**
 * Reads the order object whose `{` is at `i`; returns its OrderSource and the index just past
 * its `}`. The order's own keys only: the keys of a nested object are not the order's (and
 * validateOrder refuses every nested value anyway).
 */
function scanObject(text: string, i: number): { source: OrderSource; end: number } {
  const source: OrderSource = { duplicate: null, amount: null };
  const seen = new Set<string>();
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return { source, end: i + 1 };
  for (;;) {
    const keyEnd = skipString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    // An escape spells the same key another way: "am\u006funt" is "amount".
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    const again = seen.has(key);
    if (!again) seen.add(key);
    else source.duplicate ??= key;
    i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
    const end = skipValue(text, i);
    if (key === 'amount' && !again) {
      const c = text.charCodeAt(i);
      if (c === MINUS || (c >= ZERO && c <= NINE)) source.amount = text.slice(i, end);
    }
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) return { source, end: i + 1 }; // past the closing brace
    i = skipSpace(text, i + 1);
  }
}

/**
 * What JSON.parse drops of the order objects in `text`, a text JSON.parse has accepted: each
 * object's first repeated key and the literal of a number amount (see OrderSource). With
 * `array` the text is an array of orders and the answer has one entry per element (null for
 * an element that is not an object); else the text is one value and the answer one entry
 * (null when it is not an object). Linear in the text.
 */
export function scanOrderSources(text: string, array: boolean): (OrderSource | null)[] {
  let i = skipSpace(text, 0);
  if (!array) return [text.charCodeAt(i) === OPEN_BRACE ? scanObject(text, i).source : null];
  const sources: (OrderSource | null)[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return sources;
  for (;;) {
    if (text.charCodeAt(i) === OPEN_BRACE) {
      const { source, end } = scanObject(text, i);
      sources.push(source);
      i = end;
    } else {
      sources.push(null);
      i = skipValue(text, i);
    }
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== COMMA) return sources;
    i = skipSpace(text, i + 1);
  }
}
