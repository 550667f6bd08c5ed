import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Raised when a compressed body inflates past the body limit (a gzip bomb). */
export class InflatedTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'GMV_ERR_BODY_TOO_LARGE';
}

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
  gunzip.on('error', (err) => counter.destroy(Object.assign(err, { statusCode: 400, code: 'GMV_ERR_BODY_INVALID' })));
  counter.on('error', () => payload.unpipe());
  return payload.pipe(gunzip).pipe(counter);
}
