/**
 * Every `GMV_ERR_*` code the server, the board or a script can meet, with its HTTP status and what it
 * means. This table is the one list: server/errors.ts builds its error classes from it, every other
 * place types its codes as `ErrorCode` (so a misspelt or unlisted code fails `tsc`), docs/api.md's
 * table of codes is printed from it (scripts/error-docs.ts), and tests/unit/error-codes.test.ts checks
 * that no `GMV_ERR_*` string in server/, shared/ or client/ is missing here.
 *
 * The status of a code is the HTTP status of the answer that carries it:
 * - a request refused as a whole: the status of that answer (`{ statusCode, code, error, message }`);
 * - a rejected line of an ingest batch: 200, the status of the batch's answer, which lists the line in
 *   `rejected` (a batch is never refused for its invalid lines);
 * - a socket.io refusal (a handshake's `connect_error`, a replay ack `{ ok: false, code }`), which has
 *   no HTTP answer: the status the same refusal would have over HTTP (401 unauthorized, 404 unknown,
 *   400 malformed, 409 not in that state now, 429 a limit of the caller's, 503 retry later);
 * - a code the client makes itself (`GMV_ERR_TIMEOUT`, no answer came): 504, as a gateway would.
 */
export const ERRORS = {
  // Requests refused as a whole (HTTP).
  GMV_ERR_REQUEST_INVALID: { status: 400, about: 'a query, parameter or request that does not pass its schema' },
  GMV_ERR_BODY_EMPTY: { status: 400, about: 'the request body is empty, only whitespace, or `[]`' },
  GMV_ERR_BODY_INVALID: { status: 400, about: 'the body is not JSON, no NDJSON line is JSON, or its length is wrong' },
  GMV_ERR_UNAUTHORIZED: { status: 401, about: 'a valid ingest bearer token is required' },
  GMV_ERR_VIEWER_UNAUTHORIZED: { status: 401, about: 'a viewer token or a valid share link is required' },
  GMV_ERR_ADMIN_UNAUTHORIZED: { status: 401, about: 'an admin token is required' },
  GMV_ERR_METRICS_UNAUTHORIZED: { status: 401, about: 'a metrics or admin token is required' },
  GMV_ERR_SIGNATURE: { status: 401, about: 'a missing, malformed, stale or wrong `X-GMV-Signature`' },
  GMV_ERR_NOT_FOUND: { status: 404, about: 'no route for this method and path' },
  GMV_ERR_SHOW_UNKNOWN: { status: 404, about: 'no show with that id is configured' },
  GMV_ERR_MARK_UNKNOWN: { status: 404, about: 'no run-of-show mark with that id (or it was removed)' },
  GMV_ERR_REQUEST_TIMEOUT: { status: 408, about: 'headers and body did not all arrive within `REQUEST_TIMEOUT_MS`' },
  GMV_ERR_REPLAYED: { status: 409, about: 'a signed request that was already answered 200' },
  GMV_ERR_NOT_CONFIGURED: { status: 409, about: 'what was asked is not configured, or not served by this node' },
  GMV_ERR_PUSH_FULL: {
    status: 409,
    about: 'as many devices are subscribed to Web Push as may be (`WEB_PUSH_MAX_SUBSCRIPTIONS`)',
  },
  GMV_ERR_PUSH_SUBSCRIPTION: { status: 400, about: 'a Web Push subscription whose endpoint or keys are refused' },
  GMV_ERR_MARKS_FULL: { status: 409, about: 'the show holds as many run-of-show marks as it may (500)' },
  GMV_ERR_BODY_TOO_LARGE: { status: 413, about: 'the body (inflated) is larger than `MAX_BODY_BYTES`' },
  GMV_ERR_TOO_MANY_LINES: { status: 413, about: 'more than `MAX_BATCH_LINES` non-blank lines or array items' },
  GMV_ERR_MEDIA_TYPE: { status: 415, about: 'a `Content-Type` other than NDJSON or JSON' },
  GMV_ERR_ENCODING: { status: 415, about: 'a `Content-Encoding` other than `gzip` or none' },
  GMV_ERR_RATE_LIMITED: { status: 429, about: 'too many requests a minute from this token or address' },
  GMV_ERR_HEADERS_TOO_LARGE: { status: 431, about: 'the request headers are too large' },
  GMV_ERR_INTERNAL: { status: 500, about: 'anything unexpected (the cause is in the server log only)' },
  GMV_ERR_OVERLOADED: { status: 503, about: 'the server is at capacity; retry later' },
  GMV_ERR_STORE_UNAVAILABLE: { status: 503, about: 'ClickHouse or Redis could not be read or written' },
  GMV_ERR_IN_FLIGHT: { status: 503, about: 'an order of the batch is being written by another node' },
  GMV_ERR_NOT_READY: { status: 503, about: 'ClickHouse, Redis or the live node is unreachable' },

  // Rejected lines of an ingest batch, listed in its 200 answer.
  GMV_ERR_LINE_JSON: { status: 200, about: 'an NDJSON line is not valid JSON' },
  GMV_ERR_LINE_TOO_LONG: { status: 200, about: 'an NDJSON line is longer than `MAX_LINE_BYTES` bytes' },
  GMV_ERR_LINE_NOT_OBJECT: { status: 200, about: 'the line or array item is not a JSON object' },
  GMV_ERR_FIELD_DUPLICATE: { status: 200, about: 'a key appears twice in the order object, however spelled' },
  GMV_ERR_FIELD_UNKNOWN: { status: 200, about: 'a field the order does not have' },
  GMV_ERR_FIELD_REQUIRED: { status: 200, about: 'a required field is missing' },
  GMV_ERR_ID_FORMAT: { status: 200, about: '`order_id` or `merchant_id` is not 1–64 allowed characters' },
  GMV_ERR_TYPE_UNKNOWN: { status: 200, about: '`type` is not `sale` or `refund`' },
  GMV_ERR_TS_TYPE: { status: 200, about: '`ts` is neither a string nor a number' },
  GMV_ERR_TS_FORMAT: { status: 200, about: '`ts` is not RFC 3339 with an offset or whole epoch ms' },
  GMV_ERR_TS_OUTSIDE_SHOW: { status: 200, about: '`ts` is outside every configured show window (grace included)' },
  GMV_ERR_AMOUNT_TYPE: { status: 200, about: '`amount` is neither a string nor a number' },
  GMV_ERR_AMOUNT_FORMAT: { status: 200, about: '`amount` is not of the form `123` or `123.45`' },
  GMV_ERR_AMOUNT_PRECISION: { status: 200, about: '`amount` has more than 2 decimals' },
  GMV_ERR_AMOUNT_RANGE: { status: 200, about: '`amount` is zero, negative, or above `10000000.00`' },
  GMV_ERR_CURRENCY_UNKNOWN: { status: 200, about: "`currency` has no rate in the order's show" },
  GMV_ERR_COUNTRY_UNKNOWN: { status: 200, about: '`country` is not an ISO 3166-1 alpha-2 code' },
  GMV_ERR_CHANNEL_UNKNOWN: { status: 200, about: '`channel` is not `mobile`, `pc` or `offline`' },
  GMV_ERR_CATEGORY_UNKNOWN: { status: 200, about: '`category` is not one of `CATEGORIES`' },
  GMV_ERR_REFUND_NO_SALE: {
    status: 200,
    about: 'a refund after its show ended: no stored sale of an ended show has its `order_id`',
  },
  GMV_ERR_REFUND_EXCEEDS_SALE: {
    status: 200,
    about: "a refund after its show ended: its GMV is more than its sale's",
  },
  GMV_ERR_PROVINCE_UNKNOWN: { status: 200, about: '`province` is not a GB/T 2260 province code (`11`–`65`)' },
  GMV_ERR_PROVINCE_COUNTRY: { status: 200, about: '`province` is sent with a `country` other than `CN`' },
  GMV_ERR_CITY_FORMAT: { status: 200, about: "`city` is not 1–48 letters, digits, spaces and `. ' · -`" },

  // socket.io: handshake refusals (connect_error) and replay acks.
  GMV_ERR_TOO_MANY_BOARDS: { status: 503, about: 'the node or the address has all the boards it takes' },
  GMV_ERR_REPLAY_REQUEST: { status: 400, about: 'a replay request or control that is not well formed' },
  GMV_ERR_REPLAY_RANGE: { status: 400, about: "a replay's `from`/`to` is malformed or outside the show's window" },
  GMV_ERR_REPLAY_SPEED: { status: 400, about: 'a replay speed outside 1–3600' },
  GMV_ERR_REPLAY_UNKNOWN: { status: 404, about: 'no such replay (it may have ended)' },
  GMV_ERR_REPLAY_NOT_JOINED: { status: 409, about: 'a control before creating or joining a replay' },
  GMV_ERR_REPLAY_BUSY: { status: 409, about: 'the replay is still busy with the last control; retry' },
  GMV_ERR_REPLAY_LIMIT: { status: 429, about: 'as many replays run as the node or the address may have' },
  GMV_ERR_REPLAY_FULL: { status: 429, about: 'the replay has as many viewers as it takes' },

  // Made by the client itself.
  GMV_ERR_TIMEOUT: { status: 504, about: 'the board asked and the server did not answer in time' },
} as const satisfies Record<`GMV_ERR_${string}`, { status: number; about: string }>;

/** A `GMV_ERR_*` code of the table. */
export type ErrorCode = keyof typeof ERRORS;

/** A set of codes, each checked against the table: `ErrorCodes<'GMV_ERR_A' | 'GMV_ERR_B'>`. */
export type ErrorCodes<T extends ErrorCode> = T;

/** Whether `code` is one of the table's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}
