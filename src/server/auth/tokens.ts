import crypto from 'node:crypto';
import type { ApiToken, Store } from '../../store/store.js';

const TOKEN_PREFIX = 'rmt_';

/** A new API token: 256 random bits, base64url, with a prefix that says what it is (and lets secret scanners find it). */
export function newApiToken(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

/** What the store keeps of a token: its SHA-256, hex. Tokens are random, so a fast hash is enough. */
export function hashApiToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The value the dashboard sends in X-Runmeter-Csrf for a session: derived from its token, useless without it. */
export function csrfTokenFor(token: string): string {
  return crypto.createHash('sha256').update(`runmeter-csrf\u0000${token}`, 'utf8').digest('base64url');
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = crypto.createHash('sha256').update(a).digest();
  const right = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(left, right);
}

/**
 * Checks presented tokens against the store's, compared in constant time. The list is read again at most once a
 * second, so a token created or revoked in another process counts within a second; while the store cannot be read,
 * the last list read stays in force.
 */
export class TokenChecker {
  private tokens: ApiToken[] | undefined;
  private readAt = 0;
  private reading: Promise<ApiToken[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly maxAgeMs = 1000,
  ) {}

  /** The tokens in force (read from the store when the list is older than maxAgeMs). */
  async current(): Promise<ApiToken[]> {
    if (this.tokens !== undefined && Date.now() - this.readAt < this.maxAgeMs) return this.tokens;
    this.reading ??= this.store
      .listTokens()
      .then((tokens) => {
        this.tokens = tokens;
        this.readAt = Date.now();
        return tokens;
      })
      .catch((error: unknown) => {
        if (this.tokens !== undefined) return this.tokens;
        throw error;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  /** The name of the token presented, or undefined when it is no token in force. */
  async check(presented: string): Promise<string | undefined> {
    const hash = Buffer.from(hashApiToken(presented), 'hex');
    let found: string | undefined;
    for (const token of await this.current()) {
      const stored = Buffer.from(token.hash, 'hex');
      // Every stored hash is compared, all the way: the time taken says nothing about which matched.
      if (stored.length === hash.length && crypto.timingSafeEqual(stored, hash)) found = token.name;
    }
    return found;
  }
}
