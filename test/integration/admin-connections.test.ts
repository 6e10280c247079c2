import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const secret = 'a-very-long-mock-signing-secret-0123456789';
const mock = {
  type: 'mock',
  name: 'Dev IdP',
  config: { users: [{ id: 'u1', email: 'ada@acme.test', first_name: 'Ada', groups: ['eng'] }], signing_secret: secret },
  attribute_mapping: { department: 'dept' },
};

describe('admin API: connections', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgA: string;
  let orgB: string;
  let keyA: string;
  before(async () => {
    gw = await startTestGateway('connections');
    const org = (name: string) => request(gw.app).post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name }).expect(201);
    orgA = (await org('A')).body.id;
    orgB = (await org('B')).body.id;
    keyA = (
      await request(gw.app)
        .post('/api/v1/api-keys')
        .set(bearer(gw.rootKey))
        .send({ name: 'A', organization_id: orgA, scopes: ['connections:write'] })
        .expect(201)
    ).body.secret;
  });
  after(() => gw?.close());
  const api = () => request(gw.app);

  test('create validates the config with the connector type, seals secrets and never echoes them', async () => {
    const res = await api().post(`/api/v1/organizations/${orgA}/connections`).set(bearer(gw.rootKey)).send(mock).expect(201);
    assert.match(res.body.id, /^conn_[0-9A-Z]{26}$/);
    assert.equal(res.body.status, 'draft');
    assert.equal(res.body.mock.signing_secret, '********');
    assert.equal(res.body.mock.users[0].email, 'ada@acme.test');
    assert.deepEqual(res.body.attribute_mapping, { department: 'dept' });
    const stored = await gw.store.connections.get(res.body.id);
    assert.ok(!JSON.stringify(stored).includes(secret), 'sealed at rest');
    assert.match(String(stored.config.signing_secret), /^v1\./);
    const read = await api().get(`/api/v1/connections/${res.body.id}`).set(bearer(gw.rootKey)).expect(200);
    assert.ok(!JSON.stringify(read.body).includes(secret));
  });

  test('a bad config or unknown type is 400 with the path inside config, and nothing is written', async () => {
    const before = (await gw.store.connections.list({ limit: 100, organizationId: orgA })).data.length;
    const bad = await api()
      .post(`/api/v1/organizations/${orgA}/connections`)
      .set(bearer(gw.rootKey))
      .send({ ...mock, config: { users: [], signing_secret: 'short' } })
      .expect(400);
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['config.signing_secret', 'config.users']);
    await api().post(`/api/v1/organizations/${orgA}/connections`).set(bearer(gw.rootKey)).send({ ...mock, type: 'ldap' }).expect(400);
    await api().post(`/api/v1/organizations/${orgA}/connections`).set(bearer(gw.rootKey)).send({ ...mock, status: 'on' }).expect(400);
    await api().post('/api/v1/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV/connections').set(bearer(gw.rootKey)).send(mock).expect(404);
    assert.equal((await gw.store.connections.list({ limit: 100, organizationId: orgA })).data.length, before);
  });

  test('PATCH merges config, keeps a masked secret, and records activation and deactivation', async () => {
    const created = (await api().post(`/api/v1/organizations/${orgA}/connections`).set(bearer(gw.rootKey)).send(mock).expect(201)).body;
    const users = [...mock.config.users, { id: 'u2', email: 'bob@acme.test' }];
    const activated = await api()
      .patch(`/api/v1/connections/${created.id}`)
      .set(bearer(gw.rootKey))
      .send({ status: 'active', config: { users, signing_secret: '********' } })
      .expect(200);
    assert.equal(activated.body.status, 'active');
    assert.equal(activated.body.mock.users.length, 2);
    const box = (await import('../../src/store/encryption.js')).createSecretBox(gw.config.security.encryptionKey!);
    const stored = await gw.store.connections.get(created.id);
    assert.equal(box.open(String(stored.config.signing_secret), `connection:${orgA}:signing_secret`), secret, 'secret kept');
    await api().patch(`/api/v1/connections/${created.id}`).set(bearer(gw.rootKey)).send({ status: 'inactive' }).expect(200);
    const log = (await gw.store.auditLogs.list({ limit: 100, organizationId: orgA })).data.filter((e) => e.targetId === created.id);
    assert.deepEqual(log.map((e) => e.action), ['connection.created', 'connection.activated', 'connection.updated', 'connection.deactivated', 'connection.updated']);
  });

  test('an organization-scoped key reaches only its own connections', async () => {
    const theirs = (await api().post(`/api/v1/organizations/${orgB}/connections`).set(bearer(gw.rootKey)).send(mock).expect(201)).body;
    await api().get(`/api/v1/connections/${theirs.id}`).set(bearer(keyA)).expect(404);
    await api().patch(`/api/v1/connections/${theirs.id}`).set(bearer(keyA)).send({ status: 'active' }).expect(404);
    await api().delete(`/api/v1/connections/${theirs.id}`).set(bearer(keyA)).expect(404);
    await api().get(`/api/v1/organizations/${orgB}/connections`).set(bearer(keyA)).expect(404);
    await api().post(`/api/v1/organizations/${orgB}/connections`).set(bearer(keyA)).send(mock).expect(404);
    const own = await api().post(`/api/v1/organizations/${orgA}/connections`).set(bearer(keyA)).send(mock).expect(201);
    const list = await api().get(`/api/v1/organizations/${orgA}/connections?limit=100`).set(bearer(keyA)).expect(200);
    assert.ok(list.body.data.some((c: { id: string }) => c.id === own.body.id));
    assert.ok(list.body.data.every((c: { organization_id: string }) => c.organization_id === orgA));
    assert.equal((await gw.store.connections.get(theirs.id)).status, 'draft', 'untouched');
    await api().delete(`/api/v1/connections/${own.body.id}`).set(bearer(keyA)).expect(204);
    await api().get(`/api/v1/connections/${own.body.id}`).set(bearer(keyA)).expect(404);
  });

  test('activation, deactivation and deleting an active connection are lifecycle events', async () => {
    const created = (await api().post(`/api/v1/organizations/${orgB}/connections`).set(bearer(gw.rootKey)).send({ ...mock, status: 'active' }).expect(201)).body;
    await api().patch(`/api/v1/connections/${created.id}`).set(bearer(gw.rootKey)).send({ name: 'renamed' }).expect(200);
    await api().patch(`/api/v1/connections/${created.id}`).set(bearer(gw.rootKey)).send({ status: 'inactive' }).expect(200);
    await api().patch(`/api/v1/connections/${created.id}`).set(bearer(gw.rootKey)).send({ status: 'active' }).expect(200);
    await api().delete(`/api/v1/connections/${created.id}`).set(bearer(gw.rootKey)).expect(204);
    const events = (await gw.store.outbox.feed({ afterSequence: 0n, limit: 1000, organizationId: orgB })).filter((e) => e.data.id === created.id);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.status, e.data.previous_status]),
      [
        ['connection.activated', 'active', null],
        ['connection.deactivated', 'inactive', 'active'],
        ['connection.activated', 'active', 'inactive'],
        ['connection.deactivated', 'inactive', 'active'],
      ],
    );
    assert.ok(events.every((e) => e.organizationId === orgB && !JSON.stringify(e.data).includes('signing_secret')));
  });
});
