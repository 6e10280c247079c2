// A deterministic test IdP for local dev and tests, shaped like an OIDC login: redirect out to the
// mock's own page, come back with a signed assertion. It exists only where a connection of type
// `mock` is configured, and checks what it receives as strictly as a real connector would, so the
// core's error paths can be exercised without an external IdP.
import { randomBytes } from 'node:crypto';
import { UpstreamRejected } from '../../src/errors.js';
import type { ConnectorDeps, ConnectorType, OidcCallbackInput, OidcConnector, UpstreamIdentity } from '../../src/sso/connector.js';
import { mockConfigSchema, type MockConfig } from './config.js';
import { assertionClaims, REQUEST_LIFETIME_SECONDS } from './idp.js';
import { epochSeconds, safeEqual, signToken, verifyToken, type TokenFailure } from './tokens.js';

export { mockConfigSchema, type MockConfig, type MockUser } from './config.js';
export { completeMockLogin } from './idp.js';
export { renderMockLogin } from './page.js';

/** Longer hints are dropped rather than refused: a hint is only a convenience. */
const MAX_LOGIN_HINT = 512;

const REFUSAL_CODES: Readonly<Record<TokenFailure, string>> = {
  malformed: 'mock_assertion_malformed',
  signature_invalid: 'mock_signature_invalid',
  expired: 'mock_assertion_expired',
};

function reject(code: string, detail: string): never {
  throw new UpstreamRejected('The mock identity provider response was rejected.', { code, detail });
}

function open(config: MockConfig, deps: ConnectorDeps): OidcConnector {
  const base = deps.publicUrl.replace(/\/+$/, '');
  return {
    protocol: 'oidc',

    async createLoginRequest({ state, callbackUrl, loginHint }) {
      const nonce = randomBytes(16).toString('base64url');
      const exp = epochSeconds(deps.clock()) + REQUEST_LIFETIME_SECONDS;
      const hint = loginHint !== undefined && loginHint.length <= MAX_LOGIN_HINT ? { login_hint: loginHint } : {};
      const token = signToken('request', { state, callback: callbackUrl, nonce, ...hint, exp }, config.signing_secret);
      return {
        redirect: { kind: 'redirect', url: `${base}/mock-idp/login?${new URLSearchParams({ request: token })}` },
        stash: { nonce },
      };
    },

    async handleCallback({ stash, params, callbackUrl, now }: OidcCallbackInput): Promise<UpstreamIdentity> {
      if (typeof stash.nonce !== 'string') throw new TypeError('mock connector: stash has no nonce');
      const token = params.assertion;
      if (token === undefined || token === '') reject('mock_assertion_malformed', 'callback has no assertion parameter');
      const verified = verifyToken('assertion', token, config.signing_secret, now);
      if (!verified.ok) reject(REFUSAL_CODES[verified.reason], verified.detail);
      const parsed = assertionClaims.safeParse(verified.claims);
      if (!parsed.success) reject('mock_assertion_malformed', `assertion claims have the wrong shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      const claims = parsed.data;
      if (!safeEqual(claims.nonce, stash.nonce)) reject('mock_nonce_mismatch', 'assertion nonce differs from the one this login attempt sent');
      if (claims.aud !== callbackUrl) reject('mock_audience_mismatch', `assertion was issued for ${claims.aud}, not ${callbackUrl}`);
      return {
        idpId: claims.sub,
        email: claims.email,
        emailVerified: claims.email_verified,
        firstName: claims.given_name,
        lastName: claims.family_name,
        name: claims.name,
        groups: claims.groups,
        roles: [],
        amr: ['mock'],
        rawAttributes: verified.claims,
      };
    },
  };
}

export const mockConnectorType: ConnectorType<MockConfig, OidcConnector> = {
  type: 'mock',
  protocol: 'oidc',
  configSchema: mockConfigSchema,
  secretFields: ['signing_secret'],
  open,
};
