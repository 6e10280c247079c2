import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { applicationService } from '../../src/admin/applications.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const product = { name: 'Acme Dashboard', redirect_uris: ['https://app.acme.test/callback', 'http://localhost:3000/callback'] };

describe('admin API: applications', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgA: string;
  let keyA: string;
  before(async () => {
    gw = await startTestGateway('apps');
    orgA = (await request(gw.app).post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'A' }).expect(201)).body.id;
    const key = await request(gw.app)
      .post('/api/v1/api-keys')
      .set(bearer(gw.rootKey))
      .send({ name: 'A apps', organization_id: orgA, scopes: ['applications:write'] })
      .expect(201);
    keyA = key.body.secret;
  });
  after(() => gw?.close());

  const api = () => request(gw.app);

  test('create returns client_id and a client_secret shown once and stored hashed', async () => {
    const res = await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send(product).expect(201);
    const app = res.body;
    assert.match(app.client_id, /^client_[0-9A-Z]{26}$/);
    assert.match(app.client_secret, /^ghc_[0-9A-Za-z]{43}$/);
    assert.equal(app.token_endpoint_auth_method, 'client_secret_basic');
    assert.deepEqual(app.redirect_uris, product.redirect_uris);
    assert.equal(app.secrets.length, 1);
    assert.equal(app.secrets[0].prefix, app.client_secret.slice(0, 12));

    const read = await api().get(`/api/v1/applications/${app.id}`).set(bearer(gw.rootKey)).expect(200);
    assert.equal(read.body.client_secret, undefined);
    const stored = await gw.store.applications.get(app.id);
    assert.ok(!JSON.stringify(stored).includes(app.client_secret));
    assert.ok(await gw.services.applications.verifyClientSecret(app.client_id, app.client_secret));
    assert.ok(!(await gw.services.applications.verifyClientSecret(app.client_id, `${app.client_secret}x`)));
  });

  test('public clients get no secret', async () => {
    const res = await api()
      .post('/api/v1/applications')
      .set(bearer(gw.rootKey))
      .send({ ...product, name: 'CLI', token_endpoint_auth_method: 'none', redirect_uris: ['com.acme.cli:/callback'] })
      .expect(201);
    assert.equal(res.body.client_secret, undefined);
    assert.deepEqual(res.body.secrets, []);
    const rotate = await api().post(`/api/v1/applications/${res.body.id}/rotate-secret`).set(bearer(gw.rootKey)).send({}).expect(400);
    assert.equal(rotate.body.error.code, 'public_client');
  });

  test('rotation overlaps: the old secret works until its expiry, or stops at once with 0', async () => {
    let now = new Date('2026-12-01T00:00:00.000Z');
    const service = applicationService(gw.store, () => now);
    const created = (await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send(product).expect(201)).body;
    const rotated = await api()
      .post(`/api/v1/applications/${created.id}/rotate-secret`)
      .set(bearer(gw.rootKey))
      .send({ previous_secret_expires_in_seconds: 3600 })
      .expect(200);
    const second = rotated.body.client_secret;
    assert.notEqual(second, created.client_secret);
    assert.equal(rotated.body.secrets.length, 2);
    now = new Date(Date.now() + 1800_000);
    assert.ok(await service.verifyClientSecret(created.client_id, created.client_secret), 'old secret inside the overlap');
    assert.ok(await service.verifyClientSecret(created.client_id, second));
    now = new Date(Date.now() + 7200_000);
    assert.ok(!(await service.verifyClientSecret(created.client_id, created.client_secret)), 'old secret after the overlap');
    assert.ok(await service.verifyClientSecret(created.client_id, second));

    const third = await api()
      .post(`/api/v1/applications/${created.id}/rotate-secret`)
      .set(bearer(gw.rootKey))
      .send({ previous_secret_expires_in_seconds: 0 })
      .expect(200);
    now = new Date();
    assert.ok(!(await service.verifyClientSecret(created.client_id, second)), 'ended at once');
    assert.ok(await service.verifyClientSecret(created.client_id, third.body.client_secret));
  });

  test('redirect URIs are exact, absolute and safe', async () => {
    const res = await api()
      .post('/api/v1/applications')
      .set(bearer(gw.rootKey))
      .send({
        name: 'Bad',
        redirect_uris: ['/relative', 'http://evil.example/cb', 'https://app.test/cb#frag', 'javascript:alert(1)', 'https://u:p@app.test/'],
        initiate_login_uri: 'http://app.test/login',
      })
      .expect(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['initiate_login_uri', 'redirect_uris.0', 'redirect_uris.1', 'redirect_uris.2', 'redirect_uris.3', 'redirect_uris.4']);
    await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send({ name: 'None', redirect_uris: [] }).expect(400);
  });

  test('update, list and delete', async () => {
    const app = (await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send(product).expect(201)).body;
    const updated = await api()
      .patch(`/api/v1/applications/${app.id}`)
      .set(bearer(gw.rootKey))
      .send({ name: 'Renamed', post_logout_redirect_uris: ['https://app.acme.test/bye'], initiate_login_uri: 'https://app.acme.test/login' })
      .expect(200);
    assert.equal(updated.body.name, 'Renamed');
    assert.deepEqual(updated.body.post_logout_redirect_uris, ['https://app.acme.test/bye']);
    assert.equal(updated.body.client_id, app.client_id);
    await api().patch(`/api/v1/applications/${app.id}`).set(bearer(gw.rootKey)).send({ client_id: 'mine' }).expect(400);
    const list = await api().get('/api/v1/applications?limit=100').set(bearer(gw.rootKey)).expect(200);
    assert.ok(list.body.data.some((a: { id: string }) => a.id === app.id));
    assert.ok(!JSON.stringify(list.body).includes('"client_secret":'));
    await api().delete(`/api/v1/applications/${app.id}`).set(bearer(gw.rootKey)).expect(204);
    await api().get(`/api/v1/applications/${app.id}`).set(bearer(gw.rootKey)).expect(404);
    assert.equal(await gw.store.applications.findByClientId(app.client_id), undefined);
  });

  test('an organization-scoped key manages only its organization’s applications', async () => {
    const global = (await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send(product).expect(201)).body;
    const own = await api().post('/api/v1/applications').set(bearer(keyA)).send(product).expect(201);
    assert.equal(own.body.organization_id, orgA, 'confined to the key’s organization');
    await api().get(`/api/v1/applications/${global.id}`).set(bearer(keyA)).expect(404);
    await api().patch(`/api/v1/applications/${global.id}`).set(bearer(keyA)).send({ name: 'x' }).expect(404);
    await api().post(`/api/v1/applications/${global.id}/rotate-secret`).set(bearer(keyA)).send({}).expect(404);
    await api().delete(`/api/v1/applications/${global.id}`).set(bearer(keyA)).expect(404);
    const list = await api().get('/api/v1/applications?limit=100').set(bearer(keyA)).expect(200);
    assert.deepEqual(list.body.data.map((a: { id: string }) => a.id), [own.body.id]);
    const other = await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'B' }).expect(201);
    await api().post('/api/v1/applications').set(bearer(keyA)).send({ ...product, organization_id: other.body.id }).expect(404);
    assert.ok(await gw.services.applications.verifyClientSecret(global.client_id, global.client_secret), 'untouched');
  });

  test('every application write is audited', async () => {
    const app = (await api().post('/api/v1/applications').set(bearer(gw.rootKey)).send(product).expect(201)).body;
    await api().post(`/api/v1/applications/${app.id}/rotate-secret`).set(bearer(gw.rootKey)).send({}).expect(200);
    await api().delete(`/api/v1/applications/${app.id}`).set(bearer(gw.rootKey)).expect(204);
    const log = (await gw.store.auditLogs.list({ limit: 100 })).data.filter((e) => e.targetId === app.id);
    assert.deepEqual(log.map((e) => e.action), ['application.created', 'application.secret_rotated', 'application.deleted']);
    assert.ok(!JSON.stringify(log).includes(app.client_secret));
  });
});
