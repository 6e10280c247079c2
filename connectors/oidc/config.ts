// An upstream OIDC connection's config: the admin gives the issuer and the client registered
// there; Gatehouse resolves the issuer's metadata (discovery) into `discovered` on every save and
// on the periodic refresh, so a login needs no discovery round trip.
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
  fetched_at: z.string().optional(),
});

export const oidcConfigSchema = z.strictObject({
  issuer: url,
  client_id: text(512),
  client_secret: z.string().min(1).max(1024).optional(),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
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

export const OIDC_SECRET_FIELDS = ['client_secret'] as const;
