import { LATE_SHOW, validateOrder, type Order, type Rejection, type ValidationContext } from '../../shared/order.js';
import { compileFastContext, fastOrder } from './fast-path.js';
import {
  isTooLong,
  lineTooLong,
  parseJsonBody,
  parseLine,
  parseNdjson,
  tooManyLines,
  type BatchParse,
  type ParseLimits,
} from './parse.js';

/** A request body decoded and validated: the orders to write and the lines refused, by line. */
export type DecodedBatch =
  | {
      ok: true;
      orders: Order[];
      rejected: Rejection[];
      /** How many orders the byte-level fast path read (the rest went through JSON.parse). */
      fast: number;
      /** Refunds after their show's end (show LATE_SHOW), by line, resolved by late-refunds.ts before writing; absent when none. */
      late?: LateRefund[];
    }
  | Extract<BatchParse, { ok: false }>;

/** A late refund (show LATE_SHOW) and its line, for a refusal once its sale is looked up. */
export interface LateRefund {
  line: number;
  order: Order;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const OPEN_BRACE = 0x7b;

/**
 * Decodes a request body as the route answers it: NDJSON (content type application/x-ndjson)
 * line by line, ordinary lines on the fast path and every other line through the reference
 * code (utf8, parseLine: JSON.parse and the scan for duplicate keys and number literals,
 * validateOrder); any other type as one JSON document.
 */
export function decodeOrders(
  body: Buffer,
  contentType: string | undefined,
  limits: ParseLimits,
  ctx: ValidationContext,
): DecodedBatch {
  const ndjson = (contentType ?? '').toLowerCase().startsWith('application/x-ndjson');
  return ndjson ? decodeNdjson(body, limits, ctx) : validateItems(parseJsonBody(body.toString('utf8'), limits), ctx);
}

/** The reference composition: a parsed batch validated item by item, rejections sorted by line. */
export function validateItems(parsed: BatchParse, ctx: ValidationContext): DecodedBatch {
  if (!parsed.ok) return parsed;
  const rejected: Rejection[] = parsed.rejected;
  const orders: Order[] = [];
  const late: LateRefund[] = [];
  for (const item of parsed.items) {
    const check = validateOrder(item.value, ctx, item.source);
    if (!check.ok) rejected.push({ line: item.line, field: check.field, code: check.code, message: check.message });
    else if (check.order.show === LATE_SHOW) late.push({ line: item.line, order: check.order });
    else orders.push(check.order);
  }
  rejected.sort((a, b) => a.line - b.line);
  return late.length > 0 ? { ok: true, orders, rejected, fast: 0, late } : { ok: true, orders, rejected, fast: 0 };
}

/**
 * parseNdjson + validateItems on the bytes, in one pass. Splitting on 0x0A is safe: in UTF-8
 * that byte is never inside a character, and decoding a line alone gives the same text as
 * decoding the whole body and slicing it (invalid bytes become U+FFFD either way).
 */
export function decodeNdjson(body: Buffer, limits: ParseLimits, ctx: ValidationContext): DecodedBatch {
  const fastCtx = compileFastContext(ctx);
  const orders: Order[] = [];
  const rejected: Rejection[] = [];
  const late: LateRefund[] = [];
  let line = 0;
  let start = 0;
  let nonEmpty = 0;
  let parsedLines = 0;
  let tooLong = false;
  let fast = 0;
  while (start <= body.length) {
    let end = body.indexOf(LF, start);
    if (end === -1) end = body.length;
    line++;
    const from = start;
    start = end + 1;
    if (end > from && body[end - 1] === CR) end--;

    let p = from;
    while (p < end && (body[p] === SPACE || body[p] === TAB)) p++;
    if (p === end) continue; // only spaces and tabs: blank
    // A line that does not open with `{` may still be blank to String.prototype.trim (\v, NBSP, BOM...).
    let text: string | undefined;
    if (body[p] !== OPEN_BRACE) {
      text = body.toString('utf8', from, end);
      if (text.trim() === '') continue;
    }
    if (++nonEmpty > limits.batchLines) return tooManyLines(limits);
    // The fast path reads ASCII only, where bytes and UTF-8 bytes of the text are the same count.
    if (text === undefined && end - from <= limits.lineBytes) {
      const order = fastOrder(body, p, end, fastCtx);
      if (order) {
        if (order.show === LATE_SHOW) late.push({ line, order });
        else orders.push(order);
        parsedLines++;
        fast++;
        continue;
      }
    }

    text ??= body.toString('utf8', from, end);
    if (isTooLong(text, limits)) {
      tooLong = true;
      rejected.push(lineTooLong(line, limits));
      continue;
    }
    const item = parseLine(text, line);
    if ('code' in item) {
      rejected.push(item);
      continue;
    }
    parsedLines++;
    const check = validateOrder(item.value, ctx, item.source);
    if (!check.ok) rejected.push({ line, field: check.field, code: check.code, message: check.message });
    else if (check.order.show === LATE_SHOW) late.push({ line, order: check.order });
    else orders.push(check.order);
  }
  if (nonEmpty === 0) return { ok: false, code: 'GMV_ERR_BODY_EMPTY', message: 'the request body is empty' };
  if (parsedLines === 0 && !tooLong) {
    return { ok: false, code: 'GMV_ERR_BODY_INVALID', message: 'the body is not NDJSON: no line is valid JSON' };
  }
  // Lines were read in order and each gives at most one rejection: already sorted by line.
  return late.length > 0 ? { ok: true, orders, rejected, fast, late } : { ok: true, orders, rejected, fast };
}

/** The route's answer before the fast path, on the body as text: the reference for tests and benchmarks. */
export function decodeOrdersText(
  text: string,
  contentType: string | undefined,
  limits: ParseLimits,
  ctx: ValidationContext,
): DecodedBatch {
  const ndjson = (contentType ?? '').toLowerCase().startsWith('application/x-ndjson');
  return validateItems(ndjson ? parseNdjson(text, limits) : parseJsonBody(text, limits), ctx);
}
