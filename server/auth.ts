import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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
    return this.identify(header) !== null;
  }

  /**
   * Who the Authorization header authenticates: the SHA-256 (hex) of the token it carries
   * when that is one of the tokens, else null. The same for every spelling of the header
   * that authenticates (`Bearer`, `bearer`, `BEARER`), and never the token itself.
   */
  identify(header: string | undefined): string | null {
    if (!header) return null;
    const m = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
    if (!m) return null;
    const d = digest(m[1]!);
    let ok = false;
    // Compare against every token so timing does not reveal which one matched.
    for (const t of this.digests) ok = timingSafeEqual(t, d) || ok;
    return ok ? d.toString('hex') : null;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Signed, expiring share links for screens: `s1.<expiry epoch s>.<HMAC-SHA256>`,
 * put in a board URL as `?token=`. Anyone holding the secret can mint them; the
 * server checks the signature in constant time and refuses expired ones.
 */
export class ShareLinks {
  constructor(private readonly secret: string) {}

  mint(ttlSeconds: number, now = Date.now()): { token: string; expiresAt: string } {
    const exp = Math.floor(now / 1000) + ttlSeconds;
    return { token: `s1.${exp}.${this.sign(exp)}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  allows(token: string, now = Date.now()): boolean {
    const m = /^s1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return false;
    const exp = Number(m[1]);
    const given = Buffer.from(m[2]!);
    const want = Buffer.from(this.sign(exp));
    return given.length === want.length && timingSafeEqual(given, want) && exp * 1000 > now;
  }

  private sign(exp: number): string {
    return createHmac('sha256', this.secret).update(`s1.${exp}`).digest('base64url');
  }
}

/** Who may read the board: viewer tokens, share links, or everyone when neither is configured. */
export class ViewerAccess {
  private readonly tokens: TokenSet;
  private readonly links: ShareLinks | null;

  constructor(viewTokens: readonly string[], shareSecret: string | null) {
    this.tokens = new TokenSet(viewTokens);
    this.links = shareSecret ? new ShareLinks(shareSecret) : null;
  }

  get open(): boolean {
    return this.tokens.size === 0 && this.links === null;
  }

  /** A token from `?token=`, the socket handshake, or an `Authorization: Bearer` header. */
  allows(token: string | undefined): boolean {
    if (this.open) return true;
    if (!token) return false;
    return this.tokens.allows(`Bearer ${token}`) || (this.links?.allows(token) ?? false);
  }
}
