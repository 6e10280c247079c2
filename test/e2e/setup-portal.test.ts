// The setup portal in headless Chromium, against the real gateway and the signing test SAML IdP:
// an IT admin opens a setup link, picks Okta, pastes the IdP's metadata, signs in through the IdP
// as a test, sees the profile and goes live; then sets up SCIM and sees the directory's status.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/gateway.js';
import { CHROMIUM_PATH, launchChromium, withPage } from '../support/chromium.js';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.js';
import { requires } from '../support/services.js';

async function chromiumAvailable(): Promise<{ skip?: string }> {
  const base = await requires('postgres');
  if (base.skip || existsSync(CHROMIUM_PATH)) return base;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM_PATH} is missing (CI=true: .ci/run installs Debian's chromium)`);
  return { skip: `no browser at ${CHROMIUM_PATH} (apt-get install chromium)` };
}

describe('setup portal in a browser', await chromiumAvailable(), () => {
  let h: PortalHarness;
  let browser: Browser;
  let orgId: string;
  const api = () => request(h.url);
  const newLink = async (intent = 'both') => (await api().post(`/api/v1/organizations/${orgId}/setup-links`).set(bearer(h.gw.rootKey)).send({ intent }).expect(201)).body as { id: string; url: string };

  before(async () => {
    h = await startPortalHarness('portal_e2e');
    browser = await launchChromium();
    orgId = (await api().post('/api/v1/organizations').set(bearer(h.gw.rootKey)).send({ name: 'Acme <Corp>' }).expect(201)).body.id;
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('Okta SSO: paste metadata, test sign-in against the IdP, see the profile, activate', async () => {
    const link = await newLink();
    await withPage(browser, 'portal-okta-sso', async (page) => {
      await page.goto(link.url);
      assert.equal(new URL(page.url()).pathname, '/setup', 'the token leaves the address bar');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Set up Acme <Corp>');
      await page.getByRole('link', { name: 'Set up single sign-on' }).click();
      await page.getByRole('link', { name: 'Okta' }).click();
      const acsUrl = await page.locator('#value-acs_url').textContent();
      assert.equal(acsUrl, `${h.url}/saml/${await connectionIdOf(link.id)}/acs`);
      await page.getByLabel('Or paste the metadata XML').fill(h.idp.metadataXml(`${h.idpUrl}/sso`));
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.getByRole('heading', { name: 'Test and go live' }).waitFor();
      await page.getByRole('button', { name: 'Test sign-in' }).click();
      await page.getByRole('heading', { name: 'Test sign-in succeeded' }).waitFor();
      const profile = await page.locator('section.card').first().textContent();
      assert.match(profile ?? '', /grace@acme\.test/);
      assert.match(profile ?? '', /Hopper/);
      await page.getByRole('link', { name: 'Back to testing' }).click();
      await page.getByRole('button', { name: 'Activate single sign-on' }).click();
      await page.getByText('Single sign-on is live').waitFor();
    });
    const connection = await h.gw.store.connections.get(await connectionIdOf(link.id));
    assert.equal(connection.status, 'active');
    assert.equal(connection.preset, 'okta');
  });

  test('invalid metadata is refused next to the field, in plain words', async () => {
    const link = await newLink('sso');
    await withPage(browser, 'portal-invalid-metadata', async (page) => {
      await page.goto(link.url);
      await page.goto(`${h.url}/setup/sso/entra`);
      const noCertificate = h.idp.metadataXml(`${h.idpUrl}/sso`).replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/g, '');
      await page.getByLabel('Or paste the metadata XML').fill(noCertificate);
      await page.getByRole('button', { name: 'Save and continue' }).click();
      const error = page.locator('#metadata_xml-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /This metadata has no signing certificate/);
      assert.equal(await page.getByLabel('Or paste the metadata XML').getAttribute('aria-invalid'), 'true');
    });
    assert.ok(!(await h.gw.store.connections.get(await connectionIdOf(link.id)).catch(() => undefined)), 'nothing was saved');
  });

  test('metadata can be uploaded as a file instead', async () => {
    const link = await newLink('sso');
    await withPage(browser, 'portal-upload-metadata', async (page) => {
      await page.goto(link.url);
      await page.goto(`${h.url}/setup/sso/generic`);
      const xml = h.idp.metadataXml(`${h.idpUrl}/sso`);
      await page.getByLabel('Or upload the metadata file').setInputFiles({ name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.getByRole('heading', { name: 'Test and go live' }).waitFor();
    });
    const connection = await h.gw.store.connections.get(await connectionIdOf(link.id));
    assert.equal(connection.status, 'draft', 'saved, not live before a test');
    assert.equal(connection.type, 'saml');
  });

  test('an expired link shows a clear page', async () => {
    const link = await newLink('sso');
    await sql('UPDATE setup_links SET expires_at = now() - interval \'1 minute\' WHERE id = $1', [link.id]);
    await withPage(browser, 'portal-expired-link', async (page) => {
      const response = await page.goto(link.url);
      assert.equal(response?.status(), 410);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This setup link has expired');
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Ask for a new one/);
    });
  });

  test('directory sync: the token shown once, then live status after the IdP pushes a user', async () => {
    const link = await newLink('dsync');
    await withPage(browser, 'portal-dsync', async (page) => {
      await page.goto(link.url);
      await page.getByRole('link', { name: 'Set up directory sync' }).click();
      await page.getByRole('link', { name: 'Microsoft Entra ID' }).click();
      await page.getByRole('button', { name: 'Create the directory' }).click();
      const baseUrl = (await page.locator('#value-scim_base_url').textContent())!;
      const token = (await page.locator('#value-scim_token').textContent())!;
      assert.match(token, /^ghs_/);
      const path = new URL(baseUrl).pathname;
      await api().post(`${path}/Users`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/scim+json')
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@acme.test', active: true })).expect(201);
      await api().get(`${path}/Nope`).set('Authorization', `Bearer ${token}`).expect(404);
      await page.getByRole('link', { name: 'I have done this: show the status' }).click();
      const status = (await page.locator('main').textContent()) ?? '';
      assert.match(status, /Users\s*1/);
      assert.match(status, /GET \/Nope/);
      assert.doesNotMatch(status, /none yet/);
    });
  });

  async function connectionIdOf(linkId: string): Promise<string> {
    return (await h.gw.store.setupLinks.get(linkId)).connectionId;
  }
  async function sql(text: string, values: unknown[]): Promise<void> {
    const client = new pg.Client({ connectionString: h.gw.databaseUrl });
    await client.connect();
    await client.query(text, values).finally(() => client.end());
  }
});
