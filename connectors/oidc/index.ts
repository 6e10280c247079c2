// The upstream OpenID Connect connector kind (Entra ID, Okta, Google, any OpenID Provider) over
// openid-client 6: authorization code with PKCE S256, state and nonce on every login, the ID token
// checked including its signature against the issuer's JWKS (openid-client skips that for
// token-endpoint ID tokens unless told), an algorithm allow-list, and RFC 9207 `iss` when sent.
import * as client from 'openid-client';
import { UpstreamRejected } from '../../src/errors.js';
import type { ConnectorDeps, ConnectorType, OidcCallbackInput, OidcConnector, UpstreamIdentity } from '../../src/sso/connector.js';
import { OIDC_SECRET_FIELDS, oidcConfigSchema, type OidcConfig, type ReadyOidcConfig } from './config.js';
import { fetchOptions, prepareOidcConfig } from './discovery.js';
import { translate } from './failures.js';

export { oidcConfigSchema, type OidcConfig } from './config.js';

/** A per-login Configuration: cheap, offline (metadata comes from the stored discovery). */
function configuration(config: ReadyOidcConfig, deps: ConnectorDeps, now: Date): client.Configuration {
  const secret = config.client_secret ?? '';
  const auth = config.token_endpoint_auth_method === 'client_secret_post' ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
  const metadata = {
    id_token_signed_response_alg: config.id_token_signed_response_alg,
    // Protocol checks run on the injected clock.
    [client.clockSkew]: Math.round((now.getTime() - Date.now()) / 1000),
  };
  const built = new client.Configuration(config.discovered as client.ServerMetadata, config.client_id, metadata, auth);
  const options = fetchOptions(deps);
  built[client.customFetch] = options[client.customFetch];
  for (const run of options.execute) run(built);
  client.enableNonRepudiationChecks(built);
  return built;
}

const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function identityFrom(claims: Record<string, unknown>): UpstreamIdentity {
  const sub = text(claims.sub);
  if (!sub) throw new UpstreamRejected('The response from your identity provider could not be accepted.', { code: 'oidc_id_token_invalid', detail: 'no sub claim' });
  return {
    idpId: sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true,
    firstName: text(claims.given_name),
    lastName: text(claims.family_name),
    name: text(claims.name),
    groups: list(claims.groups),
    roles: list(claims.roles),
    amr: list(claims.amr),
    authnContext: text(claims.acr),
    rawAttributes: claims,
  };
}

function open(raw: OidcConfig, deps: ConnectorDeps): OidcConnector {
  if (!raw.discovered) throw new UpstreamRejected('This sign-in connection is not fully configured.', { code: 'oidc_connection_incomplete' });
  const config = raw as ReadyOidcConfig;
  return {
    protocol: 'oidc',

    async createLoginRequest({ state, callbackUrl, loginHint }) {
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(configuration(config, deps, deps.clock()), {
        ...config.authorization_params,
        redirect_uri: callbackUrl,
        scope: config.scopes.join(' '),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...(loginHint && loginHint.length <= 512 ? { login_hint: loginHint } : {}),
      });
      return { redirect: { kind: 'redirect', url: url.href }, stash: { code_verifier: verifier, nonce, state } };
    },

    async handleCallback({ stash, params, callbackUrl, now }: OidcCallbackInput): Promise<UpstreamIdentity> {
      const { code_verifier, nonce, state } = stash;
      if (typeof code_verifier !== 'string' || typeof nonce !== 'string' || typeof state !== 'string') throw new TypeError('oidc connector: incomplete stash');
      const current = new URL(callbackUrl);
      for (const [k, v] of Object.entries(params)) current.searchParams.set(k, v);
      try {
        const live = configuration(config, deps, now);
        const tokens = await client.authorizationCodeGrant(live, current, { pkceCodeVerifier: code_verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
        const claims = tokens.claims() as Record<string, unknown> | undefined;
        if (!claims) throw new UpstreamRejected('The response from your identity provider could not be accepted.', { code: 'oidc_id_token_invalid', detail: 'no ID token' });
        const userinfo = config.fetch_userinfo ? await client.fetchUserInfo(live, tokens.access_token, String(claims.sub)) : {};
        // The signed ID token wins over userinfo where both speak.
        return identityFrom({ ...userinfo, ...claims });
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

export const oidcConnectorType: ConnectorType<OidcConfig, OidcConnector> = {
  type: 'oidc',
  protocol: 'oidc',
  configSchema: oidcConfigSchema,
  secretFields: OIDC_SECRET_FIELDS,
  open,
  prepare: prepareOidcConfig,
  // The one redirect URI to register at the IdP: every OIDC connection shares the callback.
  describe: (_config, deps) => ({ redirect_uri: `${deps.publicUrl.replace(/\/+$/, '')}/oidc/callback` }),
};
