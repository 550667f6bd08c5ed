import type { Rejection } from '../../shared/order.js';

/** One decoded item of a batch, with its 1-based line (or array position). */
export interface BatchItem {
  line: number;
  value: unknown;
}

export type BatchParse =
  | { ok: true; items: BatchItem[]; rejected: Rejection[] }
  | { ok: false; code: 'GMV_ERR_BODY_EMPTY' | 'GMV_ERR_BODY_INVALID' | 'GMV_ERR_TOO_MANY_LINES'; message: string };

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
    try {
      items.push({ line, value: JSON.parse(text) });
    } catch {
      rejected.push({ line, field: null, code: 'GMV_ERR_LINE_JSON', message: 'line is not valid JSON' });
    }
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
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { ok: false, code: 'GMV_ERR_BODY_EMPTY', message: 'the array holds no orders' };
  if (list.length > limits.batchLines) {
    return tooManyLines(limits);
  }
  return { ok: true, items: list.map((v, i) => ({ line: i + 1, value: v })), rejected: [] };
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
