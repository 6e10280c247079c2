// Where Gatehouse may send a browser with an authorization code: exact, absolute URIs only.
// https anywhere; http only on loopback (local development, RFC 8252 §7.3); private-use schemes
// of native apps (reverse domain names such as com.example.app:/callback, RFC 8252 §7.1).
import { z } from 'zod';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const PRIVATE_SCHEME = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/;

function problemWith(value: string, allowNative: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash !== '' || value.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? undefined : 'must use https (http is allowed on localhost only)';
  if (allowNative && PRIVATE_SCHEME.test(url.protocol)) return undefined;
  return 'must use https, http on localhost, or a reverse-domain app scheme';
}

export function redirectUri(options: { allowNative: boolean }) {
  return z
    .string()
    .max(2000)
    .superRefine((value, ctx) => {
      const problem = problemWith(value, options.allowNative);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** OpenID Connect third-party-initiated login requires https. */
export const initiateLoginUri = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:' && !value.includes('#'), {
    message: 'must be an https URI without a fragment',
  });
