import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { retryDelayMs, verdictOf } from '../../src/jobs/webhooks/retry-policy.js';
import { matches } from '../../src/jobs/webhooks/relay.js';
import { jobIdFor } from '../../src/jobs/webhooks/bullmq.js';
import { batcher } from '../../src/jobs/webhooks/batcher.js';
import { EVENT_TYPES, isValidSubscription, subscribes } from '../../src/webhooks/event-types.js';
import { generateSigningSecret, signedHeaders } from '../../src/webhooks/signing.js';

describe('webhook subscriptions', () => {
  test('types, dotted wildcards and * select what they say', () => {
    assert.ok(subscribes(['directory.user.*'], 'directory.user.created'));
    assert.ok(!subscribes(['directory.user.*'], 'directory.group.created'));
    assert.ok(subscribes(['directory.*'], 'directory.group.user_added'));
    assert.ok(subscribes(['*'], 'connection.activated'));
    assert.ok(subscribes(['connection.activated'], 'connection.activated'));
    assert.ok(!subscribes(['connection.activated'], 'connection.deactivated'));
    assert.ok(!subscribes([], 'directory.user.created'));
  });

  test('login events are opt-in: only a pattern naming sso.login selects them', () => {
    for (const pattern of ['*', 'sso.*']) assert.ok(!subscribes([pattern], 'sso.login.succeeded'), pattern);
    for (const pattern of ['sso.login.*', 'sso.login.failed']) assert.ok(subscribes([pattern], 'sso.login.failed'), pattern);
  });

  test('only patterns that can select a known type are valid', () => {
    for (const ok of ['*', 'directory.*', 'directory.user.*', 'sso.login.*', ...EVENT_TYPES]) assert.ok(isValidSubscription(ok), ok);
    for (const bad of ['', 'directory', 'directory.user.made', 'dir*', '*.created', 'nope.*', 'directory..*']) assert.ok(!isValidSubscription(bad), bad);
  });

  test('an organization endpoint only matches its organization; a deployment-wide one matches all', () => {
    const event = { sequence: 1n, type: 'directory.user.created', organizationId: 'org_A' };
    assert.ok(matches({ id: 'wh_1', organizationId: 'org_A', events: ['*'] }, event));
    assert.ok(!matches({ id: 'wh_2', organizationId: 'org_B', events: ['*'] }, event));
    assert.ok(matches({ id: 'wh_3', organizationId: null, events: ['*'] }, event));
  });
});

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'directory.user.created', data: { a: 'é' } });
  const at = new Date();

  test('secrets are whsec_ + base64 of 32 bytes, and the standardwebhooks package verifies what we sign', () => {
    const secret = generateSigningSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
    const headers = signedHeaders('msg_1', at, body, [secret]);
    assert.deepEqual(new Webhook(secret).verify(body, { ...headers }), JSON.parse(body));
    assert.equal(headers['webhook-signature'], new Webhook(secret).sign('msg_1', at, body));
  });

  test('during a rotation both secrets sign, and either one verifies', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signedHeaders('msg_2', at, body, [current, previous]);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [current, previous]) assert.ok(new Webhook(secret).verify(body, { ...headers }));
    assert.throws(() => new Webhook(generateSigningSecret()).verify(body, { ...headers }));
  });
});

describe('retry policy', () => {
  test('2xx succeeds, 410 is final, everything else is retried', () => {
    assert.equal(verdictOf(200), 'succeeded');
    assert.equal(verdictOf(299), 'succeeded');
    assert.equal(verdictOf(410), 'gone');
    for (const code of [null, 301, 400, 404, 429, 500, 503]) assert.equal(verdictOf(code), 'retryable');
  });

  test('delays follow the schedule with +-20 % jitter, then stop', () => {
    const schedule = [1_000, 60_000];
    assert.equal(retryDelayMs(1, schedule, () => 0), 800);
    assert.equal(retryDelayMs(1, schedule, () => 1), 1_200);
    assert.equal(retryDelayMs(2, schedule, () => 0.5), 60_000);
    assert.equal(retryDelayMs(3, schedule), undefined);
  });

  test('the default schedule spans about three days', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const total = loadConfig({}).webhooks.retryScheduleMs.reduce((a, b) => a + b, 0);
    assert.ok(total > 2.5 * 86_400_000 && total <= 3 * 86_400_000, `${total / 3_600_000} h`);
  });

  test('BullMQ job ids: the delivery id for the first attempt, one id per retry, never a colon', () => {
    assert.equal(jobIdFor({ id: 'msg_01J', attempts: 0 }), 'msg_01J');
    assert.equal(jobIdFor({ id: 'msg_01J', attempts: 2 }), 'msg_01J-r2');
    assert.ok(!jobIdFor({ id: 'msg_01J', attempts: 5 }).includes(':'));
  });
});

describe('bookkeeping batches', () => {
  test('calls made together share one run, each gets its own result, in order', async () => {
    const runs: number[][] = [];
    const double = batcher<number, number>(async (items) => (runs.push(items), items.map((i) => i * 2)), 3);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => double(n)));
    assert.deepEqual(results, [2, 4, 6, 8, 10]);
    assert.deepEqual(runs, [[1, 2, 3], [4, 5]]);
    assert.equal(await double(7), 14, 'an idle batcher runs a lone call at once');
  });

  test('a failed run fails exactly its calls; the next batch still runs', async () => {
    let fail = true;
    const run = batcher<number, number>(async (items) => {
      if (fail) throw new Error('database away');
      return items;
    });
    const first = await Promise.allSettled([run(1), run(2)]);
    assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
    fail = false;
    assert.equal(await run(3), 3);
  });
});
