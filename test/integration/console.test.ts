// The operator console: who may sign in, what each page shows, tenant-controlled text rendered as
// text, and the newest-first audit log paging over a service that pages oldest first.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RequestListener } from 'node:http';
import forge from 'node-forge';
import request from 'supertest';
import { cliContext } from '../../src/admin/context.js';
import { createApp } from '../../src/http/app.js';
import { consoleRoutes } from '../../src/http/routes/console.js';
import { createLogger } from '../../src/logger.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { keys } from '../support/saml-idp/keys.js';
import { requires } from '../support/services.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ORG_NAME = '<script>alert(1)</script>';
const CONNECTION_NAME = '"><img src=x onerror=alert(1)>';
const basic = (key: string) => `Basic ${Buffer.from(`operator:${key}`).toString('base64')}`;

/** A self-signed certificate that expires in `days` days. */
function certificateExpiringIn(days: number): string {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 300 * DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
  const name = [{ name: 'commonName', value: 'Expiring Test IdP' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('operator console', await requires('postgres'), () => {
  let gw: TestGateway;
  let app: RequestListener;
  let orgId: string;
  let endpointId: string;
  let deliveryId: string;
  let setupLinkId: string;
  let scopedKey: string;
  let connectionsOnlyKey: string;
  const get = (path: string, key = gw.rootKey) => request(app).get(path).set('Authorization', basic(key));
  before(async () => {
    gw = await startTestGateway('console');
    app = createApp({ config: gw.config, logger: createLogger('silent'), services: gw.services, readiness: [], operatorRouters: [consoleRoutes(gw.services)] });
    const ctx = cliContext();
    orgId = (await gw.services.organizations.create(ctx, { name: ORG_NAME, domains: ['acme.test'] })).id;
    const saml = { idp_entity_id: 'https://idp.acme.test/saml', idp_sso_url: 'https://idp.acme.test/sso', idp_certificates: [keys.idp.certificate, certificateExpiringIn(10)] };
    await gw.services.connections.create(ctx, orgId, { type: 'saml', name: CONNECTION_NAME, status: 'active', saml });
    await gw.services.directories.create(ctx, orgId, { name: 'Acme Okta', provider: 'okta' });
    setupLinkId = (await gw.services.setupLinks.create(ctx, orgId, { intent: 'sso' })).link.id;
    endpointId = (await gw.services.webhookEndpoints.create(ctx, { url: 'https://hooks.example.com/gatehouse', events: ['directory.user.*'], description: 'CRM sync' })).endpoint.id;
    deliveryId = (await gw.services.webhookEndpoints.sendTest(ctx, endpointId)).deliveryId;
    const off = (await gw.services.webhookEndpoints.create(ctx, { url: 'https://hooks.example.com/off', events: ['*'] })).endpoint.id;
    await gw.services.webhookEndpoints.update(ctx, off, { enabled: false });
    scopedKey = (await gw.services.apiKeys.create(ctx, { name: 'scoped', organization_id: orgId, scopes: ['*'] })).secret;
    connectionsOnlyKey = (await gw.services.apiKeys.create(ctx, { name: 'narrow', scopes: ['connections:read'] })).secret;
  });
  after(() => gw?.close());

  test('asks a browser for credentials and refuses organization-scoped keys', async () => {
    const anonymous = await request(app).get('/console').expect(401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm="Gatehouse console"/);
    assert.match(anonymous.headers['content-type'] ?? '', /text\/html/);
    await request(app).get('/console/organizations').set('Authorization', basic('gha_not-a-real-key')).expect(401);
    const scoped = await get('/console', scopedKey).expect(403);
    assert.match(scoped.text, /deployment-wide admin key/);
    await get('/console/organizations', scopedKey).expect(403);
    await request(app).get('/console').set('Authorization', `Bearer ${gw.rootKey}`).expect(200);
  });

  test('a page whose scope the key lacks is a 403 page; the overview hides what it cannot show', async () => {
    const refused = await get('/console/organizations', connectionsOnlyKey).expect(403);
    assert.match(refused.text, /Access denied/);
    assert.match(refused.text, /organizations:read/);
    await get('/console/audit-logs', connectionsOnlyKey).expect(403);
    await get(`/console/webhooks/${endpointId}`, connectionsOnlyKey).expect(403);
    const overview = await get('/console', connectionsOnlyKey).expect(200);
    assert.match(overview.text, /needs the <code>organizations:read<\/code> scope/);
  });

  test('the overview counts and links, with the console nav', async () => {
    const page = await get('/console').expect(200);
    assert.match(page.text, /<nav aria-label="Sections">/);
    for (const href of ['/console/organizations', '/console/webhooks', '/console/audit-logs']) assert.ok(page.text.includes(`href="${href}"`), href);
    assert.match(page.text, /1 organization\b/);
    assert.match(page.text, /2 endpoints/);
    assert.match(page.text, /1 disabled/);
    assert.match(page.text, /webhook_endpoint\.test_sent/);
  });

  test('organizations list with domains, names rendered as text', async () => {
    const page = await get('/console/organizations').expect(200);
    assert.ok(!page.text.includes(ORG_NAME), 'the raw tag is absent');
    assert.ok(page.text.includes('&#60;script&#62;alert(1)&#60;/script&#62;'), 'the escaped text is present');
    assert.ok(page.text.includes(`href="/console/organizations/${orgId}"`));
    assert.match(page.text, /<code>acme\.test<\/code>/);
    assert.match(page.text, /<th scope="col">Domains<\/th>/);
  });

  test('an organization: connections with certificate expiry, directories, setup links', async () => {
    const page = await get(`/console/organizations/${orgId}`).expect(200);
    assert.ok(!page.text.includes(ORG_NAME) && !page.text.includes('<img src=x'), 'no raw markup from tenant data');
    assert.ok(page.text.includes('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;'), 'the connection name is shown as text');
    assert.match(page.text, /<h1>&#60;script&#62;alert\(1\)&#60;\/script&#62;<\/h1>/);
    assert.match(page.text, /<span class="status active">active<\/span>/);
    assert.match(page.text, /<time datetime="2046-01-01T00:00:00.000Z">2046-01-01 00:00 UTC<\/time>/, 'the long-lived certificate, not highlighted');
    assert.match(page.text, /<mark><time datetime="[^"]+">[^<]+ UTC<\/time><\/mark> <span class="status failed">expires in 10 days<\/span>/);
    assert.match(page.text, /Acme Okta<br><code>dir_[0-9A-Z]{26}<\/code><\/td><td>okta<\/td><td>0<\/td><td>0<\/td>\s*<td>never<\/td>/);
    assert.ok(page.text.includes(setupLinkId));
    assert.match(page.text, /<td>sso<\/td><td><span class="status active">active<\/span>/);
    assert.ok(page.text.includes(`href="/console/audit-logs?organization_id=${orgId}"`));
  });

  test('webhook endpoints with state, and one endpoint with its recent deliveries', async () => {
    const list = await get('/console/webhooks').expect(200);
    assert.ok(list.text.includes(`href="/console/webhooks/${endpointId}">https://hooks.example.com/gatehouse</a>`));
    assert.match(list.text, /<code>directory\.user\.\*<\/code>/);
    assert.match(list.text, /<span class="status active">enabled<\/span>/);
    assert.match(list.text, /<span class="status failed">disabled<\/span><br>disabled by an admin/);
    const page = await get(`/console/webhooks/${endpointId}`).expect(200);
    assert.ok(page.text.includes(deliveryId), 'the test delivery is listed');
    assert.match(page.text, /<code>webhook_endpoint\.test<\/code><\/td><td><span class="status">pending<\/span><\/td>\s*<td>0<\/td>/);
    assert.match(page.text, /CRM sync/);
  });

  test('the audit log, newest first, optionally for one organization', async () => {
    const page = await get('/console/audit-logs').expect(200);
    const newest = page.text.indexOf('webhook_endpoint.updated');
    const oldest = page.text.indexOf('organization.created');
    assert.ok(newest > 0 && oldest > newest, 'newest entries come first');
    assert.match(page.text, /<th scope="col">Outcome<\/th>/);
    assert.match(page.text, /<span class="status active">success<\/span>/);
    const scoped = await get(`/console/audit-logs?organization_id=${orgId}`).expect(200);
    assert.ok(scoped.text.includes('connection.created') && !scoped.text.includes('webhook_endpoint.updated'));
    await get('/console/audit-logs?before=nope').expect(400);
  });

  test('unknown pages and objects are console 404 pages; bad cursors a 400 page', async () => {
    const missing = await get('/console/nope').expect(404);
    assert.match(missing.text, /Page not found/);
    assert.match(missing.text, /<nav aria-label="Sections">/);
    const unknownOrg = await get('/console/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV').expect(404);
    assert.match(unknownOrg.text, /organization not found/);
    await get('/console/webhooks/wh_01ARZ3NDEKTSV4RRFFQ69G5FAV').expect(404);
    const bad = await get('/console/organizations?after=%3Cb%3E').expect(400);
    assert.ok(!bad.text.includes('<b>'));
  });
});

