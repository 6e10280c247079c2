import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { scimClient, URN } from '../support/scim.js';
import { requires } from '../support/services.js';

describe('admin API: directories', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgA: string;
  let orgB: string;
  let keyB: string;
  before(async () => {
    gw = await startTestGateway('directories');
    const api = request(gw.app);
    orgA = (await api.post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'A' }).expect(201)).body.id;
    orgB = (await request(gw.app).post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'B' }).expect(201)).body.id;
    keyB = (await request(gw.app).post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'B', organization_id: orgB, scopes: ['directories:write'] }).expect(201)).body.secret;
  });
  after(() => gw?.close());

  const api = () => request(gw.app);
  const create = (org: string, body: object = { name: 'Okta', provider: 'okta' }) => api().post(`/api/v1/organizations/${org}/directories`).set(bearer(gw.rootKey)).send(body);

  test('create returns the SCIM base URL and a bearer token shown once, stored hashed', async () => {
    const res = await create(orgA).expect(201);
    assert.match(res.body.id, /^dir_/);
    assert.equal(res.body.scim_base_url, `http://gatehouse.test/scim/v2/${res.body.id}`);
    assert.match(res.body.bearer_token, /^ghs_[0-9A-Za-z]{43}$/);
    assert.equal(res.body.provider, 'okta');
    const read = await api().get(`/api/v1/directories/${res.body.id}`).set(bearer(gw.rootKey)).expect(200);
    assert.equal(read.body.bearer_token, undefined);
    assert.equal(read.body.token_prefix, res.body.bearer_token.slice(0, 12));
    assert.equal(read.body.user_count, 0);
    const stored = await gw.store.directories.get(res.body.id);
    assert.notEqual(stored.tokens[0]!.secretHash, res.body.bearer_token);
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(res.body.bearer_token));
  });

  test('validation: unknown provider, empty name, unknown fields', async () => {
    const res = await create(orgA, { name: '', provider: 'ldap', extra: 1 }).expect(400);
    assert.deepEqual(res.body.error.issues.map((i: { path: string }) => i.path).sort(), ['(root)', 'name', 'provider']);
  });

  test('rotate-token: the new token works at once, the old one for the grace period, then not', async () => {
    const dir = (await create(orgA).expect(201)).body;
    const old = scimClient(gw, `/scim/v2/${dir.id}`, dir.bearer_token);
    await old('get', '/Users').expect(200);
    const rotated = (await api().post(`/api/v1/directories/${dir.id}/rotate-token`).set(bearer(gw.rootKey)).send({}).expect(200)).body;
    assert.notEqual(rotated.bearer_token, dir.bearer_token);
    assert.equal(rotated.previous_tokens.length, 1);
    await old('get', '/Users').expect(200);
    await scimClient(gw, `/scim/v2/${dir.id}`, rotated.bearer_token)('get', '/Users').expect(200);
    const now = (await api().post(`/api/v1/directories/${dir.id}/rotate-token`).set(bearer(gw.rootKey)).send({ previous_token_expires_in_seconds: 0 }).expect(200)).body;
    await old('get', '/Users').expect(401);
    await scimClient(gw, `/scim/v2/${dir.id}`, rotated.bearer_token)('get', '/Users').expect(401);
    await scimClient(gw, `/scim/v2/${dir.id}`, now.bearer_token)('get', '/Users').expect(200);
  });

  test('read API: users with cursor pages and filters, one user with its groups, groups', async () => {
    const dir = (await create(orgA).expect(201)).body;
    const scim = scimClient(gw, `/scim/v2/${dir.id}`, dir.bearer_token);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = { schemas: [URN.user], userName: `read${i}@acme.test`, name: { givenName: `R${i}`, familyName: 'Reader' }, emails: [{ value: `Read${i}@Acme.test`, primary: true }], active: i !== 4 };
      ids.push((await scim('post', '/Users', body).expect(201)).body.id);
    }
    const group = (await scim('post', '/Groups', { schemas: [URN.group], displayName: 'Readers', members: [{ value: ids[0] }, { value: ids[1] }] }).expect(201)).body;

    const first = (await api().get(`/api/v1/directories/${dir.id}/users?limit=2`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(first.data.map((u: { id: string }) => u.id), ids.slice(0, 2));
    assert.equal(first.data[0].first_name, 'R0');
    assert.equal(first.data[0].email, 'Read0@Acme.test');
    const second = (await api().get(`/api/v1/directories/${dir.id}/users?limit=2&after=${first.list_metadata.after}`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(second.data.map((u: { id: string }) => u.id), ids.slice(2, 4));
    const byEmail = (await api().get(`/api/v1/directories/${dir.id}/users?email=read3@acme.test`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(byEmail.data.map((u: { id: string }) => u.id), [ids[3]]);
    const inactive = (await api().get(`/api/v1/directories/${dir.id}/users?active=false`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(inactive.data.map((u: { id: string }) => u.id), [ids[4]]);
    const inGroup = (await api().get(`/api/v1/directories/${dir.id}/users?group=${group.id}`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(inGroup.data.map((u: { id: string }) => u.id), ids.slice(0, 2));
    const one = (await api().get(`/api/v1/directories/${dir.id}/users/${ids[0]}`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(one.groups, [{ id: group.id, name: 'Readers' }]);
    const groups = (await api().get(`/api/v1/directories/${dir.id}/groups`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(groups.data.map((g: { name: string }) => g.name), ['Readers']);
    const counted = (await api().get(`/api/v1/directories/${dir.id}`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.equal(counted.user_count, 5);
    assert.equal(counted.group_count, 1);
    assert.notEqual(counted.last_request_at, null);
  });

  test('another organization\'s key gets 404 for every directory route; delete removes the directory and its token', async () => {
    const dir = (await create(orgA).expect(201)).body;
    for (const path of ['', '/users', '/groups', `/users/dusr_01JABCDEFGHJKMNPQRSTVWXYZ0`]) {
      await api().get(`/api/v1/directories/${dir.id}${path}`).set(bearer(keyB)).expect(404);
    }
    await api().post(`/api/v1/directories/${dir.id}/rotate-token`).set(bearer(keyB)).send({}).expect(404);
    await api().delete(`/api/v1/directories/${dir.id}`).set(bearer(keyB)).expect(404);
    await api().post(`/api/v1/organizations/${orgA}/directories`).set(bearer(keyB)).send({ name: 'x' }).expect(404);
    await api().post(`/api/v1/organizations/${orgB}/directories`).set(bearer(keyB)).send({ name: 'mine' }).expect(201);

    await api().delete(`/api/v1/directories/${dir.id}`).set(bearer(gw.rootKey)).expect(204);
    await api().get(`/api/v1/directories/${dir.id}`).set(bearer(gw.rootKey)).expect(404);
    await scimClient(gw, `/scim/v2/${dir.id}`, dir.bearer_token)('get', '/Users').expect(401);
  });
});
