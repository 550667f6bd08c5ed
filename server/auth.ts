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
    const link = this.read(token);
    return link !== null && link.expiresAtMs > now;
  }

  /** When a link signed with this secret expires (epoch ms, expired or not); null when it is not one. */
  read(token: string): { expiresAtMs: number } | null {
    const m = /^s1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const exp = Number(m[1]);
    const given = Buffer.from(m[2]!);
    const want = Buffer.from(this.sign(exp));
    return given.length === want.length && timingSafeEqual(given, want) ? { expiresAtMs: exp * 1000 } : null;
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
  allows(token: string | undefined, now = Date.now()): boolean {
    return this.admit(token, now).ok;
  }

  /**
   * Whether a token admits a viewer, and until when: a share link until its expiry, a viewer
   * token (or open access) for as long as the process runs, since tokens are read once at start.
   * A refused share link that was genuine says it expired, so a screen can tell its people why.
   */
  admit(token: string | undefined, now = Date.now()): ViewerAdmission {
    if (this.open) return { ok: true, expiresAtMs: null };
    if (!token) return { ok: false, expired: false };
    if (this.tokens.allows(`Bearer ${token}`)) return { ok: true, expiresAtMs: null };
    const link = this.links?.read(token) ?? null;
    if (!link) return { ok: false, expired: false };
    return link.expiresAtMs > now ? { ok: true, expiresAtMs: link.expiresAtMs } : { ok: false, expired: true };
  }
}

/** What a viewer's token is worth: admitted until `expiresAtMs` (null: no end), or refused. */
export type ViewerAdmission = { ok: true; expiresAtMs: number | null } | { ok: false; expired: boolean };

/**
 * Who may direct the wall: director tokens, and admin tokens too. `identify` answers a label
 * for the audit (`director:` or `admin:` and the first 12 hex digits of the token's SHA-256),
 * never the token; both sets are always checked, so timing does not say which one matched.
 */
export class DirectorAccess {
  private readonly directors: TokenSet;
  private readonly admins: TokenSet;

  constructor(directorTokens: readonly string[], adminTokens: readonly string[]) {
    this.directors = new TokenSet(directorTokens);
    this.admins = new TokenSet(adminTokens);
  }

  identify(header: string | undefined): string | null {
    const director = this.directors.identify(header);
    const admin = this.admins.identify(header);
    if (director !== null) return `director:${director.slice(0, 12)}`;
    return admin === null ? null : `admin:${admin.slice(0, 12)}`;
  }
}
