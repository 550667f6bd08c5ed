import createError from '@fastify/error';
import { ERRORS, type ErrorCode } from '../shared/errors.js';

/** An error class for `code`, answered with the code's status in shared/errors.ts. */
function define<C extends ErrorCode>(code: C, message: string) {
  return createError(code, message, ERRORS[code].status);
}

/** Every error the API answers with, by code. Tests assert these codes. */
export const Errors = {
  UNAUTHORIZED: define('GMV_ERR_UNAUTHORIZED', 'a valid bearer token is required'),
  VIEWER_UNAUTHORIZED: define('GMV_ERR_VIEWER_UNAUTHORIZED', 'a viewer token or a valid share link is required'),
  ADMIN_UNAUTHORIZED: define('GMV_ERR_ADMIN_UNAUTHORIZED', 'an admin token is required'),
  METRICS_UNAUTHORIZED: define('GMV_ERR_METRICS_UNAUTHORIZED', 'a metrics or admin token is required'),
  SIGNATURE: define('GMV_ERR_SIGNATURE', 'a valid X-GMV-Signature is required: %s'),
  REPLAYED: define('GMV_ERR_REPLAYED', 'this signed request was already received'),
  RATE_LIMITED: define('GMV_ERR_RATE_LIMITED', 'too many requests; retry in %s'),
  NOT_CONFIGURED: define('GMV_ERR_NOT_CONFIGURED', '%s'),
  /** A query parameter that passed its schema but not the checks that need the show (ranges, sizes). */
  REQUEST_INVALID: define('GMV_ERR_REQUEST_INVALID', '%s'),
  BODY_EMPTY: define('GMV_ERR_BODY_EMPTY', '%s'),
  BODY_INVALID: define('GMV_ERR_BODY_INVALID', '%s'),
  NOT_FOUND: define('GMV_ERR_NOT_FOUND', 'no route %s'),
  TOO_MANY_LINES: define('GMV_ERR_TOO_MANY_LINES', 'a batch may hold at most %s orders'),
  MEDIA_TYPE: define('GMV_ERR_MEDIA_TYPE', 'send application/x-ndjson or application/json, not %s'),
  ENCODING: define('GMV_ERR_ENCODING', 'send the body as is or with Content-Encoding: gzip, not %s'),
  SHOW_UNKNOWN: define('GMV_ERR_SHOW_UNKNOWN', 'no show "%s" is configured'),
  MARK_UNKNOWN: define('GMV_ERR_MARK_UNKNOWN', 'no mark "%s" in this show'),
  MARKS_FULL: define('GMV_ERR_MARKS_FULL', 'the show holds %s marks, as many as it may: remove one first'),
  PUSH_FULL: define('GMV_ERR_PUSH_FULL', '%s devices are subscribed, as many as may be'),
  PUSH_SUBSCRIPTION: define('GMV_ERR_PUSH_SUBSCRIPTION', '%s'),
  STORE_UNAVAILABLE: define('GMV_ERR_STORE_UNAVAILABLE', 'storage is unavailable; retry later'),
  IN_FLIGHT: define(
    'GMV_ERR_IN_FLIGHT',
    'some of these orders are being written by another node; send the batch again shortly',
  ),
  OVERLOADED: define('GMV_ERR_OVERLOADED', 'the server is at capacity; retry later'),
  NOT_READY: define('GMV_ERR_NOT_READY', 'not ready: %s'),
} as const;

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;
