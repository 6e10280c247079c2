// The upstream OIDC connection config refuses what would weaken or break a login.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { clientJwk } from '../../connectors/oidc/client-auth.js';
import { oidcConfigSchema } from '../../connectors/oidc/index.js';
import { generateOwnedKeyPair } from '../../connectors/shared/self-signed.js';

const base = { issuer: 'https://login.acme.test', client_id: 'gatehouse', client_secret: 's3cret' };
const issuesOf = (input: unknown) => {
  const parsed = oidcConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('oidc connection config', () => {
  it('defaults to openid email profile, RS256 and client_secret_basic', () => {
    const config = oidcConfigSchema.parse(base);
    assert.deepEqual(config.scopes, ['openid', 'email', 'profile']);
    assert.equal(config.id_token_signed_response_alg, 'RS256');
    assert.equal(config.token_endpoint_auth_method, 'client_secret_basic');
  });

  it('refuses scopes without openid, alg none or HMAC, reserved authorize params, unknown fields', () => {
    assert.match(issuesOf({ ...base, scopes: ['email'] }).join(), /must include openid/);
    assert.ok(issuesOf({ ...base, id_token_signed_response_alg: 'none' }).length > 0);
    assert.ok(issuesOf({ ...base, id_token_signed_response_alg: 'HS256' }).length > 0);
    assert.match(issuesOf({ ...base, authorization_params: { nonce: 'fixed' } }).join(), /must not set/);
    assert.match(issuesOf({ ...base, authorization_params: { redirect_uri: 'https://evil.test' } }).join(), /must not set/);
    assert.ok(issuesOf({ ...base, clientSecret: 'typo' }).length > 0);
    assert.deepEqual(issuesOf({ ...base, authorization_params: { prompt: 'select_account', domain_hint: 'acme.test' } }), []);
  });

  it('refuses an issuer that is not an absolute http(s) URL', () => {
    assert.ok(issuesOf({ ...base, issuer: 'login.acme.test' }).length > 0);
    assert.ok(issuesOf({ ...base, issuer: 'javascript:alert(1)' }).length > 0);
  });
});

describe('oidc connection options', () => {
  it('takes a tenant id only as a GUID, stored lower case', () => {
    assert.equal(oidcConfigSchema.parse({ ...base, tenant_id: ' 0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0 ' }).tenant_id, '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    assert.match(issuesOf({ ...base, tenant_id: 'contoso.onmicrosoft.com' }).join(), /tenant id/);
  });

  it('defaults to ignoring groups overage against the public Graph, and never requiring hd', () => {
    const config = oidcConfigSchema.parse(base);
    assert.equal(config.groups_overage, 'ignore');
    assert.equal(config.graph_endpoint, 'https://graph.microsoft.com');
    assert.equal(config.require_hosted_domain, false);
  });

  it('wants all three static endpoints when it takes any', () => {
    assert.ok(issuesOf({ ...base, endpoints: { authorization_endpoint: 'https://login.acme.test/auth' } }).length >= 2);
  });

  it('names the client key by its RFC 7638 thumbprint', async () => {
    const pair = generateOwnedKeyPair('test', new Date());
    const jwk = clientJwk(pair.private_key);
    assert.equal(jwk.kid, await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e }));
    assert.equal('d' in jwk, false);
  });
});
