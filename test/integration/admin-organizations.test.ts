import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

describe('admin API: organizations', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('orgs');
  });
  after(() => gw?.close());

  const api = () => request(gw.app);

  test('create, read, update, list and delete an organization', async () => {
    const created = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .send({ name: 'Acme Corp', domains: ['ACME.com', 'acme.io.'], external_id: 'crm-42' })
      .expect(201);
    const org = created.body;
    assert.match(org.id, /^org_[0-9A-Z]{26}$/);
    assert.equal(org.object, 'organization');
    assert.deepEqual(org.domains, ['acme.com', 'acme.io']);
    assert.equal(org.external_id, 'crm-42');
    assert.match(org.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const read = await api().get(`/api/v1/organizations/${org.id}`).set(bearer(gw.rootKey)).expect(200);
    assert.deepEqual(read.body, org);

    const updated = await api()
      .patch(`/api/v1/organizations/${org.id}`)
      .set(bearer(gw.rootKey))
      .send({ name: 'Acme Inc', domains: ['acme.com', 'acme.dev'] })
      .expect(200);
    assert.equal(updated.body.name, 'Acme Inc');
    assert.deepEqual(updated.body.domains, ['acme.com', 'acme.dev']);
    assert.equal(updated.body.external_id, 'crm-42');

    await api().delete(`/api/v1/organizations/${org.id}`).set(bearer(gw.rootKey)).expect(204);
    const gone = await api().get(`/api/v1/organizations/${org.id}`).set(bearer(gw.rootKey)).expect(404);
    assert.equal(gone.body.error.code, 'not_found');
    assert.ok(gone.body.error.request_id);
  });

  test('cursor pagination walks every organization once, in creation order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: `Paged ${i}` }).expect(201);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: 2, ...(after ? { after } : {}) };
      const page = await api().get('/api/v1/organizations').query(query).set(bearer(gw.rootKey)).expect(200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((o: { id: string }) => o.id));
      after = page.body.list_metadata.after;
    } while (after);
    const ours = seen.filter((id) => ids.includes(id));
    assert.deepEqual(ours, ids);
    assert.equal(new Set(seen).size, seen.length);
  });

  test('a domain belongs to one organization: 409, and nothing is written', async () => {
    await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'First', domains: ['taken.example'] }).expect(201);
    const before = await gw.store.organizations.list({ limit: 100 });
    const clash = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .send({ name: 'Second', domains: ['fresh.example', 'taken.example'] })
      .expect(409);
    assert.equal(clash.body.error.code, 'domain_taken');
    const afterList = await gw.store.organizations.list({ limit: 100 });
    assert.equal(afterList.data.length, before.data.length);
    assert.ok(!afterList.data.some((o) => o.name === 'Second'));
  });

  test('invalid payloads list their problems (400) and write nothing', async () => {
    const res = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .send({ name: '', domains: ['not a domain', '10.0.0.1'], colour: 'red' })
      .expect(400);
    assert.equal(res.body.error.code, 'validation_failed');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['(root)', 'domains.0', 'domains.1', 'name']);
  });

  test('malformed JSON is 400, the wrong content type 415, an oversized body 413', async () => {
    const malformed = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .set('Content-Type', 'application/json')
      .send('{"name": "Acme",')
      .expect(400);
    assert.equal(malformed.body.error.code, 'malformed_json');

    const wrongType = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .set('Content-Type', 'text/plain')
      .send('name=Acme')
      .expect(415);
    assert.equal(wrongType.body.error.code, 'unsupported_media_type');

    const huge = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .send({ name: 'Big', domains: [], padding: 'x'.repeat(20_000) })
      .expect(413);
    assert.equal(huge.body.error.code, 'payload_too_large');
  });

  test('unknown ids and bad list parameters', async () => {
    await api().get('/api/v1/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV').set(bearer(gw.rootKey)).expect(404);
    await api().patch('/api/v1/organizations/nonsense').set(bearer(gw.rootKey)).send({ name: 'x' }).expect(404);
    await api().delete('/api/v1/organizations/nonsense').set(bearer(gw.rootKey)).expect(404);
    const limit = await api().get('/api/v1/organizations?limit=1000').set(bearer(gw.rootKey)).expect(400);
    assert.match(limit.body.error.message, /limit/);
    await api().get('/api/v1/organizations?after=garbage').set(bearer(gw.rootKey)).expect(400);
    await api().get('/api/v1/organizations?limit=1&limit=2').set(bearer(gw.rootKey)).expect(400);
  });

  test('unknown routes: JSON under /api, an HTML page elsewhere', async () => {
    const json = await api().get('/api/v1/nothing-here').set(bearer(gw.rootKey)).expect(404);
    assert.equal(json.body.error.code, 'route_not_found');
    const html = await api().get('/nothing-here').expect(404);
    assert.match(html.headers['content-type'] ?? '', /text\/html/);
    assert.match(html.text, /Request ID <code>[0-9a-f-]{36}<\/code>/);
  });
});
