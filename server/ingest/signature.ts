import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

/** How far a signature's timestamp may be from the server's clock, seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Most signatures remembered for replay detection; past it the oldest are forgotten first. */
export const MAX_REMEMBERED_SIGNATURES = 100_000;

const HEADER = /^t=(\d{1,12}),\s*v1=([0-9a-fA-F]{64})$/;

/** Why a signature header was refused before the body was read. */
export type SignatureRefusal = 'missing' | 'malformed' | 'expired';

/**
 * One signed request in progress: the HMACs under every secret, fed with the raw
 * body bytes as they arrive (before any gzip inflation), checked once the body is in.
 */
export class PendingSignature {
  private readonly hmacs: Hmac[];
  private readonly body: Hash = createHash('sha256');
  private digest: string | null = null;

  constructor(
    secrets: readonly string[],
    readonly t: number,
    private readonly given: Buffer,
  ) {
    this.hmacs = secrets.map((s) => createHmac('sha256', s).update(`${t}.`));
  }

  /** Passes the raw payload through unchanged while hashing it. */
  tap(payload: Readable): Readable {
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        for (const h of this.hmacs) h.update(chunk);
        this.body.update(chunk);
        done(null, chunk);
      },
    });
    payload.on('error', (err) => tap.destroy(err));
    return payload.pipe(tap);
  }

  /** True when one of the secrets signed `<t>.<body>`. Compares against every secret, in constant time. */
  valid(): boolean {
    let ok = false;
    for (const h of this.hmacs) ok = timingSafeEqual(h.digest(), this.given) || ok;
    return ok;
  }

  /** Identifies the signed request whatever secret signed it: its timestamp and the hash of its raw body. */
  get key(): string {
    this.digest ??= this.body.digest('hex');
    return `${this.t}.${this.digest}`;
  }
}

/** Parses `X-GMV-Signature: t=<unix seconds>,v1=<hex>` and checks its age. */
export function startSignature(
  secrets: readonly string[],
  header: string | string[] | undefined,
  nowMs: number,
): PendingSignature | SignatureRefusal {
  if (header === undefined || header === '') return 'missing';
  const m = typeof header === 'string' ? HEADER.exec(header.trim()) : null;
  if (!m) return 'malformed';
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return 'expired';
  return new PendingSignature(secrets, t, Buffer.from(m[2]!, 'hex'));
}

/**
 * Signed requests seen in the tolerance window, so a captured request sent again is
 * answered 409 instead of being processed twice. Entries expire two windows after
 * first sight (a signature is accepted until t + window, and t may be up to one
 * window ahead of the clock); insertion order is expiry order, so pruning is from
 * the front. Bounded: past `cap` the oldest are forgotten early (order dedup still
 * keeps those from counting twice).
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 2 * SIGNATURE_TOLERANCE_SECONDS * 1000,
    private readonly cap = MAX_REMEMBERED_SIGNATURES,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Remembers `key`; false when it was already seen and has not expired. */
  remember(key: string, nowMs = Date.now()): boolean {
    for (const [k, expires] of this.seen) {
      if (expires > nowMs && this.seen.size < this.cap) break;
      this.seen.delete(k);
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, nowMs + this.ttlMs);
    return true;
  }

  /** Forgets `key`, so the same signed request may be retried (after a 503, say). */
  forget(key: string): void {
    this.seen.delete(key);
  }
}
