// An upstream OIDC connection's config: the admin gives the issuer and the client registered
// there; Gatehouse resolves the issuer's metadata (discovery, or the static `endpoints` given)
// into `discovered` on every save and on the periodic refresh, so a login needs no discovery round
// trip. For private_key_jwt Gatehouse owns the client key pair, like a SAML connection's SP keys.
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const url = text(2048).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http(s) URL');

/** Never `none`, never HMAC (the client secret is not a signing key we accept ID tokens under). */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** Parameters Gatehouse sets itself on every authorize request; an admin may not override them. */
export const RESERVED_AUTHORIZE_PARAMS = ['state', 'nonce', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'client_id', 'response_type', 'scope', 'response_mode', 'request', 'request_uri'];

export const discoveredSchema = z.strictObject({
  issuer: url,
  authorization_endpoint: url,
  token_endpoint: url,
  jwks_uri: url,
  userinfo_endpoint: url.optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
  id_token_signing_alg_values_supported: z.array(z.string().max(20)).max(30).optional(),
  /** `static` when built from `endpoints`, without a discovery request. */
  source: z.enum(['discovery', 'static']).optional(),
  fetched_at: z.string().optional(),
});

/** For an issuer without discovery: the endpoints by hand (the issuer still names the ID tokens' `iss`). */
export const endpointsSchema = z.strictObject({
  authorization_endpoint: url,
  token_endpoint: url,
  jwks_uri: url,
  userinfo_endpoint: url.optional(),
});

/** Entra's `{tenantid}` issuer template (the `common` and `organizations` endpoints). */
export const TENANT_TEMPLATE = '{tenantid}';

export const oidcConfigSchema = z.strictObject({
  issuer: url,
  endpoints: endpointsSchema.optional(),
  client_id: text(512),
  client_secret: z.string().min(1).max(1024).optional(),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).default('client_secret_basic'),
  /** Owned by Gatehouse (private_key_jwt): PKCS#8 PEM, sealed at rest. */
  client_private_key: z.string().max(8192).optional(),
  /** Owned by Gatehouse: the self-signed certificate of client_private_key, for IdPs that take a certificate (Entra). */
  client_certificate: z.string().max(8192).optional(),
  /** Entra tenant (directory) id: the ID token's `tid` must equal it; required with a `{tenantid}` issuer. */
  tenant_id: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a tenant id (a GUID)')
    .optional(),
  /** Google Workspace: the ID token's `hd` must be one of the organization's domains. */
  require_hosted_domain: z.boolean().default(false),
  /** Entra groups overage (too many groups for the token): ignore it, or read the groups from Microsoft Graph. */
  groups_overage: z.enum(['ignore', 'graph']).default('ignore'),
  /** Microsoft Graph's base URL (national clouds have their own). */
  graph_endpoint: url.default('https://graph.microsoft.com'),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'must be a scope token'))
    .max(30)
    .default(['openid', 'email', 'profile'])
    .refine((s) => s.includes('openid'), 'must include openid'),
  authorization_params: z
    .record(z.string().max(64), z.string().max(1024))
    .default({})
    .refine((p) => Object.keys(p).length <= 20, 'must hold at most 20 parameters')
    .refine((p) => !Object.keys(p).some((k) => RESERVED_AUTHORIZE_PARAMS.includes(k)), `must not set ${RESERVED_AUTHORIZE_PARAMS.join(', ')}`),
  id_token_signed_response_alg: z.enum(ID_TOKEN_ALGORITHMS).default('RS256'),
  /** Fetch userinfo after the token exchange and merge it under the ID token's claims. */
  fetch_userinfo: z.boolean().default(false),
  discovered: discoveredSchema.optional(),
});

export type OidcConfig = z.output<typeof oidcConfigSchema>;
export type Discovered = z.output<typeof discoveredSchema>;
export type ReadyOidcConfig = OidcConfig & { discovered: Discovered };

export const OIDC_SECRET_FIELDS = ['client_secret', 'client_private_key'] as const;
/** Fields Gatehouse generates; an admin never sets them. */
export const OIDC_OWNED_FIELDS = ['client_private_key', 'client_certificate'] as const;
