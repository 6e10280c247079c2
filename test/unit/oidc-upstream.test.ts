// Proves the test upstream OpenID Provider itself is right, with openid-client as an independent
// relying party: code + PKCE + nonce + state logins with RFC 9207 iss, the claims in the ID token
// and at userinfo, key rotation, refusals, each tamper hook's token refused (or, where
// openid-client cannot see the damage, shown with jose), and codes refused when replayed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { Browser } from '../support/browser.js';
import { startUpstreamIdp, tamper, type IdTokenTamper, type UpstreamIdp } from '../support/oidc-upstream.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const SECRET = 'rp-secret-0123456789-abcdefghijklmnop';
const ADA = { email: 'ada@acme.test', email_verified: true, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', groups: ['eng', 'admins'], tid: 'tenant-a', oid: 'oid-ada', preferred_username: 'ada@acme.test' };
const BOB = { email: 'bob@acme.test', email_verified: false, groups: [], tid: 'tenant-a', oid: 'oid-bob', hd: 'acme.test' };

describe('test upstream OpenID Provider', () => {
  let upstream: UpstreamIdp;
  let rp: oidc.Configuration;
  let keyJwt: { privateKey: CryptoKey };

  before(async () => {
    const pair = await generateKeyPair('RS256');
    keyJwt = { privateKey: pair.privateKey };
    upstream = await startUpstreamIdp({
      issuerPath: '/tenant-a/v2.0',
      clients: [
        { client_id: 'rp', client_secret: SECRET, redirect_uris: [REDIRECT] },
        { client_id: 'rp-post', client_secret: SECRET, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post' },
        { client_id: 'rp-jwt', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), alg: 'RS256', use: 'sig' }] } },
      ],
      accounts: { ada: ADA, bob: BOB },
      loginAs: 'ada',
    });
    rp = await discover('rp');
  });
  after(() => upstream?.close());

  function discover(clientId: string, auth?: oidc.ClientAuth) {
    return oidc.discovery(new URL(upstream.issuer), clientId, clientId === 'rp-jwt' ? undefined : SECRET, auth, { execute: [oidc.allowInsecureRequests] });
  }

  /** One login at the upstream up to the callback URL, with everything an RP must check later. */
  async function login(config = rp, browser = new Browser()) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const callback = await upstream.login(url.href, browser);
    return { callback, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true } };
  }

  async function loginAndExchange(config = rp) {
    const { callback, checks } = await login(config);
    return oidc.authorizationCodeGrant(config, callback, checks);
  }

  async function withTamper<T>(hook: IdTokenTamper, run: () => Promise<T>): Promise<T> {
    upstream.tamperIdToken = hook;
    try {
      return await run();
    } finally {
      upstream.tamperIdToken = undefined;
    }
  }

  /** openid-client wraps oauth4webapi's reason in `cause`. */
  const causedBy = (pattern: RegExp) => (err: unknown) => {
    for (let e = err; e instanceof Error; e = e.cause) if (pattern.test(e.message)) return true;
    return false;
  };

  const verifyWithJwks = (token: string) => jwtVerify(token, createRemoteJWKSet(new URL(upstream.jwksUri)), { issuer: upstream.issuer, audience: 'rp' });

  it('publishes an Entra-like issuer path, S256 only, code only, and the iss response parameter', async () => {
    assert.match(upstream.issuer, /^http:\/\/127\.0\.0\.1:\d+\/tenant-a\/v2\.0$/);
    const metadata = rp.serverMetadata();
    assert.equal(metadata.issuer, upstream.issuer);
    assert.equal(metadata.jwks_uri, upstream.jwksUri);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    assert.equal(metadata.token_endpoint, `${upstream.issuer}/token`);
    assert.equal((await fetch(upstream.discoveryUrl)).status, 200);
    const jwks = (await (await fetch(upstream.jwksUri)).json()) as { keys: Array<{ kid: string; d?: string }> };
    assert.deepEqual(jwks.keys.map((k) => k.kid), upstream.kids);
    assert.equal(jwks.keys.length, 2);
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'public keys only');
    assert.equal((await fetch(`${new URL(upstream.issuer).origin}/.well-known/openid-configuration`)).status, 404, 'nothing outside the issuer path');
  });

  it('a full code + PKCE + nonce + state login: iss on the callback, claims in the ID token and at userinfo', async () => {
    const { callback, checks } = await login();
    assert.equal(callback.searchParams.get('iss'), upstream.issuer);
    assert.ok(callback.searchParams.get('code'));
    assert.deepEqual(upstream.interactions.slice(-2).map((i) => [i.prompt, i.outcome, i.accountId]), [['login', 'login', 'ada'], ['consent', 'consent', 'ada']]);
    assert.equal(upstream.interactions.at(-1)?.params.nonce, checks.expectedNonce);
    assert.equal(upstream.interactions.at(-1)?.params.code_challenge_method, 'S256');
    const tokens = await oidc.authorizationCodeGrant(rp, callback, checks);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, 'ada');
    assert.equal(claims.email, 'ada@acme.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.given_name, 'Ada');
    assert.deepEqual(claims.groups, ['eng', 'admins']);
    assert.equal(claims.tid, 'tenant-a');
    assert.equal(claims.oid, 'oid-ada');
    assert.equal(decodeProtectedHeader(tokens.id_token!).kid, upstream.signingKid);
    await verifyWithJwks(tokens.id_token!);
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, 'ada');
    assert.equal(userinfo.email, 'ada@acme.test');
    assert.deepEqual(userinfo.groups, ['eng', 'admins']);
    assert.equal(userinfo.tid, 'tenant-a');
    assert.equal(userinfo.preferred_username, 'ada@acme.test');
    assert.equal(upstream.tokenRequests.at(-1)?.status, 200);
  });

  it('client_secret_post and private_key_jwt clients log in too', async () => {
    const post = await discover('rp-post', oidc.ClientSecretPost(SECRET));
    assert.equal((await loginAndExchange(post)).claims()?.aud, 'rp-post');
    const jwt = await discover('rp-jwt', oidc.PrivateKeyJwt(keyJwt.privateKey));
    assert.equal((await loginAndExchange(jwt)).claims()?.aud, 'rp-jwt');
  });

  it('requires PKCE', async () => {
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    const callback = await upstream.login(url.href);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.match(callback.searchParams.get('error_description') ?? '', /PKCE/);
  });

  it('loginAs switches the user, even for a browser that has a session', async () => {
    const browser = new Browser();
    const first = await login(rp, browser);
    assert.equal((await oidc.authorizationCodeGrant(rp, first.callback, first.checks)).claims()?.sub, 'ada');
    upstream.loginAs = 'bob';
    try {
      const second = await login(rp, browser);
      const claims = (await oidc.authorizationCodeGrant(rp, second.callback, second.checks)).claims()!;
      assert.equal(claims.sub, 'bob');
      assert.equal(claims.hd, 'acme.test');
      assert.deepEqual(claims.groups, []);
    } finally {
      upstream.loginAs = 'ada';
    }
  });

  it('denyNext ends the next interaction with access_denied, once', async () => {
    upstream.denyNext = 'access_denied';
    const { callback, checks } = await login();
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('error_description'), 'The user declined');
    assert.equal(callback.searchParams.get('iss'), upstream.issuer);
    assert.equal(callback.searchParams.get('state'), checks.expectedState);
    await assert.rejects(oidc.authorizationCodeGrant(rp, callback, checks), (err: Error & { error?: string }) => err.error === 'access_denied');
    assert.equal(upstream.denyNext, undefined);
    assert.ok((await login()).callback.searchParams.get('code'), 'the login after that succeeds');
  });

  it('rotateKeys: a new kid signs, the old stays published, sessions and codes survive; dropOldKeys keeps the newest', async () => {
    const before = upstream.kids;
    const browser = new Browser();
    const pending = await login(rp, browser);
    const kid = await upstream.rotateKeys();
    assert.notEqual(kid, before[0]);
    assert.deepEqual(upstream.kids, [kid, ...before]);
    assert.equal(upstream.signingKid, kid);
    // A code issued before the rotation is redeemed after it, and signed with the new key.
    const redeemed = await oidc.authorizationCodeGrant(rp, pending.callback, pending.checks);
    assert.equal(decodeProtectedHeader(redeemed.id_token!).kid, kid);
    // The session and grant from before the rotation still count: no new interaction.
    const interactions = upstream.interactions.length;
    const again = await login(rp, browser);
    assert.equal(upstream.interactions.length, interactions);
    const tokens = await oidc.authorizationCodeGrant(rp, again.callback, again.checks);
    assert.equal(decodeProtectedHeader(tokens.id_token!).kid, kid);
    await verifyWithJwks(tokens.id_token!);
    const strict = await discover('rp');
    oidc.enableNonRepudiationChecks(strict);
    assert.equal((await loginAndExchange(strict)).claims()?.sub, 'ada', 'signature verified against the JWKS by openid-client');
    await upstream.dropOldKeys();
    assert.deepEqual(upstream.kids, [kid]);
    const jwks = (await (await fetch(upstream.jwksUri)).json()) as { keys: Array<{ kid: string }> };
    assert.deepEqual(jwks.keys.map((k) => k.kid), [kid]);
  });

  const refused: Array<[string, () => IdTokenTamper, RegExp]> = [
    ['expired', () => tamper.expired(), /"exp" \(expiration time\) claim value, expiration is past/],
    ['wrong issuer', () => tamper.wrongIssuer(), /unexpected JWT "iss"/],
    ['wrong audience', () => tamper.wrongAudience(), /unexpected JWT "aud"/],
    ['nonce mismatch', () => tamper.nonce('not-the-nonce'), /unexpected ID Token "nonce"/],
    ['nonce removed', () => tamper.nonce(undefined), /"nonce" \(nonce\) claim missing/],
    ['alg none', () => tamper.algNone(), /unexpected JWT "alg" header parameter/],
    ['sub removed', () => tamper.claims({ sub: undefined }), /"sub" \(subject\) claim missing/],
  ];
  for (const [name, hook, message] of refused) {
    it(`tamper ${name}: openid-client refuses the ID token`, async () => {
      await withTamper(hook(), async () => {
        const { callback, checks } = await login();
        await assert.rejects(oidc.authorizationCodeGrant(rp, callback, checks), causedBy(message));
        const record = upstream.tokenRequests.at(-1)!;
        assert.equal(record.status, 200);
        assert.notEqual(record.idToken, record.originalIdToken);
      });
    });
  }

  it('tamper alg none: an unsecured JWT with an empty signature', async () => {
    await withTamper(tamper.algNone(), async () => {
      const { callback, checks } = await login();
      await assert.rejects(oidc.authorizationCodeGrant(rp, callback, checks));
    });
    const token = upstream.tokenRequests.at(-1)!.idToken!;
    assert.ok(token.endsWith('.'));
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'none' });
    assert.equal(decodeJwt(token).sub, 'ada');
  });

  it('tamper foreignKey: a signature only a JWKS check sees; refused with non-repudiation checks and by jose', async () => {
    await withTamper(tamper.foreignKey(), async () => {
      // openid-client trusts the token endpoint's TLS and does not verify signatures by default.
      const lax = await loginAndExchange();
      const token = lax.id_token!;
      assert.equal(decodeProtectedHeader(token).kid, upstream.signingKid, 'same kid as the real key');
      await assert.rejects(verifyWithJwks(token), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
      const strict = await discover('rp');
      oidc.enableNonRepudiationChecks(strict);
      await assert.rejects(loginAndExchange(strict));
    });
    await withTamper(tamper.foreignKey('new'), async () => {
      const token = (await loginAndExchange()).id_token!;
      assert.ok(!upstream.kids.includes(decodeProtectedHeader(token).kid!));
      await assert.rejects(verifyWithJwks(token), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    });
  });

  it('tamper claims: a patched claim re-signed with the real key is a valid token', async () => {
    await withTamper(tamper.claims({ email: 'mallory@evil.test', groups: ['admins'] }), async () => {
      const tokens = await loginAndExchange();
      assert.equal(tokens.claims()?.email, 'mallory@evil.test');
      const { payload } = await verifyWithJwks(tokens.id_token!);
      assert.deepEqual(payload.groups, ['admins']);
    });
  });

  it('a code used twice is refused by the upstream', async () => {
    const { callback, checks } = await login();
    await oidc.authorizationCodeGrant(rp, callback, checks);
    const count = upstream.tokenRequests.length;
    await assert.rejects(oidc.authorizationCodeGrant(rp, callback, checks), (err: Error & { error?: string }) => err.error === 'invalid_grant');
    assert.equal(upstream.tokenRequests.length, count + 1);
    const record = upstream.tokenRequests.at(-1)!;
    assert.equal(record.status, 400);
    assert.equal(record.error, 'invalid_grant');
    assert.match(record.errorDescription ?? '', /grant request is invalid/);
  });
});
