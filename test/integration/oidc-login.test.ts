// End to end against a real upstream OpenID Provider (oidc-provider on 127.0.0.1): a product RP ->
// Gatehouse -> upstream -> /oidc/callback -> code -> tokens, with PKCE, nonce, userinfo and key
// rotation at the upstream; then each way the upstream's answer can be wrong, refused and audited.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import request from 'supertest';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { cliContext } from '../../src/admin/context.js';
import { buildSso } from '../../src/cli/sso.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { Browser } from '../support/browser.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startUpstreamIdp, tamper, type UpstreamIdp } from '../support/oidc-upstream.js';
import { requires } from '../support/services.js';

const REDIRECT = 'http://localhost:4000/callback';

describe('upstream OIDC login end to end', await requires('postgres'), () => {
  let gw: TestGateway;
  let server: Server;
  let url: string;
  let upstream: UpstreamIdp;
  let app: ReturnType<typeof createApp>;
  let rp: oidc.Configuration;
  let orgId: string;
  let connectionId: string;

  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gw = await startTestGateway('oidc', { PUBLIC_URL: url, GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true' });
    upstream = await startUpstreamIdp({
      clients: [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789-abcdefghij', redirect_uris: [`${url}/oidc/callback`] }],
      accounts: { ada: { email: 'ada@acme.test', email_verified: true, given_name: 'Ada', family_name: 'Lovelace', groups: ['eng', 'admins'] } },
      loginAs: 'ada',
    });
    const logger = createLogger('silent');
    const sso = await buildSso({ config: gw.config, logger, store: gw.store, applications: gw.services.applications, registry: connectorTypes, presets: idpPresets, secretBox: createSecretBox(gw.config.security.encryptionKey!), encryptionKey: gw.config.security.encryptionKey! });
    const services = gw.services;
    app = createApp({ config: gw.config, logger, services, readiness: [], openIdProvider: sso.oidc.handler, routers: sso.routers });
    server.on('request', app);
    orgId = (await services.organizations.create(cliContext(), { name: 'Acme', domains: ['acme.test'] })).id;
    const created = await request(app)
      .post(`/api/v1/organizations/${orgId}/connections`)
      .set(bearer(gw.rootKey))
      .send({ type: 'oidc', name: 'Acme OIDC', status: 'active', oidc: { issuer: upstream.issuer, client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789-abcdefghij', fetch_userinfo: true } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    connectionId = created.body.id;
    assert.equal(created.body.oidc.client_secret, '********');
    assert.equal(created.body.oidc.discovered.issuer, upstream.issuer);
    assert.equal(created.body.oidc.redirect_uri, `${url}/oidc/callback`);
    const product = await services.applications.create(cliContext(), { name: 'Product', redirect_uris: [REDIRECT] });
    rp = await oidc.discovery(new URL(url), product.application.clientId, product.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    await upstream?.close().catch(() => undefined);
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await gw?.close();
  });

  /** Product authorize -> Gatehouse -> upstream login -> the /oidc/callback URL. */
  async function toCallback(browser = new Browser()) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const start = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: 'openid email profile groups', state, connection: connectionId, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const atUpstream = await browser.follow(start.href, (u) => u.origin === new URL(upstream.issuer).origin);
    const authorize = atUpstream.url;
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('nonce'), 'nonce sent');
    // The upstream gets a browser of its own: the test's cookie jar ignores hosts, and both
    // providers name their cookies alike.
    const callback = await upstream.login(authorize.href);
    return { browser, callback, verifier, state };
  }

  async function lastFailure() {
    const page = await gw.services.auditLogs.list(cliContext(), { limit: 200, organizationId: orgId });
    return page.data.filter((e) => e.action === 'login.failed' && e.targetId === connectionId).at(-1)?.metadata;
  }

  test('a full login: PKCE, nonce, iss, userinfo -> code -> tokens with the upstream identity', async () => {
    const { browser, callback, verifier, state } = await toCallback();
    assert.ok(callback.searchParams.get('iss'), 'RFC 9207 iss sent by the upstream');
    const back = await browser.follow(callback.href, (u) => u.href.startsWith(REDIRECT));
    assert.ok(back.url.href.startsWith(REDIRECT), `ended at ${back.url.href}`);
    const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.claims()?.email, 'ada@acme.test');
    assert.deepEqual(tokens.claims()?.groups, ['eng', 'admins']);
  });

  test('key rotation at the upstream mid-test: the next login verifies against the new key', async () => {
    await upstream.rotateKeys();
    const { browser, callback } = await toCallback();
    const back = await browser.follow(callback.href, (u) => u.href.startsWith(REDIRECT));
    assert.ok(back.url.searchParams.get('code'), `ended at ${back.url.href}`);
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

  test('refused: the upstream unreachable at the token endpoint', async () => {
    const { browser, callback } = await toCallback();
    // Last test: the upstream stays down.
    await upstream.close();
    assert.equal((await browser.get(callback.href)).status, 401);
    assert.equal((await lastFailure())?.reason, 'oidc_upstream_unreachable');
  });
});
