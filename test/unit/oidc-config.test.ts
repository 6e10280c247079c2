// The upstream OIDC connection config refuses what would weaken or break a login.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oidcConfigSchema } from '../../connectors/oidc/index.js';

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
