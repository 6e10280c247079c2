import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { SETUP_COOKIE } from '../../src/http/routes/setup/session.js';
import { hashSecret } from '../../src/store/secret-tokens.js';
import { homePage } from '../../src/http/views/portal/setup-pages.js';
import { bearer } from '../support/gateway.js';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.js';
import { requires } from '../support/services.js';
import { startUpstreamIdp } from '../support/oidc-upstream.js';

describe('setup links', await requires('postgres'), () => {
  let h: PortalHarness;
  let orgA: string;
  let orgB: string;
  let keyA: string;
  const api = () => request(h.url);
  before(async () => {
    h = await startPortalHarness('setup_links');
    const org = async (name: string) => (await api().post('/api/v1/organizations').set(bearer(h.gw.rootKey)).send({ name }).expect(201)).body.id as string;
    [orgA, orgB] = [await org('A'), await org('B')];
    keyA = (await api().post('/api/v1/api-keys').set(bearer(h.gw.rootKey)).send({ name: 'A', organization_id: orgA, scopes: ['setup_links:write'] }).expect(201)).body.secret;
  });
  after(() => h?.close());

  test('issued once as a URL with a ghl_ token, stored as its hash, listed without it', async () => {
    const created = (await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'sso' }).expect(201)).body;
    assert.match(created.url, new RegExp(`^${h.url}/setup/ghl_[0-9A-Za-z]{43}$`));
    assert.equal(created.intent, 'sso');
    assert.equal(created.status, 'active');
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 2.99 && days <= 3, 'three days by default');
    const stored = await h.gw.store.setupLinks.get(created.id);
    const token = created.url.split('/').pop();
    assert.equal(stored.secretHash, hashSecret(token));
    const listed = (await api().get(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).expect(200)).body;
    assert.ok(listed.data.some((l: { id: string; url?: string }) => l.id === created.id && l.url === undefined));
  });

  test('validation, and an organization-scoped key reaches only its own organization', async () => {
    await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'everything' }).expect(400);
    await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'sso', expires_in_seconds: 10 }).expect(400);
    await api().post(`/api/v1/organizations/${orgB}/setup-links`).set(bearer(keyA)).send({ intent: 'sso' }).expect(404);
    const theirs = (await api().post(`/api/v1/organizations/${orgB}/setup-links`).set(bearer(h.gw.rootKey)).send({ intent: 'dsync' }).expect(201)).body;
    await api().get(`/api/v1/setup-links/${theirs.id}`).set(bearer(keyA)).expect(404);
    await api().delete(`/api/v1/setup-links/${theirs.id}`).set(bearer(keyA)).expect(404);
    await api().get(`/api/v1/organizations/${orgB}/setup-links`).set(bearer(keyA)).expect(404);
  });

  test('opening a link sets a /setup cookie, is audited, and a revoked link stops working at once', async () => {
    const link = (await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'dsync' }).expect(201)).body;
    const opened = await api().get(new URL(link.url).pathname).expect(303);
    assert.equal(opened.headers.location, '/setup');
    const cookie = String(opened.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^${SETUP_COOKIE}=ghl_\\w+; Path=/setup; Max-Age=\\d+; HttpOnly; SameSite=Lax`));
    const session = cookie.split(';')[0]!;
    await api().get('/setup').set('Cookie', session).expect(200);
    await api().get('/setup/dsync').set('Cookie', session).expect(200);
    await api().get('/setup/sso').set('Cookie', session).expect(403);
    const audit = await h.gw.store.auditLogs.list({ limit: 100, organizationId: orgA });
    assert.ok(audit.data.some((e) => e.action === 'setup_link.opened' && e.targetId === link.id && e.actorType === 'setup_link'));
    await api().delete(`/api/v1/setup-links/${link.id}`).set(bearer(keyA)).expect(204);
    const revoked = await api().get('/setup').set('Cookie', session).expect(410);
    assert.match(revoked.text, /This setup link was revoked/);
    await api().get('/setup').expect(401);
    await api().get('/setup/ghl_000000000000000000000000000000000000000000x').expect(404);
  });

  test('generic OIDC through the portal: save issuer and client, test sign-in at the upstream, activate', async (t) => {
    const upstream = await startUpstreamIdp({
      clients: [{ client_id: 'portal-app', client_secret: 'portal-app-secret-0123456789', redirect_uris: [`${h.url}/oidc/callback`] }],
      accounts: { kim: { email: 'kim@acme.test', email_verified: true, given_name: 'Kim', family_name: 'Lee' } },
    });
    t.after(() => upstream.close());
    const link = (await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'sso' }).expect(201)).body;
    const session = String((await api().get(new URL(link.url).pathname).expect(303)).headers['set-cookie']).split(';')[0]!;
    const form = (fields: Record<string, string>) => {
      let req = api().post('/setup/sso/generic_oidc').set('Cookie', session);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req;
    };
    const bad = await form({ issuer: 'not a url', client_id: 'portal-app', client_secret: 'x' }).expect(400);
    assert.match(bad.text, /id="issuer-error"/);
    await form({ issuer: upstream.issuer, client_id: 'portal-app', client_secret: 'portal-app-secret-0123456789' }).expect(303).expect('location', '/setup/sso/test');
    const connection = await h.gw.store.connections.get((await h.gw.store.setupLinks.get(link.id)).connectionId);
    assert.equal(connection.type, 'oidc');
    assert.equal(connection.status, 'draft');
    await api().post('/setup/sso/activate').set('Cookie', session).type('form').send({}).expect(409);
    const start = await api().post('/setup/sso/test').set('Cookie', session).expect(303);
    const callback = await upstream.login(start.headers.location!);
    const landed = await api().get(`${callback.pathname}${callback.search}`).set('Cookie', session).expect(303);
    assert.match(landed.headers.location!, /^\/setup\/tests\/ctest_/);
    const result = await api().get(landed.headers.location!).set('Cookie', session).expect(200);
    assert.match(result.text, /Test sign-in succeeded/);
    assert.match(result.text, /kim@acme\.test/);
    await api().post('/setup/sso/activate').set('Cookie', session).type('form').send({}).expect(303);
    assert.equal((await h.gw.store.connections.get(connection.id)).status, 'active');
  });

  test('an oversized metadata upload is refused before parsing, and nothing is saved', async () => {
    const link = (await api().post(`/api/v1/organizations/${orgA}/setup-links`).set(bearer(keyA)).send({ intent: 'sso' }).expect(201)).body;
    const session = String((await api().get(new URL(link.url).pathname).expect(303)).headers['set-cookie']).split(';')[0]!;
    const huge = Buffer.alloc(1024 * 1024 + 10, 'a');
    const res = await api().post('/setup/sso/okta').set('Cookie', session).attach('metadata_file', huge, 'metadata.xml').expect(413);
    assert.match(res.text, /larger than 1 MiB/);
    assert.equal(await h.gw.store.connections.get((await h.gw.store.setupLinks.get(link.id)).connectionId).catch(() => undefined), undefined);
  });

  test('an organization named <script> renders inert', () => {
    const page = homePage(
      { id: 'org_X', name: '<script>alert(1)</script>', domains: [], externalId: null, createdAt: new Date(), updatedAt: new Date() } as never,
      { id: 'setup_X', intents: ['sso'], expiresAt: new Date(), organizationId: 'org_X' } as never,
      { connection: { name: '"><img src=x onerror=alert(1)>', status: 'draft' } },
    );
    assert.ok(!page.includes('<script>alert(1)</script>'));
    assert.ok(page.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.ok(!page.includes('<img src=x'));
  });
});
