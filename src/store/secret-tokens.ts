// Secrets Gatehouse only compares (admin keys, SCIM tokens, OAuth client secrets): a high-entropy
// random value with a recognizable prefix (so secret scanners can find a leaked one), shown once,
// stored as SHA-256, found again by its first characters.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIXES = { adminKey: 'gha_', scimToken: 'ghs_', clientSecret: 'ghc_', setupLink: 'ghl_' } as const;
export type SecretKind = keyof typeof SECRET_PREFIXES;

/** Characters of the random part kept in clear as the lookup prefix (~47 bits: collisions are rare and retried). */
const LOOKUP_CHARS = 8;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface IssuedSecret {
  /** The full secret: give it to the caller once, never store or log it. */
  token: string;
  lookupPrefix: string;
  hash: string;
}

export function issueSecret(kind: SecretKind): IssuedSecret {
  const token = SECRET_PREFIXES[kind] + base62(randomBytes(32));
  return { token, lookupPrefix: lookupPrefixOf(token), hash: hashSecret(token) };
}

export function lookupPrefixOf(token: string): string {
  return token.slice(0, token.indexOf('_') + 1 + LOOKUP_CHARS);
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Whether `token` has the shape of a secret of this kind (cheap rejection before any lookup). */
export function looksLike(kind: SecretKind, token: string): boolean {
  const prefix = SECRET_PREFIXES[kind];
  return token.startsWith(prefix) && /^[0-9A-Za-z]{40,64}$/.test(token.slice(prefix.length));
}

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  // 32 bytes give up to 43 base62 digits; pad so every token has the same length.
  return out.padStart(43, '0');
}
