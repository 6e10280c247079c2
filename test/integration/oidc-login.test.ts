// End to end against a real upstream OpenID Provider (oidc-provider on 127.0.0.1): a product RP ->
// Gatehouse -> upstream -> /oidc/callback -> code -> tokens, with PKCE, nonce, userinfo and key
// rotation at the upstream; then each way the upstream's answer can be wrong, refused and audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startOidcHarness, type OidcHarness } from '../support/oidc-harness.js';
import { startUpstreamIdp, tamper, type UpstreamIdp } from '../support/oidc-upstream.js';
import { requires } from '../support/services.js';

describe('upstream OIDC login end to end', await requires('postgres'), () => {
  let h: OidcHarness;
  let upstream: UpstreamIdp;
  let connectionId: string;

  before(async () => {
    h = await startOidcHarness('oidc', ['acme.test']);
    upstream = await startUpstreamIdp({
      clients: [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789-abcdefghij', redirect_uris: [h.callbackUrl] }],
      accounts: { ada: { email: 'ada@acme.test', email_verified: true, given_name: 'Ada', family_name: 'Lovelace', groups: ['eng', 'admins'] } },
      loginAs: 'ada',
    });
    const created = await h.createConnection({ type: 'oidc', name: 'Acme OIDC', status: 'active', oidc: { issuer: upstream.issuer, client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789-abcdefghij', fetch_userinfo: true } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    connectionId = created.body.id;
    assert.equal(created.body.oidc.client_secret, '********');
    assert.equal(created.body.oidc.discovered.issuer, upstream.issuer);
    assert.equal(created.body.oidc.redirect_uri, h.callbackUrl);
  });
  after(async () => {
    await upstream?.close().catch(() => undefined);
    await h?.close();
  });

  const toCallback = () => h.toCallback(connectionId, upstream);
  const lastFailure = () => h.lastFailure(connectionId);

  test('a full login: PKCE, nonce, iss, userinfo -> code -> tokens with the upstream identity', async () => {
    const flow = await toCallback();
    assert.ok(flow.callback.searchParams.get('iss'), 'RFC 9207 iss sent by the upstream');
    const claims = await h.complete(flow);
    assert.equal(claims.email, 'ada@acme.test');
    assert.deepEqual(claims.groups, ['eng', 'admins']);
  });

  test('the issuer keys are fetched once, not per login', async () => {
    await h.complete(await toCallback());
    const fetched = upstream.jwksRequests;
    await h.complete(await toCallback());
    await h.complete(await toCallback());
    assert.equal(upstream.jwksRequests, fetched);
  });

  test('key rotation at the upstream mid-test: the next login verifies against the new key', async () => {
    const fetched = upstream.jwksRequests;
    await upstream.rotateKeys();
    // Signed with a key the kept JWKS lacks: that login fetches the keys at once.
    assert.equal((await h.complete(await toCallback())).email, 'ada@acme.test');
    assert.equal(upstream.jwksRequests, fetched + 1);
  });

  const refusals: Array<[string, () => void, string]> = [
    ['expired ID token', () => (upstream.tamperIdToken = tamper.expired()), 'oidc_id_token_invalid'],
    ['wrong issuer', () => (upstream.tamperIdToken = tamper.wrongIssuer()), 'oidc_issuer_mismatch'],
    ['wrong audience', () => (upstream.tamperIdToken = tamper.wrongAudience()), 'oidc_id_token_invalid'],
    ['nonce mismatch', () => (upstream.tamperIdToken = tamper.nonce('not-the-nonce')), 'oidc_nonce_mismatch'],
    ['missing nonce', () => (upstream.tamperIdToken = tamper.nonce(undefined)), 'oidc_nonce_mismatch'],
    ['key not in the JWKS', () => (upstream.tamperIdToken = tamper.foreignKey()), 'oidc_id_token_invalid'],
    ['alg none', () => (upstream.tamperIdToken = tamper.algNone()), 'oidc_id_token_invalid'],
  ];
  for (const [name, arrange, code] of refusals) {
    test(`refused: ${name}`, async () => {
      arrange();
      try {
        const { browser, callback } = await toCallback();
        const res = await browser.get(callback.href);
        assert.equal(res.status, 401, `${name}: ${res.status}`);
        assert.equal((await lastFailure())?.reason, code, JSON.stringify(await lastFailure()));
      } finally {
        upstream.tamperIdToken = undefined;
      }
    });
  }

  test('refused: the upstream says access_denied, shown with its reason on record', async () => {
    upstream.denyNext = 'access_denied';
    const { browser, callback } = await toCallback();
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal((await browser.get(callback.href)).status, 401);
    const failure = await lastFailure();
    assert.equal(failure?.reason, 'oidc_upstream_error');
    assert.match(String(failure?.detail), /access_denied/);
  });

  test('refused: a state that names no attempt, and a replayed callback', async () => {
    const { browser, callback } = await toCallback();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    assert.equal((await browser.get(forged.href)).status, 401);
    assert.equal((await browser.get(callback.href)).status, 303, 'the genuine callback still completes');
    assert.equal((await browser.get(callback.href)).status, 401, 'but only once');
  });

  test('refused: an RFC 9207 iss parameter naming another issuer (mix-up)', async () => {
    const { browser, callback } = await toCallback();
    const mixedUp = new URL(callback);
    mixedUp.searchParams.set('iss', 'https://attacker.example');
    assert.equal((await browser.get(mixedUp.href)).status, 401);
    assert.equal((await lastFailure())?.reason, 'oidc_issuer_mismatch', JSON.stringify(await lastFailure()));
  });

  test('refused: a used code injected into a fresh login (code replay) is refused by the upstream', async () => {
    const first = await toCallback();
    await h.complete(first);
    const second = await toCallback();
    const injected = new URL(second.callback);
    injected.searchParams.set('code', first.callback.searchParams.get('code')!);
    assert.equal((await second.browser.get(injected.href)).status, 401);
    const failure = await lastFailure();
    assert.equal(failure?.reason, 'oidc_upstream_error');
    assert.match(String(failure?.detail), /invalid_grant/);
    assert.equal(upstream.tokenRequests.at(-1)?.error, 'invalid_grant');
  });

  test('refused: the upstream unreachable at the token endpoint', async () => {
    const { browser, callback } = await toCallback();
    // Last test: the upstream stays down.
    await upstream.close();
    assert.equal((await browser.get(callback.href)).status, 401);
    assert.equal((await lastFailure())?.reason, 'oidc_upstream_unreachable');
  });
});
