import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Order, OrderType } from '../../shared/order.js';
import type { StoreHandle } from './client.js';
import { insertSettings, settingsClause } from './settings.js';

export const ORDER_COLUMNS: [string, ...string[]] = [
  'show',
  'order_id',
  'type',
  'ts',
  'amount',
  'currency',
  'gmv',
  'country',
  'channel',
  'category',
  'merchant_id',
  'province',
  'city',
];

/**
 * Writes one batch of orders as a single synchronous INSERT (one part per show,
 * all or nothing). The body is TabSeparated bytes written straight into one
 * buffer: every string field was validated to ASCII without tabs, newlines or
 * backslashes (a city: UTF-8 without them), so no escaping is needed and no string is
 * built per order.
 */
export async function insertOrders(store: StoreHandle, orders: readonly Order[]): Promise<void> {
  if (orders.length === 0) return;
  await insertTsv(store, 'orders', ORDER_COLUMNS, encodeOrders(orders), 'gmv-flush');
}

/**
 * One synchronous INSERT of TabSeparated rows into a table of the store. In chDB
 * the bytes go to the engine as they are (no copy, no string); over HTTP they
 * stream, and a timed-out INSERT that may still be running on the server (and
 * land after the store is re-read) is stopped before the error is thrown.
 */
export async function insertTsv(
  store: StoreHandle,
  table: string,
  columns: readonly string[],
  rows: Buffer | string,
  queryPrefix: string,
): Promise<void> {
  const settings = insertSettings(store.cluster);
  if (store.rawInsert) {
    await store.rawInsert({
      table: `${store.db}.${table}`,
      columns,
      format: 'TabSeparated',
      settings: settings as Record<string, string | number>,
      values: rows,
    });
    return;
  }
  const queryId = `${queryPrefix}-${randomUUID()}`;
  try {
    // exec with the settings in the statement: one request, nothing client-wide.
    const result = await store.client.exec({
      query: `INSERT INTO ${store.db}.${table} (${columns.join(', ')}) SETTINGS ${settingsClause(settings)} FORMAT TabSeparated`,
      values: Readable.from([rows], { objectMode: false }),
      query_id: queryId,
    });
    for await (const _ of result.stream) {
      // An INSERT answers nothing; reading to the end releases the connection.
    }
  } catch (err) {
    if (store.kind === 'server') {
      await store.client
        .command({ query: 'KILL QUERY WHERE query_id = {id:String} SYNC', query_params: { id: queryId } })
        .catch(() => undefined);
    }
    throw err;
  }
}

/** Bytes one order's row may take besides its strings: 3 numbers and 12 separators. */
const ROW_FIXED_BYTES = 3 * 24 + 13;

/** The TabSeparated rows of orders, in ORDER_COLUMNS order, as bytes. */
export function encodeOrders(orders: readonly Order[]): Buffer {
  let size = 0;
  for (const o of orders) {
    size +=
      ROW_FIXED_BYTES +
      o.show.length +
      o.order_id.length +
      o.type.length +
      o.currency.length +
      o.country.length +
      o.channel.length +
      o.category.length +
      o.merchant_id.length +
      (o.province ? o.province.length : 0) +
      (o.city ? Buffer.byteLength(o.city) : 0);
  }
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (const o of orders) {
    at = writeAscii(buf, at, o.show);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.order_id);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.type);
    buf[at++] = TAB;
    at = writeFixed(buf, at, o.ts, 1000, 3);
    buf[at++] = TAB;
    at = writeFixed(buf, at, o.amount_fen, 100, 2);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.currency);
    buf[at++] = TAB;
    at = writeFixed(buf, at, o.gmv_fen, 100, 2);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.country);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.channel);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.category);
    buf[at++] = TAB;
    at = writeAscii(buf, at, o.merchant_id);
    buf[at++] = TAB;
    if (o.province) at = writeAscii(buf, at, o.province);
    buf[at++] = TAB;
    if (o.city) at += buf.write(o.city, at, 'utf8');
    buf[at++] = NEWLINE;
  }
  return buf.subarray(0, at);
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * Writes a non-negative integer `n` as a decimal with `places` fraction digits
 * (n / scale): 1447171200123 ms as "1447171200.123", 1999 fen as "19.99".
 */
