import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { bearer, startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

describe('health, readiness, metrics and request ids', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('http');
  });
  after(() => gw?.close());

  test('/healthz answers and carries the security headers', async () => {
    const res = await request(gw.app).get('/healthz').expect(200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.ok(res.headers['content-security-policy']);
    assert.equal(res.headers['x-powered-by'], undefined);
  });

  test('/readyz reports each dependency and fails when one does not answer', async () => {
    const ok = await request(gw.app).get('/readyz').expect(200);
    assert.deepEqual(ok.body, { status: 'ok', checks: { database: 'ok' } });
    const broken = createApp({
      config: gw.config,
      logger: createLogger('silent'),
      services: gw.services,
      readiness: [
        { name: 'database', check: () => gw.store.ping() },
        { name: 'redis', check: () => Promise.reject(new Error('connection refused')) },
      ],
    });
    const res = await request(broken).get('/readyz').expect(503);
    assert.equal(res.body.checks.redis, 'failing: connection refused');
    assert.equal(res.body.checks.database, 'ok');
  });

  test('/metrics counts requests by route pattern, not raw path', async () => {
    await request(gw.app).get('/api/v1/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV').set(bearer(gw.rootKey)).expect(404);
    const res = await request(gw.app).get('/metrics').expect(200);
    assert.match(res.text, /gatehouse_http_requests_total\{method="GET",route="\/api\/v1\/organizations\/:id",status="404"\} \d+/);
    assert.match(res.text, /gatehouse_http_request_duration_seconds_bucket/);
    assert.ok(!res.text.includes('org_01ARZ3NDEKTSV4RRFFQ69G5FAV'));
  });

  test('request ids: echoed when sane, replaced when not', async () => {
    const kept = await request(gw.app).get('/healthz').set('X-Request-Id', 'trace-abc-12345').expect(200);
    assert.equal(kept.headers['x-request-id'], 'trace-abc-12345');
    const replaced = await request(gw.app).get('/healthz').set('X-Request-Id', 'bad id <script>').expect(200);
    assert.match(replaced.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });
});
