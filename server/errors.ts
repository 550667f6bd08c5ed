import createError from '@fastify/error';

/** Every error the API answers with, by code. Tests assert these codes. */
export const Errors = {
  UNAUTHORIZED: createError('GMV_ERR_UNAUTHORIZED', 'a valid bearer token is required', 401),
  VIEWER_UNAUTHORIZED: createError(
    'GMV_ERR_VIEWER_UNAUTHORIZED',
    'a viewer token or a valid share link is required',
    401,
  ),
  ADMIN_UNAUTHORIZED: createError('GMV_ERR_ADMIN_UNAUTHORIZED', 'an admin token is required', 401),
  SIGNATURE: createError('GMV_ERR_SIGNATURE', 'a valid X-GMV-Signature is required: %s', 401),
  REPLAYED: createError('GMV_ERR_REPLAYED', 'this signed request was already received', 409),
  RATE_LIMITED: createError('GMV_ERR_RATE_LIMITED', 'too many requests; retry in %s', 429),
  NOT_CONFIGURED: createError('GMV_ERR_NOT_CONFIGURED', '%s', 409),
  /** A query parameter that passed its schema but not the checks that need the show (ranges, sizes). */
  REQUEST_INVALID: createError('GMV_ERR_REQUEST_INVALID', '%s', 400),
  BODY_EMPTY: createError('GMV_ERR_BODY_EMPTY', '%s', 400),
  BODY_INVALID: createError('GMV_ERR_BODY_INVALID', '%s', 400),
  NOT_FOUND: createError('GMV_ERR_NOT_FOUND', 'no route %s', 404),
  TOO_MANY_LINES: createError('GMV_ERR_TOO_MANY_LINES', 'a batch may hold at most %s orders', 413),
  MEDIA_TYPE: createError('GMV_ERR_MEDIA_TYPE', 'send application/x-ndjson or application/json, not %s', 415),
  ENCODING: createError('GMV_ERR_ENCODING', 'send the body as is or with Content-Encoding: gzip, not %s', 415),
  SHOW_UNKNOWN: createError('GMV_ERR_SHOW_UNKNOWN', 'no show "%s" is configured', 404),
  STORE_UNAVAILABLE: createError('GMV_ERR_STORE_UNAVAILABLE', 'storage is unavailable; retry later', 503),
  OVERLOADED: createError('GMV_ERR_OVERLOADED', 'the server is at capacity; retry later', 503),
  NOT_READY: createError('GMV_ERR_NOT_READY', 'not ready: %s', 503),
} as const;

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;
