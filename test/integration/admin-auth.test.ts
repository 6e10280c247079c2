import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

describe('admin API: keys and tenant scope', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgA: string;
  let orgB: string;
  let keyA: string;
  before(async () => {
    gw = await startTestGateway('auth');
    const create = (name: string) =>
      request(gw.app).post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name }).expect(201);
    orgA = (await create('Tenant A')).body.id;
    orgB = (await create('Tenant B')).body.id;
    const key = await request(gw.app)
      .post('/api/v1/api-keys')
      .set(bearer(gw.rootKey))
      .send({ name: 'A only', organization_id: orgA, scopes: ['organizations:write', 'api_keys:write', 'audit_logs:read'] })
      .expect(201);
    keyA = key.body.secret;
  });
  after(() => gw?.close());

  const api = () => request(gw.app);

  test('missing, malformed, unknown and revoked keys are 401 with WWW-Authenticate', async () => {
    const missing = await api().get('/api/v1/organizations').expect(401);
    assert.equal(missing.body.error.code, 'missing_api_key');
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    await api().get('/api/v1/organizations').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    const unknown = await api().get('/api/v1/organizations').set(bearer(`gha_${'A'.repeat(43)}`)).expect(401);
    assert.equal(unknown.body.error.code, 'invalid_api_key');
    // Right prefix, wrong secret: found by prefix, refused by hash.
    await api().get('/api/v1/organizations').set(bearer(`${keyA.slice(0, 12)}${'z'.repeat(35)}`)).expect(401);

    const made = await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'short-lived' }).expect(201);
    await api().get('/api/v1/organizations').set(bearer(made.body.secret)).expect(200);
    const revoked = await api().post(`/api/v1/api-keys/${made.body.id}/revoke`).set(bearer(gw.rootKey)).expect(200);
    assert.ok(revoked.body.revoked_at);
    await api().get('/api/v1/organizations').set(bearer(made.body.secret)).expect(401);
  });

  test('a key is shown once; listings never carry the secret or its hash', async () => {
    const made = await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'listing' }).expect(201);
    assert.match(made.body.secret, /^gha_/);
    assert.equal(made.body.prefix, made.body.secret.slice(0, 12));
    assert.deepEqual(made.body.scopes, ['*']);
    const list = await api().get('/api/v1/api-keys?limit=100').set(bearer(gw.rootKey)).expect(200);
    const text = JSON.stringify(list.body);
    assert.ok(!text.includes(made.body.secret));
    assert.ok(!text.includes('secret_hash') && !text.includes('"secret"'));
    const listed = list.body.data.find((k: { id: string }) => k.id === made.body.id);
    assert.equal(listed.name, 'listing');
  });

  test('an organization-scoped key reaches only its organization; others are 404', async () => {
    const own = await api().get(`/api/v1/organizations/${orgA}`).set(bearer(keyA)).expect(200);
    assert.equal(own.body.id, orgA);
    await api().get(`/api/v1/organizations/${orgB}`).set(bearer(keyA)).expect(404);
    await api().patch(`/api/v1/organizations/${orgB}`).set(bearer(keyA)).send({ name: 'Hijacked' }).expect(404);
    await api().delete(`/api/v1/organizations/${orgB}`).set(bearer(keyA)).expect(404);
    const list = await api().get('/api/v1/organizations').set(bearer(keyA)).expect(200);
    assert.deepEqual(list.body.data.map((o: { id: string }) => o.id), [orgA]);
    const b = await gw.store.organizations.get(orgB);
    assert.equal(b.name, 'Tenant B');
  });

  test('an organization-scoped key cannot create organizations, unscoped keys or wider scopes', async () => {
    const org = await api().post('/api/v1/organizations').set(bearer(keyA)).send({ name: 'Sneaky' }).expect(403);
    assert.equal(org.body.error.code, 'forbidden');
    await api().post('/api/v1/api-keys').set(bearer(keyA)).send({ name: 'x', organization_id: orgB }).expect(404);
    const wider = await api().post('/api/v1/api-keys').set(bearer(keyA)).send({ name: 'x', scopes: ['*'] }).expect(403);
    assert.equal(wider.body.error.code, 'insufficient_scope');
    const child = await api()
      .post('/api/v1/api-keys')
      .set(bearer(keyA))
      .send({ name: 'child', scopes: ['organizations:read'] })
      .expect(201);
    assert.equal(child.body.organization_id, orgA, 'inherits the organization');
    await api().get(`/api/v1/organizations/${orgB}`).set(bearer(child.body.secret)).expect(404);
    await api().patch(`/api/v1/organizations/${orgA}`).set(bearer(child.body.secret)).send({ name: 'x' }).expect(403);
  });

  test('keys of another organization are invisible to a scoped key', async () => {
    const other = await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'B key', organization_id: orgB }).expect(201);
    await api().get(`/api/v1/api-keys/${other.body.id}`).set(bearer(keyA)).expect(404);
    await api().post(`/api/v1/api-keys/${other.body.id}/revoke`).set(bearer(keyA)).expect(404);
    const list = await api().get('/api/v1/api-keys?limit=100').set(bearer(keyA)).expect(200);
    assert.ok(list.body.data.every((k: { organization_id: string }) => k.organization_id === orgA));
    await api().get('/api/v1/organizations').set(bearer(other.body.secret)).expect(200);
  });

  test('creating a key for an unknown organization is 404 and writes nothing', async () => {
    const before = (await gw.store.apiKeys.list({ limit: 100 })).data.length;
    await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'x', organization_id: 'org_01ARZ3NDEKTSV4RRFFQ69G5FAV' }).expect(404);
    await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'x', scopes: ['root'] }).expect(400);
    assert.equal((await gw.store.apiKeys.list({ limit: 100 })).data.length, before);
  });

  test('last_used_at is recorded', async () => {
    const made = await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'used' }).expect(201);
    assert.equal(made.body.last_used_at, null);
    await api().get('/api/v1/organizations').set(bearer(made.body.secret)).expect(200);
    const read = await api().get(`/api/v1/api-keys/${made.body.id}`).set(bearer(gw.rootKey)).expect(200);
    assert.ok(read.body.last_used_at);
  });
});
