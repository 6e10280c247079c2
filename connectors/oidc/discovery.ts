// Resolving an issuer: OpenID Connect discovery through the outbound guard (openid-client checks
// that the document names the issuer it was fetched for; Entra's `{tenantid}` issuers are checked
// here). Run on save and by the periodic refresh, never per login.
import * as client from 'openid-client';
import { InvalidRequest } from '../../src/errors.js';
import type { GatewayDeps, OutboundFetch } from '../../src/sso/connector.js';
import { ID_TOKEN_ALGORITHMS, TENANT_TEMPLATE, type Discovered, type OidcConfig, type ReadyOidcConfig } from './config.js';

export const invalid = (path: string, message: string, cause?: unknown) =>
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

/** Entra's multi-tenant endpoints name the issuer `https://login.microsoftonline.com/{tenantid}/v2.0`. */
const isTemplate = (issuer: string) => issuer.includes(TENANT_TEMPLATE);

// With a tenant id the discovery document is fetched by its well-known URL (openid-client then
// skips its issuer comparison, which a `{tenantid}` issuer cannot pass) and compared here instead.
function checkDiscoveredIssuer(config: OidcConfig, discovered: string): void {
  if (isTemplate(discovered)) {
    if (!config.tenant_id) throw invalid('tenant_id', 'is required: this issuer serves many Entra tenants, and the connection must name its own');
    if (discovered.split('/').slice(0, 3).join('/') !== new URL(config.issuer).origin) throw invalid('issuer', `published a metadata issuer on another origin (${discovered})`);
  } else if (new URL(discovered).href !== new URL(config.issuer).href) {
    throw invalid('issuer', `published metadata for another issuer (${discovered})`);
  }
}

function explainDiscoveryFailure(cause: unknown): never {
  const body = (cause as { cause?: { body?: { issuer?: unknown } } }).cause?.body;
  if (typeof body?.issuer === 'string' && isTemplate(body.issuer)) throw invalid('tenant_id', 'is required: this issuer serves many Entra tenants, and the connection must name its own', cause);
  throw invalid('issuer', `could not be discovered: ${cause instanceof Error ? cause.message : 'network error'}`, cause);
}

export async function discover(config: OidcConfig, deps: GatewayDeps): Promise<Discovered> {
  const where = config.tenant_id ? new URL(`${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`) : new URL(config.issuer);
  const found = await client.discovery(where, config.client_id, undefined, undefined, fetchOptions(deps)).catch(explainDiscoveryFailure);
  const m = found.serverMetadata();
  if (config.tenant_id) checkDiscoveredIssuer(config, m.issuer);
  if (!m.authorization_endpoint || !m.token_endpoint || !m.jwks_uri) throw invalid('issuer', 'publishes no authorization, token or JWKS endpoint');
  if (m.response_types_supported && !m.response_types_supported.includes('code')) throw invalid('issuer', 'does not support the authorization code flow');
  if (m.id_token_signing_alg_values_supported && !m.id_token_signing_alg_values_supported.includes(config.id_token_signed_response_alg)) {
    const offered = m.id_token_signing_alg_values_supported.filter((a) => (ID_TOKEN_ALGORITHMS as readonly string[]).includes(a));
    throw invalid('id_token_signed_response_alg', `${config.id_token_signed_response_alg} is not offered by the issuer (it offers ${offered.join(', ') || 'none we accept'})`);
  }
  if (config.token_endpoint_auth_method === 'private_key_jwt' && m.token_endpoint_auth_methods_supported && !m.token_endpoint_auth_methods_supported.includes('private_key_jwt')) {
    throw invalid('token_endpoint_auth_method', 'private_key_jwt is not offered by the issuer');
  }
  return {
    issuer: m.issuer,
    authorization_endpoint: m.authorization_endpoint,
    token_endpoint: m.token_endpoint,
    jwks_uri: m.jwks_uri,
    ...(m.userinfo_endpoint ? { userinfo_endpoint: m.userinfo_endpoint } : {}),
    ...(m.authorization_response_iss_parameter_supported !== undefined ? { authorization_response_iss_parameter_supported: m.authorization_response_iss_parameter_supported } : {}),
    ...(m.id_token_signing_alg_values_supported ? { id_token_signing_alg_values_supported: m.id_token_signing_alg_values_supported.slice(0, 30) } : {}),
    source: 'discovery',
    fetched_at: deps.clock().toISOString(),
  };
}

/** The `iss` this connection's ID tokens must carry: the discovered issuer, with the tenant filled in. */
export function expectedIssuer(config: ReadyOidcConfig): string {
  return config.tenant_id ? config.discovered.issuer.replace(TENANT_TEMPLATE, config.tenant_id) : config.discovered.issuer;
}
