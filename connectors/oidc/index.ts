// The upstream OpenID Connect connector kind (Entra ID, Okta, Google, any OpenID Provider) over
// openid-client 6: authorization code with PKCE S256, state and nonce on every login, the ID token
// checked including its signature against the issuer's JWKS (openid-client skips that for
// token-endpoint ID tokens unless told), an algorithm allow-list, and RFC 9207 `iss` when sent.
import * as client from 'openid-client';
import { UpstreamRejected } from '../../src/errors.js';
import type { ConnectorDeps, ConnectorType, OidcCallbackInput, OidcConnector, UpstreamIdentity } from '../../src/sso/connector.js';
import { clientAuthentication, clientJwk } from './client-auth.js';
import { OIDC_SECRET_FIELDS, oidcConfigSchema, type OidcConfig, type ReadyOidcConfig } from './config.js';
import { expectedIssuer, fetchOptions } from './discovery.js';
import { translate } from './failures.js';
import { groupsFromGraph, hasGroupsOverage } from './groups-overage.js';
import { checkHostedDomain, checkTenant, identityFrom } from './identity.js';
import { jwksMemory } from './jwks-memory.js';
import { prepareOidcConfig } from './prepare.js';

export { oidcConfigSchema, type OidcConfig } from './config.js';

/** A per-login Configuration: offline (metadata comes from the stored discovery); `keys`: the JWKS kept between logins. */
async function configuration(config: ReadyOidcConfig, deps: ConnectorDeps, now: Date, keys?: ReturnType<typeof jwksMemory>): Promise<client.Configuration> {
  const server = { ...config.discovered, issuer: expectedIssuer(config) } as client.ServerMetadata;
  const metadata = {
    id_token_signed_response_alg: config.id_token_signed_response_alg,
    // Protocol checks run on the injected clock.
    [client.clockSkew]: Math.round((now.getTime() - Date.now()) / 1000),
  };
  const built = new client.Configuration(server, config.client_id, metadata, await clientAuthentication(config, config.discovered.token_endpoint));
  const options = fetchOptions(deps);
  built[client.customFetch] = keys ? keys.attach(built, config.discovered.token_endpoint, options[client.customFetch]) : options[client.customFetch];
  for (const run of options.execute) run(built);
  client.enableNonRepudiationChecks(built);
  return built;
}

async function groupsOf(config: ReadyOidcConfig, claims: Record<string, unknown>, accessToken: string, deps: ConnectorDeps): Promise<string[] | undefined> {
  if (!hasGroupsOverage(claims)) return undefined;
  if (config.groups_overage === 'ignore') return [];
  return groupsFromGraph(config.graph_endpoint, accessToken, deps.fetch!);
}

async function checkedIdentity(config: ReadyOidcConfig, deps: ConnectorDeps, live: client.Configuration, tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): Promise<UpstreamIdentity> {
  const claims = tokens.claims() as Record<string, unknown> | undefined;
  if (!claims) throw new UpstreamRejected('The response from your identity provider could not be accepted.', { code: 'oidc_id_token_invalid', detail: 'no ID token' });
  checkTenant(config, claims);
  if (config.require_hosted_domain) checkHostedDomain(claims, deps.organizationDomains ? await deps.organizationDomains() : []);
  const userinfo = config.fetch_userinfo ? await client.fetchUserInfo(live, tokens.access_token, String(claims.sub)) : {};
  // The signed ID token wins over userinfo where both speak.
  const merged = { ...userinfo, ...claims };
  const groups = await groupsOf(config, merged, tokens.access_token, deps);
  return identityFrom(merged, groups);
}

function open(raw: OidcConfig, deps: ConnectorDeps): OidcConnector {
  if (!raw.discovered) throw new UpstreamRejected('This sign-in connection is not fully configured.', { code: 'oidc_connection_incomplete' });
  const config = raw as ReadyOidcConfig;
  const keys = jwksMemory();
  return {
    protocol: 'oidc',

    async createLoginRequest({ state, callbackUrl, loginHint }) {
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(await configuration(config, deps, deps.clock()), {
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
        const live = await configuration(config, deps, now, keys);
        const tokens = await client.authorizationCodeGrant(live, current, { pkceCodeVerifier: code_verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
        keys.keep(live);
        return await checkedIdentity(config, deps, live, tokens);
      } catch (error) {
        throw translate(error, config);
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
  describe: (config, deps) => ({
    // The one redirect URI to register at the IdP: every OIDC connection shares the callback.
    redirect_uri: `${deps.publicUrl.replace(/\/+$/, '')}/oidc/callback`,
    // private_key_jwt: the public key to register (a JWKS for Okta and most IdPs, the certificate for Entra).
    ...(config.client_private_key ? { client_jwks: { keys: [clientJwk(config.client_private_key)] } } : {}),
  }),
};