function writeFixed(buf: Buffer, at: number, n: number, scale: number, places: number): number {
  const whole = Math.floor(n / scale);
  let frac = n - whole * scale;
  at = writeUint(buf, at, whole);
  buf[at] = DOT;
  for (let i = places; i > 0; i--) {
    buf[at + i] = ZERO + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return at + places + 1;
}

/** Writes a short ASCII string byte by byte (cheaper than Buffer#write's call for a dozen bytes). */
function writeAscii(buf: Buffer, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  return at + s.length;
}

function writeUint(buf: Buffer, at: number, n: number): number {
  if (n < 10) {
    buf[at] = ZERO + n;
    return at + 1;
  }
  let digits = 0;
  for (let x = n; x >= 1; x = Math.floor(x / 10)) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    buf[at + i] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/** Epoch ms as "seconds.mmm", which DateTime64(3) reads exactly. */
export function epochSeconds(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms - s * 1000;
  return `${s}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

export interface OrderKey {
  order_id: string;
  type: OrderType;
}

/** Ids per confirmation query: a resent 50,000-line batch makes ten modest queries, not one huge one. */
const STORED_KEYS_CHUNK = 5_000;
/**
 * Most bytes of ids in one confirmation query, as they travel URL-encoded in its parameters over
 * HTTP (a ClickHouse server refuses a URL past `http_max_uri_size`, 1 MiB by default): 5,000 ids
 * of 64 characters that all need escaping would pass it.
 */
export const STORED_KEYS_PARAM_BYTES = 256 * 1024;

/** The ids in groups of at most `chunk` ids and `bytes` bytes as URL-encoded array parameters. */
export function storedKeyGroups(
  ids: readonly string[],
  chunk = STORED_KEYS_CHUNK,
  bytes = STORED_KEYS_PARAM_BYTES,
): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let size = 0;
  for (const id of ids) {
    // 'id' and a comma, each quote and comma encoded as 3 bytes.
    const cost = encodeURIComponent(id).length + 9;
    if (group.length > 0 && (group.length >= chunk || size + cost > bytes)) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(id);
    size += cost;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Which of these keys are already stored for the show (exact, from the primary key). */
export async function storedKeys(
  store: StoreHandle,
  show: string,
  ids: readonly string[],
  chunk = STORED_KEYS_CHUNK,
): Promise<OrderKey[]> {
  const found: OrderKey[] = [];
  for (const group of storedKeyGroups([...new Set(ids)], chunk)) {
    const rs = await store.query({
      query: `SELECT DISTINCT order_id, type FROM ${store.db}.orders
              WHERE show = {show:String} AND order_id IN {ids:Array(String)}`,
      query_params: { show, ids: group },
      // With a ClickHouse server the ids travel in the request body (multipart/form-data, ClickHouse
      // 22.9 on), not in the URL that proxies and the server's http_max_uri_size limit.
      ...(store.kind === 'server' ? { use_multipart_params: true } : {}),
      format: 'JSONEachRow',
    });
    for (const k of await rs.json<OrderKey>()) found.push(k);
  }
  return found;
}

/** Keys visited per synchronous step of a load (~10 ms with a whole day's keys); then the event loop runs. */
export const LOAD_STEP = 8_192;

/**
 * Visits every stored key of a show, in pages along the primary key so a large day never has
 * to fit in one result. Pages are TabSeparated text cut up in place (no row object per key), and
 * the event loop runs between slices of a page, so loading a whole day (278 M keys) never holds
 * it for long.
 */
export async function forEachStoredKey(
  store: StoreHandle,
  show: string,
  visit: (orderId: string, type: OrderType) => void,
  pageSize = 100_000,
): Promise<number> {
  let afterId = '';
  let afterType = 0;
  let total = 0;
  for (;;) {
    const rs = await store.query({
      // order_id >= lets the primary key skip ahead; the tuple makes the page edge exact.
      query: `SELECT order_id, toInt8(type) AS t FROM ${store.db}.orders
              WHERE show = {show:String} AND order_id >= {afterId:String}
                AND (order_id, toInt8(type)) > ({afterId:String}, {afterType:Int8})
              ORDER BY order_id, t LIMIT {limit:UInt32}`,
      query_params: { show, afterId, afterType, limit: pageSize },
      format: 'TabSeparated',
    });
    const text = await rs.text();
    // Stored ids are validated to a charset without escapes; unescape anyway if one shows up.
    const escaped = text.includes('\\');
    let rows = 0;
    for (let at = 0; at < text.length;) {
      if (rows > 0 && rows % LOAD_STEP === 0) await yieldToLoop();
      const tab = text.indexOf('\t', at);
      const end = text.indexOf('\n', tab);
      if (tab < 0 || end < 0) throw new Error(`stored keys of ${show}: a row without a tab or newline`);
      const raw = text.slice(at, tab);
      afterId = escaped ? unescapeTsv(raw) : raw;
      afterType = text.charCodeAt(tab + 1) === 0x32 ? 2 : 1;
      visit(afterId, afterType === 2 ? 'refund' : 'sale');
      rows++;
      at = end + 1;
    }
    total += rows;
    if (rows < pageSize) return total;
  }
}

const TSV_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f' };

/** A TabSeparated field's text: `\t` is a tab, `\\` a backslash, and so on. */
function unescapeTsv(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => TSV_ESCAPES[c] ?? c);
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
