// The issuer's signing keys, kept between the logins of one opened connection: openid-client
// keeps them per Configuration, and each login builds its own, so every callback fetched the JWKS
// again (one more outbound round trip to the IdP per login). The kept keys are handed to each
// login's Configuration and taken back after it (openid-client's getJwksCache/setJwksCache, made
// for this); openid-client still refreshes them after 5 minutes. An ID token signed with a key the
// kept set lacks (an IdP that rotates without publishing the new key first) makes that login fetch
// the JWKS at once, as every login did before, instead of failing until openid-client's one-minute
// floor for refetching on an unknown key has passed.
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';

async function idTokenKid(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { id_token?: unknown };
    if (typeof body.id_token !== 'string') return undefined;
    const kid = decodeProtectedHeader(body.id_token).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    // Not JSON, or not a JWT: openid-client refuses it with its own error.
    return undefined;
  }
}

export function jwksMemory() {
  let kept: client.ExportedJWKSCache | undefined;

  return {
    /** Gives `config` the kept keys; `tokenEndpoint`'s answers are looked at for a key they lack. */
    attach(config: client.Configuration, tokenEndpoint: string, fetch: client.CustomFetch): client.CustomFetch {
      if (kept) client.setJwksCache(config, kept);
      return async (url, options) => {
        const response = await fetch(url, options);
        // The cache object openid-client reads while it checks this response's ID token.
        const cache = url === tokenEndpoint && response.ok ? client.getJwksCache(config) : undefined;
        if (cache) {
          const kid = await idTokenKid(response);
          const known = cache.jwks.keys.some((key) => kid !== undefined && key.kid === kid);
          if (!known) for (const field of Object.keys(cache)) delete (cache as unknown as Record<string, unknown>)[field];
        }
        return response;
      };
    },

    /** After a login: the keys its Configuration holds now (fetched or refreshed) are the kept ones. */
    keep(config: client.Configuration): void {
      const now = client.getJwksCache(config);
      if (now) kept = structuredClone(now);
    },
  };
}
