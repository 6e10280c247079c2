import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import type { WebhookDelivery } from '../../src/jobs/webhooks/index.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
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

    test('events an endpoint does not subscribe to are not sent to it', async () => {
      const before = receiver.received.length;
      const group = await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: `eng-${mode}` }).expect(201);
      await dir.scim('post', '/Users', user(`marker-${mode}@example.com`)).expect(201);
      await receiver.until((r) => r.received.slice(before).some((w) => w.json.data.user_name === `marker-${mode}@example.com`));
      assert.ok(!receiver.received.slice(before).some((w) => w.json.data.id === group.body.id));
    });
  });
}
