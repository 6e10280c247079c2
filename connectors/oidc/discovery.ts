// Resolving an issuer: OpenID Connect discovery through the outbound guard (openid-client checks
// that the document names the issuer it was fetched for). Run on save and by the periodic refresh,
// never per login.
import * as client from 'openid-client';
import { InvalidRequest } from '../../src/errors.js';
import type { GatewayDeps, OutboundFetch } from '../../src/sso/connector.js';
import { ID_TOKEN_ALGORITHMS, type Discovered, type OidcConfig } from './config.js';

const invalid = (path: string, message: string, cause?: unknown) =>
  new InvalidRequest(`Invalid connection config: ${path} ${message}`, { code: 'invalid_oidc_config', issues: [{ path: `config.${path}`, message }], cause });

/** openid-client's fetch hook over the guarded fetch. */
export function clientFetch(fetch: OutboundFetch): client.CustomFetch {
  return (url, options) => {
    const headers = Object.fromEntries(new Headers(options.headers as HeadersInit).entries());
    const body = typeof options.body === 'string' ? options.body : options.body instanceof URLSearchParams ? options.body.toString() : undefined;
    return fetch(url, { method: options.method, headers, ...(body === undefined ? {} : { body }) });
  };
}

export function fetchOptions(deps: Pick<GatewayDeps, 'fetch' | 'allowInsecureOutbound'>) {
  if (!deps.fetch) throw new TypeError('oidc connector: needs the outbound fetch');
  return { [client.customFetch]: clientFetch(deps.fetch), execute: deps.allowInsecureOutbound ? [client.allowInsecureRequests] : [] };
}

export async function discover(config: OidcConfig, deps: GatewayDeps): Promise<Discovered> {
  const found = await client.discovery(new URL(config.issuer), config.client_id, undefined, undefined, fetchOptions(deps)).catch((cause: unknown) => {
    throw invalid('issuer', `could not be discovered: ${cause instanceof Error ? cause.message : 'network error'}`, cause);
  });
  const m = found.serverMetadata();
  if (!m.authorization_endpoint || !m.token_endpoint || !m.jwks_uri) throw invalid('issuer', 'publishes no authorization, token or JWKS endpoint');
  if (m.response_types_supported && !m.response_types_supported.includes('code')) throw invalid('issuer', 'does not support the authorization code flow');
  if (m.id_token_signing_alg_values_supported && !m.id_token_signing_alg_values_supported.includes(config.id_token_signed_response_alg)) {
    const offered = m.id_token_signing_alg_values_supported.filter((a) => (ID_TOKEN_ALGORITHMS as readonly string[]).includes(a));
    throw invalid('id_token_signed_response_alg', `${config.id_token_signed_response_alg} is not offered by the issuer (it offers ${offered.join(', ') || 'none we accept'})`);
  }
  return {
    issuer: m.issuer,
    authorization_endpoint: m.authorization_endpoint,
    token_endpoint: m.token_endpoint,
    jwks_uri: m.jwks_uri,
    ...(m.userinfo_endpoint ? { userinfo_endpoint: m.userinfo_endpoint } : {}),
    ...(m.authorization_response_iss_parameter_supported !== undefined ? { authorization_response_iss_parameter_supported: m.authorization_response_iss_parameter_supported } : {}),
    ...(m.id_token_signing_alg_values_supported ? { id_token_signing_alg_values_supported: m.id_token_signing_alg_values_supported.slice(0, 30) } : {}),
    fetched_at: deps.clock().toISOString(),
  };
}

export async function prepareOidcConfig(config: OidcConfig, previous: OidcConfig | undefined, deps: GatewayDeps, options: { refresh: boolean }): Promise<OidcConfig> {
  if (!config.client_secret) throw invalid('client_secret', `is required for ${config.token_endpoint_auth_method}`);
  const unchanged = previous?.discovered && previous.issuer === config.issuer && previous.id_token_signed_response_alg === config.id_token_signed_response_alg;
  const { discovered: _ignored, ...input } = config;
  return { ...input, discovered: unchanged && !options.refresh ? previous.discovered! : await discover(config, deps) };
}
