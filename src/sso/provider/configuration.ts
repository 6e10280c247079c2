// How Gatehouse behaves as an OpenID Provider: code flow with PKCE (S256) only, ID tokens signed
// RS256 (ES256 on request), refresh tokens rotated, RP-initiated logout, revocation and
// introspection; everything stored in Postgres. Paths are the public contract in ARCHITECTURE.md.
import { hkdfSync } from 'node:crypto';
import type { Configuration, FindAccount, JWK, KoaContextWithOIDC, ErrorOut } from 'oidc-provider';

export const PROVIDER_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  jwks: '/oauth/jwks',
  end_session: '/oauth/logout',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
} as const;

export const INTERACTION_PATH = '/sso/interactions';

/** Routing hints a product may send to /oauth/authorize (see the SP-initiated login flow). */
export const ROUTING_PARAMS = ['organization', 'connection', 'domain_hint'] as const;

/** The pages oidc-provider shows, rendered by the http layer (which sso/ must not import). */
export interface ProviderViews {
  error(status: number, message: string, requestId: string): string;
  logout(form: string): string;
  signedOut(): string;
}

export interface ProviderConfigInput {
  views: ProviderViews;
  encryptionKey: Buffer;
  signingKeys: JWK[];
  findAccount: FindAccount;
  adapter: Configuration['adapter'];
}

/** Cookie-signing keys every node derives alike from the one encryption key. */
function cookieKeys(encryptionKey: Buffer): string[] {
  return [Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'gatehouse oidc-provider cookies', 32)).toString('base64url')];
}

export function providerConfiguration(input: ProviderConfigInput): Configuration {
  return {
    adapter: input.adapter,
    findAccount: input.findAccount,
    jwks: { keys: input.signingKeys },
    cookies: { keys: cookieKeys(input.encryptionKey) },
    routes: PROVIDER_ROUTES,
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    responseTypes: ['code'],
    pkce: { required: () => true },
    extraParams: [...ROUTING_PARAMS],
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub', 'org_id', 'connection_id', 'connection_type', 'idp_id'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups'],
    },
    extraClientMetadata: { properties: ['urn:gatehouse:organization_id'] },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // HMAC algorithms would key on client_secret, which Gatehouse does not keep.
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Ask before ending the session: a link alone must not sign anyone out.
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = input.views.logout(form);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = input.views.signedOut();
        },
      },
      claimsParameter: { enabled: false },
    },
    // Products read the identity from the ID token as well as from userinfo.
    conformIdTokenClaims: false,
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 14 * 86_400,
      RefreshToken: 14 * 86_400,
    },
    renderError: async (ctx: KoaContextWithOIDC, out: ErrorOut) => {
      ctx.type = 'html';
      const message = `${out.error_description ?? out.error} (${out.error})`;
      ctx.body = input.views.error(ctx.status, message, String(ctx.get('x-request-id') || 'n/a'));
    },
  };
}
