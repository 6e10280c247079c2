import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

interface Entry {
  action: string;
  outcome: string;
  organization_id: string | null;
  target: { type: string; id: string | null };
  actor: { type: string; id: string | null };
  context: { ip: string | null; user_agent: string | null; request_id: string | null };
  metadata: Record<string, unknown>;
}

describe('admin API: audit log', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('audit');
  });
  after(() => gw?.close());

  const api = () => request(gw.app);
  const entries = async (key: string, query = '') =>
    (await api().get(`/api/v1/audit-logs?limit=100${query}`).set(bearer(key)).expect(200)).body.data as Entry[];

  test('every admin write is recorded with actor, target, request id and outcome', async () => {
    const org = await api()
      .post('/api/v1/organizations')
      .set(bearer(gw.rootKey))
      .set('User-Agent', 'audit-test/1.0')
      .set('X-Request-Id', 'req-audit-0001')
      .send({ name: 'Audited' })
      .expect(201);
    await api().patch(`/api/v1/organizations/${org.body.id}`).set(bearer(gw.rootKey)).send({ name: 'Audited 2' }).expect(200);
    const key = await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'k', organization_id: org.body.id }).expect(201);
    await api().post(`/api/v1/api-keys/${key.body.id}/revoke`).set(bearer(gw.rootKey)).expect(200);

    const mine = await entries(gw.rootKey, `&organization_id=${org.body.id}`);
    assert.deepEqual(
      mine.map((e) => e.action),
      ['organization.created', 'organization.updated', 'api_key.created', 'api_key.revoked'],
    );
    const created = mine[0]!;
    assert.equal(created.outcome, 'success');
    assert.deepEqual(created.target, { type: 'organization', id: org.body.id });
    assert.equal(created.actor.type, 'api_key');
    assert.ok(created.actor.id?.startsWith('key_'));
    assert.equal(created.context.request_id, 'req-audit-0001');
    assert.equal(created.context.user_agent, 'audit-test/1.0');
    assert.ok(created.context.ip);
    assert.ok(!JSON.stringify(mine).includes(key.body.secret), 'secrets never reach the audit log');
  });

  test('a refused write is recorded as a failure with its error code', async () => {
    await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'Dup', domains: ['dup.example'] }).expect(201);
    await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'Dup 2', domains: ['dup.example'] }).expect(409);
    const failures = (await entries(gw.rootKey)).filter((e) => e.outcome === 'failure');
    assert.ok(failures.some((e) => e.action === 'organization.created' && e.metadata.error_code === 'domain_taken'));
  });

  test('an organization-scoped key reads only its own organization', async () => {
    const a = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'A' }).expect(201)).body.id;
    const b = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'B' }).expect(201)).body.id;
    const key = await api()
      .post('/api/v1/api-keys')
      .set(bearer(gw.rootKey))
      .send({ name: 'reader', organization_id: a, scopes: ['audit_logs:read'] })
      .expect(201);
    const seen = await entries(key.body.secret);
    assert.ok(seen.length > 0);
    assert.ok(seen.every((e) => e.organization_id === a));
    await api().get(`/api/v1/audit-logs?organization_id=${b}`).set(bearer(key.body.secret)).expect(404);
    await api().get('/api/v1/organizations').set(bearer(key.body.secret)).expect(403);
  });

  test('the audit log pages with the same cursor as every list', async () => {
    const first = await api().get('/api/v1/audit-logs?limit=1').set(bearer(gw.rootKey)).expect(200);
    assert.equal(first.body.data.length, 1);
    const cursor = first.body.list_metadata.after;
    assert.ok(cursor);
    const second = await api().get(`/api/v1/audit-logs?limit=1&after=${cursor}`).set(bearer(gw.rootKey)).expect(200);
    assert.notEqual(second.body.data[0].id, first.body.data[0].id);
  });

  test('newest first walks back through every entry exactly once', async () => {
    const all = (await gw.store.auditLogs.list({ limit: 1000 })).data.map((e) => e.id);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await gw.store.auditLogs.list({ limit: 3, after, newestFirst: true });
      seen.push(...page.data.map((e) => e.id));
      after = page.after ?? undefined;
    } while (after);
    assert.deepEqual(seen, [...all].reverse());
  });
});
