// End to end over real HTTP: a product (openid-client RP) -> Gatehouse -> the signing test SAML
// IdP -> ACS -> code -> tokens, SP- and IdP-initiated, plus what the admin sees: the connection's
// SP values, its metadata, refusals on record, metadata refresh and SP key rotation.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import pg from 'pg';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { cliContext } from '../../src/admin/context.js';
import { buildSso } from '../../src/cli/sso.js';
import { createApp } from '../../src/http/app.js';
import { connectionRefresh } from '../../src/jobs/tasks.js';
import { createLogger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { Browser } from '../support/browser.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { keys } from '../support/saml-idp/keys.js';
import { readAutoPostForm, createTestSamlIdp, type TestSamlIdp } from '../support/saml-idp/server.js';
import { scimClient, URN } from '../support/scim.js';
import { requires } from '../support/services.js';

const REDIRECT = 'http://localhost:4000/callback';
const INITIATE = 'https://product.test/start-login';
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

async function listen(handler?: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = handler ? createServer(handler) : createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('SAML login end to end', await requires('postgres'), () => {
  let gw: TestGateway;
  let gateway: { server: Server; url: string };
  let idpServer: { server: Server; url: string };
  let idp: TestSamlIdp;
  let app: ReturnType<typeof createApp>;
  let rp: oidc.Configuration;
  let orgId: string;
  let admin: string;
  let metadataCertificates = [keys.idp.certificate];
  const entityId = 'https://idp.acme.test/saml';

  before(async () => {
    gateway = await listen();
    gw = await startTestGateway('saml', { PUBLIC_URL: gateway.url, GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true' });
    admin = gw.rootKey;
    idp = createTestSamlIdp({ entityId, user: { nameId: 'ada@acme.test', nameIdFormat: 'emailAddress', attributes: { email: 'ada@acme.test', firstName: 'Ada', groups: ['eng', 'admins'] } } });
    // The metadata the IdP publishes can change under the test (certificate rotation at the IdP).
    idp.app.get('/rotating-metadata', (_req, res) => {
      res.type('application/xml').send(idp.metadataXml(`${idpServer.url}/sso`).replace(/<ds:X509Certificate>[\s\S]*?<\/ds:X509Certificate>/, () => metadataCertificates.map((c) => `<ds:X509Certificate>${c.replace(/-----[^-]+-----|\s/g, '')}</ds:X509Certificate>`).join('</ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>')));
    });
    idpServer = await listen(idp.app);
    const config = gw.config;
    const logger = createLogger('silent');
    const sso = await buildSso({ config, logger, store: gw.store, applications: gw.services.applications, registry: connectorTypes, presets: idpPresets, secretBox: createSecretBox(config.security.encryptionKey!), encryptionKey: config.security.encryptionKey! });
    app = createApp({ config, logger, services: gw.services, readiness: [], openIdProvider: sso.oidc.handler, routers: sso.routers });
    gateway.server.on('request', app);
    orgId = (await gw.services.organizations.create(cliContext(), { name: 'Acme', domains: ['acme.test'] })).id;
    const product = await gw.services.applications.create(cliContext(), { name: 'Product', organization_id: orgId, redirect_uris: [REDIRECT], initiate_login_uri: INITIATE });
    rp = await oidc.discovery(new URL(gateway.url), product.application.clientId, product.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    for (const s of [gateway?.server, idpServer?.server]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
    await gw?.close();
  });

  async function createConnection(saml: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const res = await request(app).post(`/api/v1/organizations/${orgId}/connections`).set(bearer(admin)).send({ type: 'saml', name: 'Acme SAML', status: 'active', preset: 'okta', saml, ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; saml: Record<string, any> };
  }
  const manual = (extra: Record<string, unknown> = {}) => ({ idp_entity_id: entityId, idp_sso_url: `${idpServer.url}/sso`, idp_certificates: [keys.idp.certificate], ...extra });

  async function authorize(connection: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: 'openid email profile groups', state, connection, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    return { url, verifier, state };
  }

  /** Product authorize -> Gatehouse -> IdP; returns the IdP's auto-post form for the ACS. */
  async function toIdp(connection: string, browser = new Browser()) {
    const start = await authorize(connection);
    const atIdp = await browser.follow(start.url.href, (u) => u.origin === idpServer.url);
    assert.equal(atIdp.url.origin, idpServer.url, 'sent to the IdP');
    const form = readAutoPostForm(await (await browser.get(atIdp.url.href)).text());
    return { ...start, browser, form };
  }

  async function completeAtProduct(browser: Browser, acsResponse: Response, verifier: string, state: string) {
    assert.equal(acsResponse.status, 303, await acsResponse.clone().text());
    const back = await browser.follow(new URL(acsResponse.headers.get('location')!, gateway.url).href, (u) => u.href.startsWith(REDIRECT));
    assert.ok(back.url.href.startsWith(REDIRECT), `ended at ${back.url.href}`);
    return oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state });
  }

  /** The newest audit entry of this action on this connection (the log lists oldest first). */
  async function lastEntry(action: string, connectionId: string) {
    const page = await gw.services.auditLogs.list(cliContext(), { limit: 200, organizationId: orgId });
    return page.data.filter((e) => e.action === action && e.targetId === connectionId).at(-1)?.metadata;
  }
  const lastFailure = (connectionId: string) => lastEntry('login.failed', connectionId);

  test('the connection shows the SP values and publishes metadata strict IdPs load', async () => {
    const conn = await createConnection({ idp_metadata_url: `${idpServer.url}/metadata` });
    assert.equal(conn.saml.acs_url, `${gateway.url}/saml/${conn.id}/acs`);
    assert.equal(conn.saml.sp_entity_id, `${gateway.url}/saml/${conn.id}`);
    assert.equal(conn.saml.sp_metadata_url, `${gateway.url}/saml/${conn.id}/metadata`);
    assert.equal(conn.saml.sp_private_key, '********');
    assert.equal(conn.saml.idp.entity_id, entityId);
    assert.equal(conn.saml.idp_certificates_status[0].expired, false);
    assert.match(conn.saml.idp_certificates_status[0].not_after, /^\d{4}-/);
    const metadata = await request(app).get(`/saml/${conn.id}/metadata`);
    assert.equal(metadata.status, 200);
    assert.match(metadata.headers['content-type'], /application\/samlmetadata\+xml/);
    const doc = new DOMParser().parseFromString(metadata.text, 'text/xml');
    assert.equal(doc.documentElement.getAttribute('entityID'), conn.saml.sp_entity_id);
    const acs = doc.getElementsByTagNameNS(MD, 'AssertionConsumerService').item(0)!;
    assert.equal(acs.getAttribute('Location'), conn.saml.acs_url);
    assert.equal(acs.getAttribute('index'), '0');
    assert.equal(acs.getAttribute('isDefault'), 'true');
    assert.equal(doc.getElementsByTagNameNS(MD, 'KeyDescriptor').length, 2, 'signing + encryption');
  });

  test('SP-initiated over HTTP-Redirect: AuthnRequest -> IdP -> ACS -> code -> verified tokens', async () => {
    const conn = await createConnection(manual());
    const { browser, form, verifier, state } = await toIdp(conn.id);
    assert.equal(idp.lastRequest?.binding, 'redirect');
    assert.equal(idp.lastRequest?.acsUrl, conn.saml.acs_url);
    assert.equal(idp.lastRequest?.issuer, conn.saml.sp_entity_id);
    assert.equal(form.action, conn.saml.acs_url);
    const tokens = await completeAtProduct(browser, await browser.post(form.action, form.fields), verifier, state);
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${gateway.url}/oauth/jwks`)), { issuer: gateway.url });
    assert.equal(payload.email, 'ada@acme.test');
    assert.deepEqual(payload.groups, ['eng', 'admins']);

    // The same response again: its attempt is spent, so nothing can be completed with it.
    const again = await new Browser().post(form.action, form.fields);
    assert.equal(again.status, 401);
    assert.match(await again.text(), /request id/i);
    assert.equal((await lastFailure(conn.id))?.reason, 'saml_unsolicited_response');
  });

  test('signed AuthnRequests on both bindings; HTTP-POST carries plain base64', async () => {
    for (const binding of ['redirect', 'post'] as const) {
      const conn = await createConnection(manual({ authn_request_binding: binding, sign_authn_requests: true }));
      const signingIdp = createTestSamlIdp({ entityId, user: idp.user, spCertificate: conn.saml.sp_certificate });
      const start = await authorize(conn.id);
      const browser = new Browser();
      const page = await browser.follow(start.url.href, (u) => u.origin === idpServer.url);
      if (binding === 'redirect') {
        signingIdp.handleAuthnRequest({ binding, rawQuery: page.url.search.slice(1) });
      } else {
        const html = await page.response.text();
        const nonce = /<script nonce="([^"]+)">document\.forms\[0\]\.submit\(\)<\/script>/.exec(html)?.[1];
        assert.ok(nonce, 'the form submits itself');
        assert.ok(page.response.headers.get('content-security-policy')?.includes(`'nonce-${nonce}'`), 'allowed by its CSP nonce only');
        const post = readAutoPostForm(html);
        assert.equal(post.action, `${idpServer.url}/sso`);
        assert.match(Buffer.from(post.fields.SAMLRequest!, 'base64').toString('utf8'), /^<\?xml|^<samlp:AuthnRequest/, 'not deflated');
        signingIdp.handleAuthnRequest({ binding, body: post.fields });
      }
      assert.equal(signingIdp.lastRequest?.binding, binding);
      assert.equal(signingIdp.lastRequest?.signed, true, binding);
      assert.equal(signingIdp.lastRequest?.signatureValid, true, binding);
    }
  });

  test('IdP-initiated: unsolicited response -> initiate_login_uri -> authorize completes without the IdP', async () => {
    const off = await createConnection(manual());
    const refused = await request(app).post(`/saml/${off.id}/acs`).type('form').send(idp.idpInitiated({ acsUrl: off.saml.acs_url, audience: off.saml.sp_entity_id }).fields);
    assert.equal(refused.status, 401);
    assert.equal((await lastFailure(off.id))?.reason, 'saml_unsolicited_response');

    const conn = await createConnection(manual({ allow_idp_initiated: true }));
    const unsolicited = idp.idpInitiated({ acsUrl: conn.saml.acs_url, audience: conn.saml.sp_entity_id, relayState: 'https://evil.test/' });
    const browser = new Browser();
    const landed = await browser.post(unsolicited.acsUrl, unsolicited.fields);
    assert.equal(landed.status, 303);
    const target = new URL(landed.headers.get('location')!);
    assert.equal(target.origin + target.pathname, INITIATE, 'RelayState is never a redirect target');
    assert.equal(target.searchParams.get('iss'), gateway.url);
    assert.equal(target.searchParams.get('login_hint'), 'ada@acme.test');

    const before = idp.requests.length;
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: 'openid email', state, login_hint: 'ada@acme.test', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const back = await browser.follow(url.href, (u) => u.href.startsWith(REDIRECT) || u.origin === idpServer.url);
    assert.ok(back.url.href.startsWith(REDIRECT), `ended at ${back.url.href}`);
    assert.equal(idp.requests.length, before, 'no second trip to the IdP');
    const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.claims()?.email, 'ada@acme.test');
    const profile = await gw.store.profiles.find(tokens.claims()!.sub);

    const replay = await new Browser().post(unsolicited.acsUrl, unsolicited.fields);
    assert.equal(replay.status, 401);
    assert.equal((await lastFailure(conn.id))?.reason, 'saml_replay');
    assert.deepEqual((await gw.store.profiles.find(profile!.id))?.lastLoginAt, profile!.lastLoginAt, 'a replay writes nothing of the profile');
  });

  test('refusals are audited with their reason and shown as a readable page', async () => {
    const conn = await createConnection(manual());
    const attacker = createTestSamlIdp({ entityId, user: idp.user, keys: keys.attacker });
    const { browser, form } = await toIdp(conn.id);
    const forged = attacker.samlResponse({ acsUrl: conn.saml.acs_url, audience: conn.saml.sp_entity_id, inResponseTo: idp.lastRequest!.id });
    const page = await browser.post(form.action, { ...form.fields, SAMLResponse: forged });
    assert.equal(page.status, 401);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    const failure = await lastFailure(conn.id);
    assert.equal(failure?.reason, 'saml_signature_invalid');
    assert.match(String(failure?.detail), /signature/i);
  });

  test('a changed configuration takes effect on the next login (the opened connector is not reused)', async () => {
    const conn = await createConnection(manual());
    const first = await toIdp(conn.id);
    await completeAtProduct(first.browser, await first.browser.post(first.form.action, first.form.fields), first.verifier, first.state);
    // The admin now trusts only the IdP's next certificate: a response signed with the old key must fail.
    const res = await request(app).patch(`/api/v1/connections/${conn.id}`).set(bearer(admin)).send({ saml: manual({ idp_certificates: [keys.idpNext.certificate] }) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const second = await toIdp(conn.id);
    const refused = await second.browser.post(second.form.action, second.form.fields);
    assert.equal(refused.status, 401);
    assert.equal((await lastFailure(conn.id))?.reason, 'saml_signature_invalid');
  });

  test('a response for one connection posted to another connection ACS is refused', async () => {
    const a = await createConnection(manual());
    const b = await createConnection(manual());
    const { browser, form } = await toIdp(a.id);
    const res = await browser.post(b.saml.acs_url, form.fields);
    assert.equal(res.status, 401);
    assert.equal((await lastFailure(b.id))?.reason, 'saml_connection_mismatch');
  });

  test('metadata refresh applies and audits an IdP certificate rotation', async () => {
    metadataCertificates = [keys.idp.certificate];
    const conn = await createConnection({ idp_metadata_url: `${idpServer.url}/rotating-metadata` });
    assert.deepEqual((await gw.services.connections.refresh(cliContext(), conn.id)).changed, []);
    metadataCertificates = [keys.idp.certificate, keys.idpNext.certificate];
    // The periodic job, as a worker runs it: every SAML connection of every organization.
    await connectionRefresh({ store: gw.store, logger: createLogger('silent'), clock: () => new Date(), auditLogRetentionDays: 0, refresh: { types: ['saml'], connections: gw.services.connections } }).run();
    const shown = await request(app).get(`/api/v1/connections/${conn.id}`).set(bearer(admin));
    assert.equal(shown.body.saml.idp.certificates.length, 2);
    assert.deepEqual((await lastEntry('connection.config_refreshed', conn.id))?.changed, ['idp.certificates']);
  });

  test('the ACS refuses what is not a form, and unknown connections', async () => {
    const conn = await createConnection(manual());
    assert.equal((await request(app).post(`/saml/${conn.id}/acs`).send({ SAMLResponse: 'x' })).status, 415);
    assert.equal((await request(app).get('/saml/conn_01NOSUCHCONNECTION000000000/metadata')).status, 404);
    const mock = await gw.services.connections.create(cliContext(), orgId, { type: 'mock', name: 'Not SAML', config: { users: [{ id: 'u', email: 'u@acme.test' }], signing_secret: 'x'.repeat(40) } });
    assert.equal((await request(app).get(`/saml/${mock.connection.id}/metadata`)).status, 404, 'no SP metadata for a non-SAML connection');
    assert.equal((await request(app).post('/saml/conn_01NOSUCHCONNECTION000000000/acs').type('form').send({ SAMLResponse: 'x' })).status, 404);
  });

  test('SP key rotation: the next certificate is published first, then becomes the only one', async () => {
    const conn = await createConnection(manual());
    const staged = await request(app).post(`/api/v1/connections/${conn.id}/sp-keys/stage`).set(bearer(admin));
    assert.equal(staged.status, 200);
    const next = staged.body.saml.sp_next_certificate as string;
    assert.ok(next && next !== conn.saml.sp_certificate);
    const published = await request(app).get(`/saml/${conn.id}/metadata`);
    assert.equal(new DOMParser().parseFromString(published.text, 'text/xml').getElementsByTagNameNS(MD, 'KeyDescriptor').length, 4);
    assert.equal((await request(app).post(`/api/v1/connections/${conn.id}/sp-keys/stage`).set(bearer(admin))).status, 409);
    const activated = await request(app).post(`/api/v1/connections/${conn.id}/sp-keys/activate`).set(bearer(admin));
    assert.equal(activated.body.saml.sp_certificate, next);
    assert.equal(activated.body.saml.sp_next_certificate, null);
    const refused = await request(app).patch(`/api/v1/connections/${conn.id}`).set(bearer(admin)).send({ saml: { sp_certificate: keys.attacker.certificate } });
    assert.equal(refused.status, 400);
  });

  /** Runs SQL against the gateway's database, on a session of its own. */
  async function withDb<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
    try {
      return await fn(db);
    } finally {
      await db.end();
    }
  }
  const profilesOf = (connectionId: string) =>
    withDb(async (db) => (await db.query<{ id: string; last_login_at: Date; directory_user_id: string | null }>('SELECT id, last_login_at, directory_user_id FROM profiles WHERE connection_id = $1', [connectionId])).rows);

  test('the directory decides SAML logins too: no profile is written for a refused one, and a deactivated user gets no code', async () => {
    const created = await request(app).post(`/api/v1/organizations/${orgId}/directories`).set(bearer(admin)).send({ name: 'Acme directory', provider: 'okta' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const scim = scimClient(gw, `/scim/v2/${created.body.id}`, created.body.bearer_token);
    const ada = idp.user;
    idp.user = { nameId: 'grace@acme.test', nameIdFormat: 'emailAddress', attributes: { email: 'grace@acme.test', firstName: 'Grace' } };
    const active = (value: boolean) => ({ schemas: [URN.patchOp], Operations: [{ op: 'replace', value: { active: value } }] });
    try {
      const grace = (await scim('post', '/Users', { schemas: [URN.user], userName: 'grace', externalId: 'grace@acme.test', active: false }).expect(201)).body;
      const conn = await createConnection(manual());
      const refused = await toIdp(conn.id);
      assert.equal((await refused.browser.post(refused.form.action, refused.form.fields)).status, 401);
      assert.equal((await lastFailure(conn.id))?.reason, 'directory_user_inactive');
      assert.deepEqual(await profilesOf(conn.id), [], 'no profile for a refused login');

      // Signed in, then deactivated before the browser comes back for its code.
      await scim('patch', `/Users/${grace.id}`, active(true)).expect(200);
      const late = await toIdp(conn.id);
      const acs = await late.browser.post(late.form.action, late.form.fields);
      assert.equal(acs.status, 303);
      await scim('patch', `/Users/${grace.id}`, active(false)).expect(200);
      const resumed = await late.browser.follow(new URL(acs.headers.get('location')!, gateway.url).href, (u) => u.href.startsWith(REDIRECT) || u.origin === idpServer.url);
      assert.ok(!resumed.url.href.startsWith(REDIRECT), 'no code for a deactivated user');

      await scim('patch', `/Users/${grace.id}`, active(true)).expect(200);
      const again = await toIdp(conn.id);
      const tokens = await completeAtProduct(again.browser, await again.browser.post(again.form.action, again.form.fields), again.verifier, again.state);
      const [linked] = await profilesOf(conn.id);
      assert.equal(linked?.id, tokens.claims()?.sub);
      assert.equal(linked?.directory_user_id, grace.id);
      // The login's audit entry and event, written by the sign-in statement, name that profile.
      const recorded = await withDb(async (db) => ({
        audit: (await db.query("SELECT actor_type, actor_id, metadata FROM audit_logs WHERE action = 'login.succeeded' AND target_id = $1 ORDER BY occurred_at DESC LIMIT 1", [conn.id])).rows[0],
        event: (await db.query("SELECT data FROM outbox_events WHERE type = 'sso.login.succeeded' AND data->>'connection_id' = $1 ORDER BY sequence DESC LIMIT 1", [conn.id])).rows[0],
      }));
      assert.deepEqual(recorded.audit, { actor_type: 'user', actor_id: linked!.id, metadata: { idp_id: 'grace@acme.test' } });
      assert.deepEqual(recorded.event?.data, {
        connection_id: conn.id,
        profile: { id: linked!.id, email: 'grace@acme.test', idp_id: 'grace@acme.test', first_name: 'Grace', last_name: null, directory_user_id: grace.id },
      });

      await scim('delete', `/Users/${grace.id}`).expect(204);
      const gone = await toIdp(conn.id);
      assert.equal((await gone.browser.post(gone.form.action, gone.form.fields)).status, 401);
      assert.equal((await lastFailure(conn.id))?.reason, 'directory_user_deleted');
      assert.deepEqual(await profilesOf(conn.id), [linked], 'the profile is left as it was');
    } finally {
      idp.user = ada;
    }
  });

  test('an interaction that expires while the ACS runs is refused, though it was read before it expired', async () => {
    const conn = await createConnection(manual());
    const { browser, form } = await toIdp(conn.id);
    const assertionId = /<(?:\w+:)?Assertion\b[^>]*\sID="([^"]+)"/.exec(Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8'))?.[1];
    assert.ok(assertionId);
    // The interaction now lives one to two seconds more: the ACS reads it as soon as it starts.
    const exp = Math.floor(Date.now() / 1000) + 2;
    await withDb((db) =>
      db.query(
        `UPDATE oidc_payloads SET payload = jsonb_set(payload, '{exp}', to_jsonb($2::int)), expires_at = to_timestamp($2)
          WHERE kind = 'Interaction' AND id = (SELECT interaction_uid FROM login_attempts WHERE id = $1)`,
        [form.fields.RelayState, exp],
      ),
    );
    // Holding the assertion's replay record uncommitted stalls the sign-in past that expiry; rolled
    // back, the assertion is fresh again and the sign-in goes on, to find the interaction expired.
    const db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query(`INSERT INTO saml_assertion_uses (connection_id, assertion_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [conn.id, assertionId]);
      const posted = browser.post(form.action, form.fields);
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 100));
      await db.query('ROLLBACK');
      const res = await posted;
      assert.equal(res.status, 400);
      assert.match(await res.text(), /session expired/);
    } finally {
      await db.end();
    }
  });
});
