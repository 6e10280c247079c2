// Compact HMAC-SHA256 tokens (`<base64url JSON>.<base64url MAC>`) carry the mock IdP's request and
// assertion through the browser. The token's purpose is bound into the MAC so a login request can
// never be replayed as an assertion, or the other way round.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Checked before any decoding so a hostile token costs nothing. */
export const MAX_TOKEN_BYTES = 8 * 1024;

export type TokenPurpose = 'request' | 'assertion';

export type TokenFailure = 'malformed' | 'signature_invalid' | 'expired';

export type VerifyResult =
  | { readonly ok: true; readonly claims: Record<string, unknown> }
  | { readonly ok: false; readonly reason: TokenFailure; readonly detail: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(purpose: TokenPurpose, payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`gatehouse-mock-${purpose}.${payload}`).digest();
}

/** `exp` (seconds since the epoch) is required so no token lives forever. */
export function signToken(purpose: TokenPurpose, claims: Record<string, unknown> & { exp: number }, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${mac(purpose, payload, secret).toString('base64url')}`;
}

/** Signature first, then JSON, then expiry: nothing unauthenticated is parsed. */
export function verifyToken(purpose: TokenPurpose, token: string, secret: string, now: Date): VerifyResult {
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
    return { ok: false, reason: 'malformed', detail: `token longer than ${MAX_TOKEN_BYTES} bytes` };
  }
  const parts = token.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || payload === undefined || signature === undefined || !BASE64URL.test(payload) || !BASE64URL.test(signature)) {
    return { ok: false, reason: 'malformed', detail: 'not a compact <payload>.<signature> token' };
  }
  // Compared as text, not decoded bytes: base64url's last character has spare bits, so decoding
  // would accept several spellings of one MAC.
  if (!safeEqual(signature, mac(purpose, payload, secret).toString('base64url'))) {
    return { ok: false, reason: 'signature_invalid', detail: `${purpose} token signature does not verify` };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', detail: 'payload is not JSON' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: 'malformed', detail: 'payload is not a JSON object' };
  }
  const record = claims as Record<string, unknown>;
  if (typeof record.exp !== 'number' || !Number.isFinite(record.exp)) {
    return { ok: false, reason: 'malformed', detail: 'exp missing or not a number' };
  }
  if (epochSeconds(now) >= record.exp) {
    return { ok: false, reason: 'expired', detail: `${purpose} token expired at ${new Date(record.exp * 1000).toISOString()}` };
  }
  return { ok: true, claims: record };
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Constant-time equality for values an attacker may probe byte by byte (nonces). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
