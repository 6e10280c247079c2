// A product as a real openid-client RP: authorize -> routing -> mock IdP -> code -> tokens ->
// userinfo -> refresh, with the ID token verified against /oauth/jwks.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { completeMockLogin, renderMockLogin } from '../../connectors/mock/index.js';
import { cliContext } from '../../src/admin/context.js';
import { buildSso } from '../../src/cli/sso.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import request from 'supertest';
import { Browser, hiddenField } from '../support/browser.js';
import { bearer, startTestGateway, testEncryptionKey, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const REDIRECT = 'http://localhost:4000/callback';
const mockConfig = {
  users: [{ id: 'ada', email: 'Ada@Acme.test', first_name: 'Ada', last_name: 'Lovelace', groups: ['eng', 'admins'] }, { id: 'bob', email: 'bob@acme.test' }],
  signing_secret: 'mock-signing-secret-for-tests-0123456789',
};

describe('SP-initiated login through the mock connector', await requires('postgres'), () => {
  let gw: TestGateway;
  let server: Server;
  let issuer: string;
  let rp: oidc.Configuration;
  let orgId: string;
  let connectionId: string;
  let requests = 0;
  const served = [0, 0];

  before(async () => {
    gw = await startTestGateway('sso');
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig({ DATABASE_URL: gw.databaseUrl, GATEHOUSE_ENCRYPTION_KEY: testEncryptionKey, PUBLIC_URL: issuer, LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    // Two gateway instances on one Postgres behind a round-robin "load balancer": every hop of
    // every login below lands on the other instance from the one before.
    const instances: Array<ReturnType<typeof createApp>> = [];
    for (let i = 0; i < 2; i++) {
      const sso = await buildSso({
        config,
        logger,
        store: gw.store,
        applications: gw.services.applications,
        registry: connectorTypes,
        presets: idpPresets,
        secretBox: createSecretBox(config.security.encryptionKey!),
        encryptionKey: config.security.encryptionKey!,
        mockIdp: { type: connectorTypes.mock, render: renderMockLogin, complete: completeMockLogin },
      });
      instances.push(createApp({ config, logger, services: gw.services, readiness: [], openIdProvider: sso.oidc.handler, routers: sso.routers }));
    }
    server.on('request', (req, res) => {
      served[requests % 2]++;
      instances[requests++ % 2]!(req, res);
    });

    const ctx = cliContext();
    orgId = (await gw.services.organizations.create(ctx, { name: 'Acme', domains: ['acme.test'] })).id;
    connectionId = (await gw.services.connections.create(ctx, orgId, { type: 'mock', name: 'Acme mock', status: 'active', config: mockConfig })).connection.id;
    const { application, clientSecret } = await gw.services.applications.create(ctx, { name: 'Product', redirect_uris: [REDIRECT] });
    rp = await oidc.discovery(new URL(issuer), application.clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await gw?.close();
  });

  /** Runs the browser from the product's authorize URL to its redirect_uri; returns that URL. */
  async function login(extra: Record<string, string>, user = 'ada', client: oidc.Configuration = rp) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile groups offline_access',
      prompt: 'consent',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    });
    const browser = new Browser();
    const idp = await browser.follow(url.href, (u) => u.pathname === '/mock-idp/login');
    assert.equal(idp.url.pathname, '/mock-idp/login', 'routed to the mock IdP');
    const page = await (await browser.get(idp.url.href)).text();
    assert.match(page, /Ada@Acme\.test/);
    const submitted = await browser.post(`${issuer}/mock-idp/login`, { request: hiddenField(page, 'request'), user });
    const back = await browser.follow(new URL(submitted.headers.get('location')!, issuer).href, (u) => u.href.startsWith(REDIRECT));
    assert.ok(back.url.href.startsWith(REDIRECT), `ended at ${back.url.href}`);
    return { callback: back.url, verifier, state, browser };
  }

  /** A silent authorize (prompt=none) comes back login_required when the browser has no session. */
  async function expectNoSession(browser: Browser): Promise<void> {
    const silent = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      prompt: 'none',
      state: 'p',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const back = await browser.follow(silent.href, (u) => u.href.startsWith(REDIRECT));
    assert.equal(back.url.searchParams.get('error'), 'login_required', 'no session left');
  }

  test('organization routing: code -> tokens -> verified ID token -> userinfo -> refresh', async () => {
    const { callback, verifier, state } = await login({ organization: orgId });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/oauth/jwks`)), { issuer, audience: rp.clientMetadata().client_id });
    assert.match(String(payload.sub), /^prof_[0-9A-Z]{26}$/);
    assert.equal(payload.email, 'ada@acme.test', 'the ID token carries the identity too');
    assert.equal(payload.org_id, orgId);
    assert.deepEqual(payload.groups, ['eng', 'admins']);
    const info = await oidc.fetchUserInfo(rp, tokens.access_token, String(payload.sub));
    assert.equal(info.email, 'ada@acme.test');
    assert.equal(info.given_name, 'Ada');
    assert.equal(info.family_name, 'Lovelace');
    assert.equal(info.org_id, orgId);
    assert.equal(info.connection_id, connectionId);
    assert.equal(info.connection_type, 'mock');
    assert.equal(info.idp_id, 'ada');
    assert.deepEqual(info.groups, ['eng', 'admins']);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
    const log = (await gw.store.auditLogs.list({ limit: 100, organizationId: orgId })).data;
    assert.ok(log.some((e) => e.action === 'login.succeeded' && e.actorId === payload.sub));
  });

  test('a sign-in is an sso.login.succeeded event in the outbox', async () => {
    const events = (await gw.store.outbox.feed({ afterSequence: 0n, limit: 1000, types: ['sso.login.succeeded'], organizationId: orgId })).filter(
      (e) => e.data.connection_id === connectionId,
    );
    assert.ok(events.length > 0, 'the login above was recorded');
    const profile = events[0]!.data.profile as Record<string, unknown>;
    assert.equal(profile.email, 'ada@acme.test');
    assert.match(String(profile.id), /^prof_/);
  });

  test('both instances served the logins, and a code cannot be redeemed twice', async () => {
    const { callback, verifier, state } = await login({ organization: orgId });
    await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    await assert.rejects(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state }), (error: { error?: string }) => {
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
    assert.ok(served[0]! > 5 && served[1]! > 5, `served ${served.join('/')}`);
  });

  test('RP-initiated logout asks, then ends the Gatehouse session', async () => {
    const { callback, verifier, state, browser } = await login({ organization: orgId });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const ask = await browser.get(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }).href);
    assert.equal(ask.status, 200);
    const page = await ask.text();
    assert.match(page, /Sign out of Gatehouse\?/);
    const done = await browser.post(`${issuer}/oauth/logout/confirm`, { xsrf: hiddenField(page, 'xsrf'), logout: 'yes' });
    const end = await browser.follow(new URL(done.headers.get('location')!, issuer).href);
    assert.match(await end.response.text(), /You are signed out/);
    await expectNoSession(browser);
  });

  test('sessions are listed by organization and revoking them ends refresh tokens', async () => {
    const { callback, verifier, state, browser } = await login({ organization: orgId }, 'bob');
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const profileId = tokens.claims()!.sub;
    const listed = await request(gw.app).get(`/api/v1/sessions?organization_id=${orgId}&profile_id=${profileId}`).set(bearer(gw.rootKey)).expect(200);
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].connection_id, connectionId);
    assert.equal(listed.body.data[0].email, 'bob@acme.test');
    const other = await gw.services.organizations.create(cliContext(), { name: 'Other' });
    const otherKey = await gw.services.apiKeys.create(cliContext(), { name: 'other', organization_id: other.id });
    const hidden = await request(gw.app).get(`/api/v1/sessions?profile_id=${profileId}`).set(bearer(otherKey.secret)).expect(200);
    assert.deepEqual(hidden.body.data, [], 'another tenant sees nothing');
    await request(gw.app).delete(`/api/v1/sessions/${listed.body.data[0].id}`).set(bearer(otherKey.secret)).expect(404);

    const revoked = await request(gw.app).post('/api/v1/sessions/revoke').set(bearer(gw.rootKey)).send({ profile_id: profileId }).expect(200);
    assert.equal(revoked.body.revoked, 1);
    await assert.rejects(oidc.refreshTokenGrant(rp, tokens.refresh_token!), (error: { error?: string }) => error.error === 'invalid_grant');
    const again = await request(gw.app).get(`/api/v1/sessions?profile_id=${profileId}`).set(bearer(gw.rootKey)).expect(200);
    assert.deepEqual(again.body.data, []);
    await expectNoSession(browser);
  });

  test('a connection’s attribute mapping shapes the profile', async () => {
    const mapped = await gw.services.connections.create(cliContext(), orgId, {
      type: 'mock',
      name: 'Mapped',
      preset: 'okta',
      status: 'active',
      config: mockConfig,
      attribute_mapping: { first_name: 'name', team: 'groups' },
    });
    const { callback, verifier, state } = await login({ connection: mapped.connection.id });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const profile = await gw.store.profiles.find(tokens.claims()!.sub);
    assert.equal(profile?.firstName, profile?.name, 'first_name taken from the name attribute');
    assert.deepEqual(profile?.customAttributes, { team: ['eng', 'admins'] });
    assert.equal(profile?.connectionId, mapped.connection.id);
    await gw.services.connections.update(cliContext(), mapped.connection.id, { status: 'inactive' });
  });

  test('public clients, client_secret_post, ES256 ID tokens, introspection and revocation', async () => {
    const ctx = cliContext();
    const pub = await gw.services.applications.create(ctx, { name: 'SPA', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    const spa = await oidc.discovery(new URL(issuer), pub.application.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const spaLogin = await login({ organization: orgId }, 'ada', spa);
    const spaTokens = await oidc.authorizationCodeGrant(spa, spaLogin.callback, { pkceCodeVerifier: spaLogin.verifier, expectedState: spaLogin.state });
    assert.ok(spaTokens.access_token, 'a public client redeems its code with PKCE alone');

    const post = await gw.services.applications.create(ctx, {
      name: 'Post',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
    });
    const es = await oidc.discovery(
      new URL(issuer),
      post.application.clientId,
      { id_token_signed_response_alg: 'ES256' },
      oidc.ClientSecretPost(post.clientSecret!),
      { execute: [oidc.allowInsecureRequests] },
    );
    const esLogin = await login({ organization: orgId }, 'ada', es);
    const esTokens = await oidc.authorizationCodeGrant(es, esLogin.callback, { pkceCodeVerifier: esLogin.verifier, expectedState: esLogin.state });
    const alg = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { alg: string }).alg;
    assert.equal(alg(esTokens.id_token!), 'ES256', 'client_secret_post client asked for ES256');
    await jwtVerify(esTokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/oauth/jwks`)), { issuer });

    const rsLogin = await login({ organization: orgId }, 'ada', rp);
    const tokens = await oidc.authorizationCodeGrant(rp, rsLogin.callback, { pkceCodeVerifier: rsLogin.verifier, expectedState: rsLogin.state });
    assert.equal(alg(tokens.id_token!), 'RS256', 'RS256 by default');

    const active = await oidc.tokenIntrospection(rp, tokens.access_token);
    assert.equal(active.active, true);
    await oidc.tokenRevocation(rp, tokens.access_token);
    assert.equal((await oidc.tokenIntrospection(rp, tokens.access_token)).active, false, 'revoked');
  });

  test('login_hint routes by email domain, connection by id; the profile id is stable', async () => {
    const first = await login({ login_hint: 'someone@acme.test' });
    const t1 = await oidc.authorizationCodeGrant(rp, first.callback, { pkceCodeVerifier: first.verifier, expectedState: first.state });
    const second = await login({ connection: connectionId });
    const t2 = await oidc.authorizationCodeGrant(rp, second.callback, { pkceCodeVerifier: second.verifier, expectedState: second.state });
    assert.equal(t1.claims()!.sub, t2.claims()!.sub);
  });

  test('a replayed callback is refused with a page, and audited', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      organization: orgId,
    });
    const browser = new Browser();
    const idp = await browser.follow(url.href, (u) => u.pathname === '/mock-idp/login');
    const page = await (await browser.get(idp.url.href)).text();
    const submitted = await browser.post(`${issuer}/mock-idp/login`, { request: hiddenField(page, 'request'), user: 'bob' });
    const callback = new URL(submitted.headers.get('location')!, issuer).href;
    assert.equal((await browser.get(callback)).status, 303);
    const replay = await browser.get(callback);
    assert.equal(replay.status, 401);
    assert.match(await replay.text(), /already used or is unknown/);
    const failures = (await gw.store.auditLogs.list({ limit: 10_000 })).data.filter((e) => e.action === 'login.failed');
    assert.ok(failures.some((e) => e.metadata.reason === 'login_attempt_not_found'), 'the replay is on record');
  });

  test('the browser cannot steer a login out of the organization the product named', async () => {
    const other = await gw.services.organizations.create(cliContext(), { name: 'Elsewhere', domains: ['elsewhere.test'] });
    const foreign = await gw.services.connections.create(cliContext(), other.id, { type: 'mock', name: 'Foreign', status: 'active', config: mockConfig });
    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      organization: orgId,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const interaction = await browser.follow(url.href, (u) => u.pathname.startsWith('/sso/interactions/'));
    const steered = await browser.get(`${interaction.url.href}?connection=${foreign.connection.id}`);
    assert.equal(steered.status, 404);
    assert.match(await steered.text(), /connection does not exist/);
    const hinted = await browser.get(`${interaction.url.href}?login_hint=x@elsewhere.test`);
    assert.equal(hinted.status, 303, 'the hint only fills in; the product’s organization still routes');
    assert.match(hinted.headers.get('location') ?? '', /\/mock-idp\/login/);
    const noCookie = await new Browser().get(interaction.url.href);
    assert.equal(noCookie.status, 400);
    assert.match(await noCookie.text(), /started in another browser/);
  });

  test('unknown targets get a clear page, never a 500', async () => {
    const browser = new Browser();
    const base = { redirect_uri: REDIRECT, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    for (const [extra, message] of [
      [{ connection: 'conn_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, /connection does not exist/],
      [{ login_hint: 'x@nowhere.test' }, /No organization signs in with that email domain/],
    ] as const) {
      const end = await browser.follow(oidc.buildAuthorizationUrl(rp, { ...base, ...extra }).href);
      assert.equal(end.response.status, 404);
      assert.match(await end.response.text(), message);
    }
    const ask = await browser.follow(oidc.buildAuthorizationUrl(rp, base).href);
    assert.equal(ask.response.status, 200);
    assert.match(await ask.response.text(), /Work email/);
  });
});
