import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { RequestListener } from 'node:http';
import { cliContext } from '../../src/admin/context.js';
import { createApp } from '../../src/http/app.js';
import { queueDashboard } from '../../src/http/routes/queue-dashboard.js';
import { dashboardQueues, WEBHOOK_QUEUE } from '../../src/jobs/webhooks/bullmq.js';
import { MAINTENANCE_QUEUE } from '../../src/jobs/bullmq-runner.js';
import { createLogger } from '../../src/logger.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { redisUrl, requires } from '../support/services.js';

describe('queue dashboard', await requires('postgres', 'redis'), () => {
  let gw: TestGateway;
  let app: RequestListener;
  let dashboard: ReturnType<typeof dashboardQueues>;
  let scopedKey: string;
  const basic = (key: string) => `Basic ${Buffer.from(`operator:${key}`).toString('base64')}`;
  before(async () => {
    gw = await startTestGateway('queue_dashboard');
    dashboard = dashboardQueues(redisUrl, `test_${randomBytes(4).toString('hex')}`, [WEBHOOK_QUEUE, MAINTENANCE_QUEUE]);
    app = createApp({ config: gw.config, logger: createLogger('silent'), services: gw.services, readiness: [], operatorRouters: [queueDashboard(dashboard.queues, gw.services.apiKeys)] });
    const org = await gw.services.organizations.create(cliContext(), { name: 'Dash' });
    scopedKey = (await gw.services.apiKeys.create(cliContext(), { name: 'scoped', organization_id: org.id, scopes: ['*'] })).secret;
  });
  after(async () => {
    await dashboard?.close();
    await gw?.close();
  });

  test('asks a browser for credentials, and refuses organization-scoped keys', async () => {
    const anonymous = await request(app).get('/admin/queues').expect(401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm="Gatehouse queues"/);
    await request(app).get('/admin/queues').set('Authorization', basic('gha_not-a-real-key')).expect(401);
    await request(app).get('/admin/queues').set('Authorization', basic(scopedKey)).expect(403);
  });

  test('shows the webhook and maintenance queues to an operator', async () => {
    const page = await request(app).get('/admin/queues').set('Authorization', basic(gw.rootKey)).expect(200);
    assert.match(page.text, /Gatehouse queues/);
    const api = await request(app).get('/admin/queues/api/queues').set('Authorization', `Bearer ${gw.rootKey}`).expect(200);
    const names = (api.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    assert.deepEqual(names, [MAINTENANCE_QUEUE, WEBHOOK_QUEUE].sort());
  });
});
