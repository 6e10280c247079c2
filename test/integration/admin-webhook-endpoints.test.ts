import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { cliContext } from '../../src/admin/context.js';
import { webhookEndpointService } from '../../src/admin/webhook-endpoints.js';
import { createSecretBox, type SecretBox } from '../../src/store/encryption.js';
import { secretContext } from '../../src/webhooks/signing.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('admin API: webhook endpoints', await requires('postgres'), () => {
  let gw: TestGateway;
  let db: pg.Client;
  let box: SecretBox;
  let orgA: string;
  let orgB: string;
  let keyB: string;
  before(async () => {
    gw = await startTestGateway('webhook_endpoints');
    db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
    box = createSecretBox(gw.config.security.encryptionKey!);
    orgA = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'A' }).expect(201)).body.id;
    orgB = (await api().post('/api/v1/organizations').set(bearer(gw.rootKey)).send({ name: 'B' }).expect(201)).body.id;
    keyB = (await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'B', organization_id: orgB, scopes: ['webhook_endpoints:write'] }).expect(201)).body.secret;
  });
  after(async () => {
    await db?.end();
    await gw?.close();
  });

  const api = () => request(gw.app);
  const path = (id: string, rest = '') => `/api/v1/webhook-endpoints/${id}${rest}`;
  const create = (body: object, key = gw.rootKey) => api().post('/api/v1/webhook-endpoints').set(bearer(key)).send(body);
  const endpoint = async (body: object = {}) => (await create({ url: 'https://hooks.example.com/gatehouse', events: ['directory.user.*'], organization_id: orgA, ...body }).expect(201)).body;
  const issuePaths = (res: request.Response) => (res.body.error.issues as Array<{ path: string }>).map((i) => i.path).sort();

  test('create shows the whsec_ secret once and stores it sealed, bound to the endpoint', async () => {
    const res = await create({ url: 'https://hooks.example.com/a', events: ['directory.user.created', 'directory.*', 'directory.user.created'], description: 'CRM sync', organization_id: orgA }).expect(201);
    const body = res.body;
    assert.match(body.id, /^wh_/);
    assert.match(body.secret, SECRET_SHAPE);
    assert.equal(Buffer.from(body.secret.slice('whsec_'.length), 'base64').length, 32);
    assert.deepEqual(body.events, ['directory.user.created', 'directory.*']);
    assert.equal(body.enabled, true);
    assert.equal(body.description, 'CRM sync');
    assert.equal(body.organization_id, orgA);
    for (const key of ['disabled_reason', 'disabled_at', 'failing_since', 'previous_secret_expires_at']) assert.equal(body[key], null, key);
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const read = (await api().get(path(body.id)).set(bearer(gw.rootKey)).expect(200)).body;
    assert.equal(read.secret, undefined);
    assert.equal(JSON.stringify(read).includes(body.secret), false);
    const stored = await gw.store.webhookEndpoints.get(body.id);
    assert.equal(JSON.stringify(stored).includes(body.secret), false);
    assert.equal(box.open(stored.secretSealed, secretContext(body.id)), body.secret);
    assert.throws(() => box.open(stored.secretSealed, secretContext('wh_other')));
  });

  test('an unscoped key may create a deployment-wide endpoint; enabled and description default', async () => {
    const body = (await create({ url: 'http://127.0.0.1:9/hook', events: ['*'] }).expect(201)).body;
    assert.equal(body.organization_id, null);
    assert.equal(body.enabled, true);
    assert.equal(body.description, '');
  });

  test('validation: addresses, schemes, credentials, fragments, event patterns, unknown fields', async () => {
    const refused = async (url: string, message: RegExp) => {
      const res = await create({ url, events: ['*'] }).expect(400);
      assert.deepEqual(issuePaths(res), ['url'], url);
      assert.match(res.body.error.message, message, url);
    };
    await refused('https://10.0.0.1/hook', /private or link-local address \(10\.0\.0\.1\)/);
    await refused('https://169.254.169.254/latest/meta-data', /private or link-local/);
    await refused('https://[fd00::1]/hook', /private or link-local/);
    await refused('https://[::ffff:192.168.1.1]/hook', /private or link-local/);
    await refused('https://0x0a000001/hook', /private or link-local/);
    await refused('https://user:pw@hooks.example.com/', /credentials/);
    await refused('https://hooks.example.com/#frag', /fragment/);
    await refused('ftp://hooks.example.com/', /must use https or http/);
    await refused('not a url', /absolute URL/);
    await refused(`https://hooks.example.com/${'a'.repeat(2048)}`, /at most 2048/);

    const events = await create({ url: 'https://hooks.example.com/', events: ['directory.user.*', 'directory.usr.created', 'sso.*.x'] }).expect(400);
    assert.deepEqual(issuePaths(events), ['events.1', 'events.2']);
    assert.match(events.body.error.message, /"directory\.usr\.created" is not an event type/);
    assert.deepEqual(issuePaths(await create({ url: 'https://hooks.example.com/', events: [] }).expect(400)), ['events']);
    assert.deepEqual(issuePaths(await create({ url: 'https://hooks.example.com/', events: Array.from({ length: 51 }, () => '*') }).expect(400)), ['events']);
    assert.deepEqual(issuePaths(await create({ url: 'https://hooks.example.com/', events: ['webhook_endpoint.test'] }).expect(400)), ['events.0']);
    assert.deepEqual(issuePaths(await create({ url: 'https://hooks.example.com/', events: ['*'], secret: 'x' }).expect(400)), ['(root)']);
    assert.deepEqual(issuePaths(await create({ events: ['*'] }).expect(400)), ['url']);
  });

  test('without GATEHOUSE_ALLOW_INSECURE_OUTBOUND: https only, no loopback literal', async () => {
    const strict = webhookEndpointService(gw.store, { secretBox: box, clock: () => new Date(), allowInsecureUrls: false });
    const problem = async (url: string) => {
      const error = await strict.create(cliContext(), { url, events: ['*'] }).then(() => undefined, (e: Error) => e);
      return error?.message;
    };
    assert.match((await problem('http://hooks.example.com/'))!, /url: must use https$/);
    assert.match((await problem('https://127.0.0.1/'))!, /loopback/);
    assert.match((await problem('https://[::1]:8443/'))!, /loopback/);
    assert.equal(await problem('https://hooks.example.com/'), undefined);
    // WEBHOOK_ALLOW_PRIVATE_ADDRESSES admits private ranges, never link-local (cloud metadata).
    const internal = webhookEndpointService(gw.store, { secretBox: box, clock: () => new Date(), allowInsecureUrls: false, allowPrivateAddresses: true });
    await internal.create(cliContext(), { url: 'https://10.0.0.1/hook', events: ['*'] });
    await assert.rejects(internal.create(cliContext(), { url: 'https://169.254.169.254/', events: ['*'] }), /link-local/);
    await assert.rejects(internal.create(cliContext(), { url: 'https://[fe80::1]/', events: ['*'] }), /link-local/);
    // With the switch on (the test gateway), both are accepted.
    await create({ url: 'http://localhost:3000/hook', events: ['*'] }).expect(201);
    await create({ url: 'https://127.0.0.1/hook', events: ['*'] }).expect(201);
  });

  test('PATCH changes each field; enabled:false records when, enabled:true clears the disabled state', async () => {
    const e = await endpoint();
    const patch = (body: object, status = 200) => api().patch(path(e.id)).set(bearer(gw.rootKey)).send(body).expect(status);
    assert.equal((await patch({ url: 'https://other.example.com/x' })).body.url, 'https://other.example.com/x');
    assert.deepEqual((await patch({ events: ['sso.login.*', 'connection.activated'] })).body.events, ['sso.login.*', 'connection.activated']);
    assert.equal((await patch({ description: 'renamed' })).body.description, 'renamed');
    assert.equal((await patch({ organization_id: orgB })).body.organization_id, orgB);
    assert.equal((await patch({ organization_id: null })).body.organization_id, null);
    await patch({ organization_id: 'org_01JABCDEFGHJKMNPQRSTVWXYZ0' }, 404);
    await patch({ url: 'https://10.1.2.3/' }, 400);
    await patch({ events: [] }, 400);

    const off = (await patch({ enabled: false })).body;
    assert.equal(off.enabled, false);
    assert.equal(off.disabled_reason, 'disabled by an admin');
    assert.notEqual(off.disabled_at, null);

    // As the delivery engine leaves an endpoint it gave up on.
    await db.query(`UPDATE webhook_endpoints SET disabled_reason = 'failing for 5 days', failing_since = now() - interval '5 days' WHERE id = $1`, [e.id]);
    const stillOff = (await patch({ enabled: false })).body;
    assert.equal(stillOff.disabled_reason, 'failing for 5 days');
    const on = (await patch({ enabled: true })).body;
    assert.equal(on.enabled, true);
    assert.equal(on.disabled_reason, null);
    assert.equal(on.disabled_at, null);
    assert.equal(on.failing_since, null);
  });

  test('rotate-secret: a new secret once; the previous one keeps signing for the grace period', async () => {
    const e = await endpoint();
    const before = await gw.store.webhookEndpoints.get(e.id);
    const started = Date.now();
    const rotated = (await api().post(path(e.id, '/rotate-secret')).set(bearer(gw.rootKey)).send({}).expect(200)).body;
    assert.match(rotated.secret, SECRET_SHAPE);
    assert.notEqual(rotated.secret, e.secret);
    const expires = Date.parse(rotated.previous_secret_expires_at);
    assert.ok(expires >= started + 86_400_000 - 1000 && expires <= Date.now() + 86_400_000, rotated.previous_secret_expires_at);
    const stored = await gw.store.webhookEndpoints.get(e.id);
    assert.equal(stored.previousSecretSealed, before.secretSealed);
    assert.equal(box.open(stored.previousSecretSealed!, secretContext(e.id)), e.secret);
    assert.equal(box.open(stored.secretSealed, secretContext(e.id)), rotated.secret);

    const short = (await api().post(path(e.id, '/rotate-secret')).set(bearer(gw.rootKey)).send({ previous_secret_expires_in_seconds: 60 }).expect(200)).body;
    assert.ok(Math.abs(Date.parse(short.previous_secret_expires_at) - Date.now() - 60_000) < 5000);
    const now = (await api().post(path(e.id, '/rotate-secret')).set(bearer(gw.rootKey)).send({ previous_secret_expires_in_seconds: 0 }).expect(200)).body;
    assert.equal(now.previous_secret_expires_at, null);
    assert.equal((await gw.store.webhookEndpoints.get(e.id)).previousSecretSealed, null);
    await api().post(path(e.id, '/rotate-secret')).set(bearer(gw.rootKey)).send({ previous_secret_expires_in_seconds: 2_592_001 }).expect(400);
  });

  test('an organization-scoped key reaches only its own endpoints; others are 404', async () => {
    const a = await endpoint();
    const global = await endpoint({ organization_id: null });
    for (const id of [a.id, global.id]) {
      for (const rest of ['', '/deliveries', '/deliveries/msg_01JABCDEFGHJKMNPQRSTVWXYZ0']) await api().get(path(id, rest)).set(bearer(keyB)).expect(404);
      await api().patch(path(id)).set(bearer(keyB)).send({ description: 'x' }).expect(404);
      await api().post(path(id, '/rotate-secret')).set(bearer(keyB)).send({}).expect(404);
      await api().post(path(id, '/test')).set(bearer(keyB)).expect(404);
      await api().post(path(id, '/deliveries/replay')).set(bearer(keyB)).send({ since: new Date().toISOString() }).expect(404);
      await api().post(path(id, '/deliveries/msg_01JABCDEFGHJKMNPQRSTVWXYZ0/retry')).set(bearer(keyB)).expect(404);
      await api().delete(path(id)).set(bearer(keyB)).expect(404);
    }
    await create({ url: 'https://hooks.example.com/', events: ['*'], organization_id: orgA }, keyB).expect(404);
    const mine = (await create({ url: 'https://hooks.example.com/b', events: ['*'] }, keyB).expect(201)).body;
    assert.equal(mine.organization_id, orgB);
    await api().patch(path(mine.id)).set(bearer(keyB)).send({ organization_id: orgA }).expect(404);
    await api().patch(path(mine.id)).set(bearer(keyB)).send({ organization_id: null }).expect(403);
    await api().patch(path(mine.id)).set(bearer(keyB)).send({ organization_id: orgB, description: 'mine' }).expect(200);

    const listed = (await api().get('/api/v1/webhook-endpoints?limit=100').set(bearer(keyB)).expect(200)).body;
    assert.deepEqual(listed.data.map((e: { id: string }) => e.id), [mine.id]);
    await api().get(`/api/v1/webhook-endpoints?organization_id=${orgA}`).set(bearer(keyB)).expect(404);
    const readOnly = (await api().post('/api/v1/api-keys').set(bearer(gw.rootKey)).send({ name: 'r', organization_id: orgB, scopes: ['webhook_endpoints:read'] }).expect(201)).body.secret;
    await api().get(path(mine.id)).set(bearer(readOnly)).expect(200);
    await create({ url: 'https://hooks.example.com/', events: ['*'] }, readOnly).expect(403);
    await api().delete(path(mine.id)).set(bearer(keyB)).expect(204);
    await api().get(path(mine.id)).set(bearer(keyB)).expect(404);
  });

  test('lists page by cursor and filter by organization', async () => {
    const ids = [(await endpoint({ organization_id: orgB })).id, (await endpoint({ organization_id: orgB })).id, (await endpoint({ organization_id: orgB })).id];
    const first = (await api().get(`/api/v1/webhook-endpoints?organization_id=${orgB}&limit=2`).set(bearer(gw.rootKey)).expect(200)).body;
    const second = (await api().get(`/api/v1/webhook-endpoints?organization_id=${orgB}&limit=2&after=${first.list_metadata.after}`).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual([...first.data, ...second.data].map((e: { id: string }) => e.id).slice(-3), ids);
    assert.equal(second.list_metadata.after, null);
    assert.ok([...first.data, ...second.data].every((e: { organization_id: string; secret?: string }) => e.organization_id === orgB && e.secret === undefined));
  });

  test('every change is audited, with the URL host and events but never a secret', async () => {
    const e = await endpoint();
    await api().patch(path(e.id)).set(bearer(gw.rootKey)).send({ url: 'https://audited.example.com/x' }).expect(200);
    const rotated = (await api().post(path(e.id, '/rotate-secret')).set(bearer(gw.rootKey)).send({}).expect(200)).body;
    await api().post(path(e.id, '/test')).set(bearer(gw.rootKey)).expect(202);
    await api().delete(path(e.id)).set(bearer(gw.rootKey)).expect(204);
    await create({ url: 'https://10.0.0.1/', events: ['*'] }).expect(400);

    const entries = (await gw.store.auditLogs.list({ limit: 1000 })).data.filter((x) => x.targetId === e.id);
    assert.deepEqual(entries.map((x) => x.action), ['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.secret_rotated', 'webhook_endpoint.test_sent', 'webhook_endpoint.deleted']);
    assert.ok(entries.every((x) => x.outcome === 'success' && x.organizationId === orgA && x.targetType === 'webhook_endpoint'));
    assert.deepEqual(entries[0]!.metadata, { url_host: 'hooks.example.com', events: ['directory.user.*'] });
    assert.equal(entries[1]!.metadata.url_host, 'audited.example.com');
    const all = JSON.stringify((await gw.store.auditLogs.list({ limit: 1000 })).data);
    assert.equal(all.includes(e.secret), false);
    assert.equal(all.includes(rotated.secret), false);
    assert.equal(all.includes('whsec_'), false);
  });

  test('test event: 202 with ids, a pending delivery in the log; a disabled endpoint is a 409', async () => {
    const e = await endpoint();
    const sent = (await api().post(path(e.id, '/test')).set(bearer(gw.rootKey)).expect(202)).body;
    assert.match(sent.delivery_id, /^msg_/);
    assert.match(sent.event_id, /^evt_/);
    const log = (await api().get(path(e.id, '/deliveries')).set(bearer(gw.rootKey)).expect(200)).body;
    assert.equal(log.data.length, 1);
    const [d] = log.data;
    assert.deepEqual({ ...d, sequence: typeof d.sequence, next_attempt_at: typeof d.next_attempt_at, created_at: typeof d.created_at }, {
      object: 'webhook_delivery', id: sent.delivery_id, endpoint_id: e.id, event_id: sent.event_id, event_type: 'webhook_endpoint.test', sequence: 'number',
      status: 'pending', attempts: 0, next_attempt_at: 'string', last_status_code: null, last_error: null, last_latency_ms: null, delivered_at: null, created_at: 'string',
    });
    const one = (await api().get(path(e.id, `/deliveries/${sent.delivery_id}`)).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(one.attempts, []);
    const feed = (await api().get('/api/v1/events').set(bearer(gw.rootKey)).expect(200)).body;
    assert.equal(feed.data.some((x: { id: string }) => x.id === sent.event_id), false);

    await api().patch(path(e.id)).set(bearer(gw.rootKey)).send({ enabled: false }).expect(200);
    const refused = await api().post(path(e.id, '/test')).set(bearer(gw.rootKey)).expect(409);
    assert.equal(refused.body.error.code, 'endpoint_disabled');
    assert.match(refused.body.error.message, /enable it/);
  });

  test('delivery log: attempts, status filter, retry of failed and succeeded, 409 when pending, other endpoints 404', async () => {
    const e = await endpoint();
    const other = await endpoint();
    const send = async (id: string) => (await api().post(path(id, '/test')).set(bearer(gw.rootKey)).expect(202)).body.delivery_id as string;
    const [failed, succeeded, pending] = [await send(e.id), await send(e.id), await send(e.id)];
    const foreign = await send(other.id);
    await db.query(`UPDATE webhook_deliveries SET status = 'failed', attempts = 2, last_status_code = 500, last_error = 'HTTP 500', last_latency_ms = 40 WHERE id = $1`, [failed]);
    await db.query(`INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, error) VALUES ($1, now() - interval '1 minute', NULL, 5000, 'timeout'), ($1, now(), 500, 40, 'HTTP 500')`, [failed]);
    await db.query(`UPDATE webhook_deliveries SET status = 'succeeded', attempts = 1, last_status_code = 204, delivered_at = now() WHERE id = $1`, [succeeded]);

    const list = (status: string) => api().get(path(e.id, `/deliveries?status=${status}`)).set(bearer(gw.rootKey)).expect(200);
    assert.deepEqual((await list('failed')).body.data.map((d: { id: string }) => d.id), [failed]);
    assert.deepEqual((await list('pending')).body.data.map((d: { id: string }) => d.id), [pending]);
    await api().get(path(e.id, '/deliveries?status=lost')).set(bearer(gw.rootKey)).expect(400);
    const newestFirst = (await api().get(path(e.id, '/deliveries?limit=2')).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(newestFirst.data.map((d: { id: string }) => d.id), [pending, succeeded]);
    const rest = (await api().get(path(e.id, `/deliveries?limit=2&after=${newestFirst.list_metadata.after}`)).set(bearer(gw.rootKey)).expect(200)).body;
    assert.deepEqual(rest.data.map((d: { id: string }) => d.id), [failed]);

    const one = (await api().get(path(e.id, `/deliveries/${failed}`)).set(bearer(gw.rootKey)).expect(200)).body;
    assert.equal(one.status, 'failed');
    assert.equal(one.attempt_count, 2);
    assert.deepEqual(one.attempts.map((a: object) => ({ ...a, attempted_at: typeof (a as { attempted_at: unknown }).attempted_at })), [
      { attempted_at: 'string', status_code: null, latency_ms: 5000, error: 'timeout' },
      { attempted_at: 'string', status_code: 500, latency_ms: 40, error: 'HTTP 500' },
    ]);
    await api().get(path(e.id, `/deliveries/${foreign}`)).set(bearer(gw.rootKey)).expect(404);
    await api().post(path(e.id, `/deliveries/${foreign}/retry`)).set(bearer(gw.rootKey)).expect(404);

    const conflict = await api().post(path(e.id, `/deliveries/${pending}/retry`)).set(bearer(gw.rootKey)).expect(409);
    assert.equal(conflict.body.error.code, 'delivery_pending');
    for (const id of [failed, succeeded]) {
      const retried = (await api().post(path(e.id, `/deliveries/${id}/retry`)).set(bearer(gw.rootKey)).expect(202)).body;
      assert.equal(retried.status, 'pending');
      assert.equal(retried.attempt_count, 0);
      assert.equal(retried.delivered_at, null);
    }
    const audit = (await gw.store.auditLogs.list({ limit: 1000 })).data.filter((x) => x.action === 'webhook_delivery.retried' && x.outcome === 'success');
    assert.deepEqual(audit.map((x) => x.targetId), [failed, succeeded]);
  });

  test('replay requeues failed deliveries created since the given time, not older ones nor other states', async () => {
    const e = await endpoint();
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) sent.push((await api().post(path(e.id, '/test')).set(bearer(gw.rootKey)).expect(202)).body.delivery_id);
    const [old, recent1, recent2, stillPending] = sent as [string, string, string, string];
    await db.query(`UPDATE webhook_deliveries SET status = 'failed', attempts = 8 WHERE id = ANY($1)`, [[old, recent1, recent2]]);
    await db.query(`UPDATE webhook_deliveries SET created_at = now() - interval '2 days' WHERE id = $1`, [old]);
    const replay = (body: object) => api().post(path(e.id, '/deliveries/replay')).set(bearer(gw.rootKey)).send(body);

    const since = new Date(Date.now() - 3_600_000).toISOString();
    assert.deepEqual((await replay({ since }).expect(202)).body, { replayed: 2, more: false });
    const rows = await db.query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id`, [e.id]);
    assert.deepEqual(rows.rows.map((r) => [r.id, r.status, r.attempts]), [[old, 'failed', 8], [recent1, 'pending', 0], [recent2, 'pending', 0], [stillPending, 'pending', 0]]);
    assert.deepEqual((await replay({ since }).expect(202)).body, { replayed: 0, more: false });
    assert.deepEqual((await replay({ since: '2000-01-01T00:00:00+02:00' }).expect(202)).body, { replayed: 1, more: false });

    assert.match((await replay({ since: new Date(Date.now() + 3_600_000).toISOString() }).expect(400)).body.error.message, /since: must not be in the future/);
    assert.deepEqual(issuePaths(await replay({}).expect(400)), ['since']);
    assert.deepEqual(issuePaths(await replay({ since: 'yesterday' }).expect(400)), ['since']);
    const entry = (await gw.store.auditLogs.list({ limit: 1000 })).data.filter((x) => x.action === 'webhook_endpoint.replayed' && x.targetId === e.id)[0];
    assert.deepEqual(entry?.metadata, { since, replayed: 2, more: false });

    await api().patch(path(e.id)).set(bearer(gw.rootKey)).send({ enabled: false }).expect(200);
    assert.equal((await replay({ since }).expect(409)).body.error.code, 'endpoint_disabled');
  });

  test('delete removes the endpoint and its deliveries', async () => {
    const e = await endpoint();
    const sent = (await api().post(path(e.id, '/test')).set(bearer(gw.rootKey)).expect(202)).body;
    await api().delete(path(e.id)).set(bearer(gw.rootKey)).expect(204);
    await api().get(path(e.id)).set(bearer(gw.rootKey)).expect(404);
    await api().delete(path(e.id)).set(bearer(gw.rootKey)).expect(404);
    assert.equal((await db.query('SELECT 1 FROM webhook_deliveries WHERE id = $1', [sent.delivery_id])).rowCount, 0);
  });
});
