import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks bearer tokens in constant time. Several tokens may be valid at once so a
 * token can be rotated without a failed request.
 */
export class TokenSet {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  get size(): number {
    return this.digests.length;
  }

  /** True when the Authorization header carries one of the tokens. */
  allows(header: string | undefined): boolean {
    if (!header) return false;
    const m = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
    if (!m) return false;
    const d = digest(m[1]!);
    let ok = false;
    // Compare against every token so timing does not reveal which one matched.
    for (const t of this.digests) ok = timingSafeEqual(t, d) || ok;
    return ok;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
