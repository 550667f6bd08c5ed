import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';

/** Raised when a compressed body inflates past the body limit (a gzip bomb). */
export class InflatedTooLargeError extends Error {
  readonly code = 'GMV_ERR_BODY_TOO_LARGE' satisfies ErrorCode;
  readonly statusCode = ERRORS[this.code].status;
}

/** What a body that does not inflate is answered with. */
const NOT_GZIP = { statusCode: ERRORS.GMV_ERR_BODY_INVALID.status, code: 'GMV_ERR_BODY_INVALID' satisfies ErrorCode };

/**
 * Inflates a gzip request body as it streams, stopping as soon as the inflated
 * size passes `limit`, so a small bomb never expands in memory. The returned
 * stream reports the compressed bytes read, as fastify expects of a decoder.
 */
export function gunzipLimited(payload: Readable, limit: number): Readable {
  let encoded = 0;
  let inflated = 0;
  payload.on('data', (chunk: Buffer) => (encoded += chunk.length));
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      inflated += chunk.length;
      if (inflated > limit) {
        done(new InflatedTooLargeError(`the inflated body is larger than ${limit} bytes`));
        return;
      }
      (counter as Transform & { receivedEncodedLength: number }).receivedEncodedLength = encoded;
      done(null, chunk);
    },
    flush(done) {
      (counter as Transform & { receivedEncodedLength: number }).receivedEncodedLength = encoded;
      done();
    },
  });
  const gunzip = createGunzip();
  gunzip.on('error', (err) => counter.destroy(Object.assign(err, NOT_GZIP)));
  counter.on('error', () => payload.unpipe());
  return payload.pipe(gunzip).pipe(counter);
}
