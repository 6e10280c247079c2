import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import type { WebhookDelivery } from '../../src/jobs/webhooks/index.js';
import request from 'supertest';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, URN, type TestDirectory } from '../support/scim.js';
import { redisUrl, requires } from '../support/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { createTestEndpoint, eventually, startTestDelivery, type TestEndpoint } from '../support/webhooks.js';

const user = (userName: string) => ({ schemas: [URN.user], userName, emails: [{ value: userName, primary: true }], active: true });

async function deliveryRows(gw: TestGateway, endpointId: string) {
  const client = new pg.Client({ connectionString: gw.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT d.id, d.status, d.attempts, d.last_status_code, d.last_error, (SELECT count(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS logged
       FROM webhook_deliveries d WHERE d.endpoint_id = $1 ORDER BY d.event_sequence`,
      [endpointId],
    );
    return rows as Array<{ id: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null; logged: number }>;
  } finally {
    await client.end();
  }
}

/** The delivery row once its outcome is committed (the receiver sees the request a moment before). */
const settled = (gw: TestGateway, endpointId: string, id: string) =>
  eventually(async () => (await deliveryRows(gw, endpointId)).find((r) => r.id === id && r.status !== 'pending'), 10_000, `delivery ${id} settled`);

for (const mode of ['in-process', 'bullmq'] as const) {
  describe(`webhook delivery (${mode})`, await requires('postgres', 'redis'), () => {
    let gw: TestGateway;
    let dir: TestDirectory;
    let receiver: WebhookReceiver;
    let endpoint: TestEndpoint;
    let delivery: WebhookDelivery;
    before(async () => {
      gw = await startTestGateway(`webhooks_${mode.replace('-', '_')}`);
      dir = await createTestDirectory(gw, 'okta');
      receiver = await startWebhookReceiver();
      endpoint = await createTestEndpoint(gw, receiver.url, ['directory.user.*']);
      delivery = await startTestDelivery(gw, { redisUrl: mode === 'bullmq' ? redisUrl : undefined });
    });
    after(async () => {
      await delivery?.stop();
      await receiver?.close();
      await gw?.close();
    });

    test('a SCIM change reaches the receiver signed per Standard Webhooks, with the documented body', async () => {
      const created = await dir.scim('post', '/Users', user(`ada-${mode}@example.com`)).expect(201);
      await receiver.until((r) => [...r.delivered.values()].some((w) => w.json.data.id === created.body.id));
      const hook = [...receiver.delivered.values()].find((w) => w.json.data.id === created.body.id)!;
      const verified = new Webhook(endpoint.secret).verify(hook.body, hook.headers as Record<string, string>) as Record<string, unknown>;
      assert.equal(verified.type, 'directory.user.created');
      assert.deepEqual(Object.keys(hook.json).sort(), ['created_at', 'data', 'directory_id', 'id', 'organization_id', 'sequence', 'type']);
      assert.equal(hook.json.organization_id, dir.organizationId);
      assert.equal(hook.json.directory_id, dir.id);
      assert.equal(typeof hook.json.sequence, 'number');
      assert.match(String(hook.headers['webhook-id']), /^msg_/);
      assert.throws(() => new Webhook(endpoint.secret).verify(hook.body.replace('directory', 'Directory'), hook.headers as Record<string, string>));
      const row = await settled(gw, endpoint.id, String(hook.headers['webhook-id']));
      assert.equal(row?.status, 'succeeded');
      assert.equal(row?.attempts, 1);
      assert.equal(row?.logged, 1);
    });

    test('a 500 and a timeout are retried until a 2xx, each attempt logged', async () => {
      const start = receiver.received.length;
      receiver.behave((n) => (n === start ? 500 : n === start + 1 ? 'hang' : 200));
      const created = await dir.scim('post', '/Users', user(`grace-${mode}@example.com`)).expect(201);
      await receiver.until((r) => [...r.delivered.values()].some((w) => w.json.data.id === created.body.id));
      const id = [...receiver.delivered.values()].find((w) => w.json.data.id === created.body.id)!.headers['webhook-id'];
      const row = await settled(gw, endpoint.id, String(id));
      assert.equal(row.status, 'succeeded');
      assert.equal(row.attempts, 3);
      assert.equal(row.logged, 3);
      const sameId = receiver.received.slice(start).filter((w) => w.headers['webhook-id'] === id);
      assert.equal(sameId.length, 3, 'every retry carries the same webhook-id');
      receiver.behave(() => 204);
    });

    test('metrics: the backlog from Postgres, attempts and latencies from this process', async () => {
      const text = await delivery.metrics.registry.metrics();
      assert.match(text, /gatehouse_webhook_deliveries_due \d+/);
      assert.match(text, /gatehouse_webhook_deliveries_pending \d+/);
      assert.match(text, /gatehouse_outbox_unfanned_events \d+/);
      assert.match(text, /gatehouse_webhook_attempts_total\{result="succeeded"\} [1-9]/);
      assert.match(text, /gatehouse_webhook_attempts_total\{result="http_error"\} [1-9]/);
      assert.match(text, /gatehouse_webhook_event_to_delivery_seconds_count [1-9]/);
    });

    test('events an endpoint does not subscribe to are not sent to it', async () => {
      const before = receiver.received.length;
      const group = await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: `eng-${mode}` }).expect(201);
      await dir.scim('post', '/Users', user(`marker-${mode}@example.com`)).expect(201);
      await receiver.until((r) => r.received.slice(before).some((w) => w.json.data.user_name === `marker-${mode}@example.com`));
      assert.ok(!receiver.received.slice(before).some((w) => w.json.data.id === group.body.id));
    });
  });
}

describe('webhook delivery outcomes', await requires('postgres'), () => {
  let gw: TestGateway;
  let dir: TestDirectory;
  const stops: Array<() => Promise<void>> = [];
  before(async () => {
    gw = await startTestGateway('webhook_outcomes');
    dir = await createTestDirectory(gw, 'entra');
  });
  // One engine and one live endpoint per test: engines share the database, so a previous test's
  // engine (other settings) must not pick up this test's deliveries.
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  after(() => gw?.close());
  async function setUp(behaviour: Parameters<typeof startWebhookReceiver>[0], settings: Parameters<typeof startTestDelivery>[1] = {}) {
    const receiver = await startWebhookReceiver(behaviour);
    const endpoint = await createTestEndpoint(gw, receiver.url, ['directory.user.*'], dir.organizationId);
    const delivery = await startTestDelivery(gw, settings);
    stops.push(() => gw.store.webhookEndpoints.update(endpoint.id, { enabled: false }).then(() => undefined), () => delivery.stop(), () => receiver.close());
    return { receiver, endpoint, delivery };
  }
  const createUser = (name: string) => dir.scim('post', '/Users', user(`${name}@example.com`)).expect(201);
  const endpointState = (id: string) => gw.store.webhookEndpoints.get(id);

  test('410 Gone disables the endpoint at once, with an audit entry and a webhook_endpoint.disabled event', async () => {
    const { receiver, endpoint, delivery } = await setUp(() => 410);
    await createUser('gone');
    await receiver.until((r) => r.received.length >= 1);
    const disabled = await eventually(async () => ((await endpointState(endpoint.id)).enabled ? undefined : await endpointState(endpoint.id)));
    assert.equal(disabled.disabledReason, 'receiver_gone');
    const [row] = await deliveryRows(gw, endpoint.id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.last_status_code, 410);
    const events = await gw.store.outbox.feed({ afterSequence: 0n, limit: 1000, types: ['webhook_endpoint.disabled'] });
    assert.ok(events.some((e) => e.data.endpoint_id === endpoint.id && e.data.reason === 'receiver_gone'));
    const audit = await gw.store.auditLogs.list({ limit: 100, organizationId: dir.organizationId });
    assert.ok(audit.data.some((a) => a.action === 'webhook_endpoint.disabled' && a.targetId === endpoint.id && a.actorType === 'system'));
    await delivery.stop();
    assert.equal(receiver.received.length, 1, 'nothing more is sent to a disabled endpoint');
  });

  test('after the last retry the delivery is failed, every attempt in its log', async () => {
    const { receiver, endpoint } = await setUp(() => 500, { settings: { retryScheduleMs: [20, 20] } });
    await createUser('always-500');
    await receiver.until((r) => r.received.length >= 3);
    const row = await eventually(async () => (await deliveryRows(gw, endpoint.id)).find((r) => r.status === 'failed'));
    assert.equal(row.attempts, 3);
    assert.equal(row.logged, 3);
    assert.match(String(row.last_error), /^HTTP 500: receiver says no/);
    assert.ok((await endpointState(endpoint.id)).enabled, 'a failed delivery alone does not disable the endpoint');
    assert.ok((await endpointState(endpoint.id)).failingSince, 'but its failing streak is tracked');
  });

  test('an endpoint failing for longer than the window is disabled; a 2xx would have ended the streak', async () => {
    const { receiver, endpoint } = await setUp(() => 503, { settings: { retryScheduleMs: Array(50).fill(20), disableAfterFailingMs: 150 } });
    await createUser('streak');
    const disabled = await eventually(async () => ((await endpointState(endpoint.id)).enabled ? undefined : await endpointState(endpoint.id)));
    assert.equal(disabled.disabledReason, 'failing');
    assert.ok(receiver.received.length >= 2);
    const [row] = await eventually(async () => {
      const rows = await deliveryRows(gw, endpoint.id);
      return rows.every((r) => r.status === 'failed') ? rows : undefined;
    });
    assert.ok(row && row.logged < 50, 'the remaining retries were abandoned');
  });

  test('the outbound guard refuses loopback receivers unless configured, and records why', async () => {
    const { receiver, endpoint } = await setUp(() => 204, { allowInsecure: false, settings: { retryScheduleMs: [] } });
    await createUser('guarded');
    const row = await eventually(async () => (await deliveryRows(gw, endpoint.id)).find((r) => r.status === 'failed'));
    assert.match(String(row.last_error), /will not connect/);
    assert.equal(receiver.received.length, 0);
  });

  test('through the admin API: a test event arrives signed with the secret shown once; after a rotation both secrets verify', async () => {
    const receiver = await startWebhookReceiver(() => 200);
    const delivery = await startTestDelivery(gw);
    const api = () => request(gw.app);
    const created = (await api().post('/api/v1/webhook-endpoints').set(bearer(gw.rootKey)).send({ url: receiver.url, events: ['directory.user.created'], organization_id: dir.organizationId }).expect(201)).body;
    stops.push(() => gw.store.webhookEndpoints.update(created.id, { enabled: false }).then(() => undefined), () => delivery.stop(), () => receiver.close());
    const sent = (await api().post(`/api/v1/webhook-endpoints/${created.id}/test`).set(bearer(gw.rootKey)).expect(202)).body;
    await receiver.until((r) => r.delivered.has(sent.delivery_id));
    const test = receiver.delivered.get(sent.delivery_id)!;
    const verified = new Webhook(created.secret).verify(test.body, test.headers as Record<string, string>) as { type: string; id: string };
    assert.equal(verified.type, 'webhook_endpoint.test');
    assert.equal(verified.id, sent.event_id);

    const rotated = (await api().post(`/api/v1/webhook-endpoints/${created.id}/rotate-secret`).set(bearer(gw.rootKey)).send({}).expect(200)).body;
    const made = await createUser('after-rotation');
    await receiver.until((r) => [...r.delivered.values()].some((w) => w.json.data.id === made.body.id));
    const hook = [...receiver.delivered.values()].find((w) => w.json.data.id === made.body.id)!;
    for (const secret of [created.secret, rotated.secret]) assert.ok(new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>));
    assert.equal(String(hook.headers['webhook-signature']).split(' ').length, 2);
  });

  test('an endpoint deleted while its delivery is in flight does not spoil the outcomes recorded with it', async () => {
    const receiver = await startWebhookReceiver((n) => (n === 0 ? 'hang' : 204));
    const doomed = await createTestEndpoint(gw, receiver.url, ['directory.user.*'], dir.organizationId);
    const kept = await createTestEndpoint(gw, receiver.url, ['directory.user.*'], dir.organizationId);
    const delivery = await startTestDelivery(gw, { settings: { retryScheduleMs: [] } });
    stops.push(() => gw.store.webhookEndpoints.update(kept.id, { enabled: false }).then(() => undefined), () => delivery.stop(), () => receiver.close());
    await createUser('deleted-midway');
    await receiver.until((r) => r.received.length >= 2);
    await gw.store.webhookEndpoints.delete(doomed.id);
    const row = await eventually(async () => (await deliveryRows(gw, kept.id)).find((r) => r.status !== 'pending'));
    assert.equal(row.logged, 1);
    await eventually(async () => ((await deliveryRows(gw, doomed.id)).length === 0 ? true : undefined));
    // The same at the statement: an outcome for a delivery that is gone is skipped, not an error for the batch.
    const outcome = { at: new Date(), statusCode: 204, latencyMs: 3, error: null, result: 'succeeded' as const };
    await gw.store.deliveries.finish([{ id: row.id, endpointId: kept.id, outcome }, { id: 'msg_01JGONE0000000000000000000', endpointId: doomed.id, outcome }]);
    assert.equal((await deliveryRows(gw, kept.id)).find((r) => r.id === row.id)?.logged, 2);
  });
});
