// Webhook delivery under faults (issue 7): a receiver that is down, Redis killed and restarted
// empty, a worker SIGKILLed mid-delivery, an API process that died between COMMIT and hand-off.
// Every test ends the same way: each event (outbox row) delivered at least once, to the endpoint,
// under its own webhook-id, and no delivery left pending or failed. Each test has its own
// gateway (database), receiver, endpoint and BullMQ prefix, and tears everything down even when
// it fails, so the tests run side by side.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { bullmqRunner, MAINTENANCE_QUEUE } from '../../src/jobs/bullmq-runner.js';
import { WEBHOOK_QUEUE } from '../../src/jobs/webhooks/bullmq.js';
import { matches } from '../../src/jobs/webhooks/relay.js';
import { createLogger } from '../../src/logger.js';
import { gatehouse, type Cli } from '../support/cli.js';
import { startTestGateway, testEncryptionKey, type TestGateway } from '../support/gateway.js';
import { freePort, redisServerUnavailable, startRedisServer } from '../support/redis-server.js';
import { createTestDirectory, URN, type TestDirectory } from '../support/scim.js';
import { redisUrl as sharedRedisUrl, requires } from '../support/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { createTestEndpoint, eventually, startTestDelivery, type WebhookSettings } from '../support/webhooks.js';

const EVENT = 'directory.user.created';
const LEASE_MS = 2_000;
const RETRY_SCHEDULE_MS = Array.from({ length: 20 }, () => 100);
const timings = {
  timeoutMs: 1_000,
  leaseMs: LEASE_MS,
  sweepIntervalMs: 400,
  retryScheduleMs: RETRY_SCHEDULE_MS,
  disableAfterFailingMs: 0,
} satisfies Partial<WebhookSettings>;
/** The same timings for a `gatehouse worker` child. */
const timingsEnv = {
  WEBHOOK_TIMEOUT_MS: String(timings.timeoutMs),
  WEBHOOK_LEASE_MS: String(timings.leaseMs),
  WEBHOOK_SWEEP_INTERVAL_MS: String(timings.sweepIntervalMs),
  WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE_MS.map((ms) => `${ms}ms`).join(','),
  WEBHOOK_DISABLE_AFTER_FAILING_HOURS: '0',
};
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

const uniquePrefix = (label: string) => `faults_${label}_${randomBytes(4).toString('hex')}`;
const user = (userName: string) => ({ schemas: [URN.user], userName, emails: [{ value: userName, primary: true }], active: true });

/** A teardown step that takes longer is abandoned (reported), so the steps after it still run. */
const STEP_LIMIT_MS = 10_000;

/**
 * Teardown for one test: `defer(value, step)` registers `step(value)` and returns the value. Steps
 * run last-in first-out after the test, whether it passed or not, and every one of them runs, even
 * after one that throws or hangs (BullMQ's graceful Worker.close() never resolves if it starts
 * while Redis is away or reconnecting: a test that failed mid-outage must still kill its Redis).
 */
function teardown(t: TestContext) {
  const steps: Array<{ run: () => unknown; what: string }> = [];
  t.after(async () => {
    const errors: unknown[] = [];
    for (const step of steps.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`teardown step did not finish within ${STEP_LIMIT_MS} ms: ${step.what}`)), STEP_LIMIT_MS);
      });
      try {
        await Promise.race([Promise.resolve().then(step.run), limit]);
      } catch (error) {
        errors.push(error);
      } finally {
        clearTimeout(timer);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
  });
  return <T>(value: T, step: (value: T) => unknown): T => {
    steps.push({ run: () => step(value), what: String(step) });
    return value;
  };
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Removes every key a test's BullMQ prefix left in the shared Redis. */
async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A SCIM write that took longer was waiting on something it should not (Redis). */
const WRITE_LIMIT_MS = 5_000;

/** Whether the Redis at `url` holds the webhook-sweep job scheduler under `prefix`. */
async function sweepScheduled(url: string, prefix: string): Promise<boolean> {
  const connection = new Redis(url, { maxRetriesPerRequest: 1 });
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  try {
    return (await maintenance.getJobSchedulers()).some((s) => s.key === 'webhook-sweep');
  } finally {
    await maintenance.close();
    connection.disconnect();
  }
}

/** Creates users one after the other; every write must succeed (201) within WRITE_LIMIT_MS. */
async function createUsers(dir: TestDirectory, label: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    const res = await dir.scim('post', '/Users', user(`${label}-${i}@example.com`));
    assert.equal(res.status, 201, `POST /Users ${label}-${i}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.ok(Date.now() - started < WRITE_LIMIT_MS, `POST /Users ${label}-${i} took ${Date.now() - started} ms`);
  }
}

interface DeliveryRow {
  id: string;
  event_id: string;
  status: string;
  attempts: number;
  lease_until: Date | null;
  /** The attempt log, oldest first: the status code of each (null: no response). */
  codes: Array<number | null>;
}

async function deliveries(db: pg.Pool, endpointId: string): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT d.id, o.id AS event_id, d.status, d.attempts, d.lease_until,
            COALESCE((SELECT array_agg(a.status_code ORDER BY a.id) FROM webhook_attempts a WHERE a.delivery_id = d.id), '{}') AS codes
     FROM webhook_deliveries d JOIN outbox_events o ON o.sequence = d.event_sequence
     WHERE d.endpoint_id = $1 ORDER BY d.event_sequence`,
    [endpointId],
  );
  return rows;
}

const isSuccess = (code: number | null) => code !== null && code >= 200 && code < 300;
const requestsFor = (receiver: WebhookReceiver, deliveryId: string) => receiver.received.filter((w) => w.headers['webhook-id'] === deliveryId);

/**
 * The end state every test must reach: `expected` events of type EVENT in the outbox, all fanned
 * out, each with exactly one delivery to the endpoint, succeeded, that the receiver answered 2xx
 * under that delivery's webhook-id with that event's id; and no delivery anywhere still pending or
 * failed. Returns the delivery rows.
 */
async function assertEveryEventDelivered(db: pg.Pool, endpointId: string, receiver: WebhookReceiver, expected: number): Promise<DeliveryRow[]> {
  const events = (await db.query<{ id: string }>(`SELECT id FROM outbox_events WHERE type = $1 ORDER BY sequence`, [EVENT])).rows;
  assert.equal(events.length, expected, 'events in the outbox');
  const deliveredEvents = (r: WebhookReceiver) => new Set([...r.delivered.values()].map((w) => w.json.id));
  await receiver.until((r) => events.every((e) => deliveredEvents(r).has(e.id)), 30_000);
  // The receiver answers before the outcome is committed.
  const rows = await eventually(
    async () => {
      const found = await deliveries(db, endpointId);
      return found.length === expected && found.every((r) => r.status !== 'pending') ? found : undefined;
    },
    15_000,
    `${expected} deliveries settled`,
  );
  const leftOver = (await db.query(`SELECT id, status, attempts, last_error FROM webhook_deliveries WHERE status <> 'succeeded'`)).rows;
  assert.deepEqual(leftOver, [], 'no delivery pending or failed');
  const unfanned = (await db.query(`SELECT id FROM outbox_events WHERE fanned_out_at IS NULL`)).rows;
  assert.deepEqual(unfanned, [], 'every event fanned out');
  const byEvent = new Map<string, DeliveryRow[]>();
  for (const row of rows) byEvent.set(row.event_id, [...(byEvent.get(row.event_id) ?? []), row]);
  for (const event of events) {
    const mine = byEvent.get(event.id) ?? [];
    assert.equal(mine.length, 1, `event ${event.id}: one delivery to the endpoint`);
    const row = mine[0]!;
    assert.equal(row.status, 'succeeded', `delivery ${row.id}`);
    assert.ok(isSuccess(row.codes.at(-1) ?? null), `delivery ${row.id}: last attempt 2xx (${JSON.stringify(row.codes)})`);
    assert.equal(receiver.delivered.get(row.id)?.json.id, event.id, `delivery ${row.id}: the receiver got event ${event.id} under this webhook-id`);
  }
  return rows;
}

async function freshGateway(defer: ReturnType<typeof teardown>, label: string): Promise<{ gw: TestGateway; db: pg.Pool; dir: TestDirectory }> {
  const gw = defer(await startTestGateway(label), (g) => g.close());
  const db = defer(new pg.Pool({ connectionString: gw.databaseUrl, max: 2 }), (p) => p.end());
  const dir = await createTestDirectory(gw, 'okta');
  return { gw, db, dir };
}

describe('webhook delivery under faults', { concurrency: true, ...(await requires('postgres', 'redis')) }, () => {
  for (const mode of ['in-process', 'bullmq'] as const) {
    test(`receiver down (${mode}): refused connections, then 503s, then every event delivered, each failure in the attempt log`, async (t) => {
      const defer = teardown(t);
      const { db, gw, dir } = await freshGateway(defer, `faults_down_${mode.replace('-', '_')}`);
      // Nothing listens on the endpoint's port at first.
      const port = await freePort();
      const endpoint = await createTestEndpoint(gw, `http://127.0.0.1:${port}/hooks`, [EVENT]);
      const prefix = uniquePrefix('down');
      const redisUrl = mode === 'bullmq' ? sharedRedisUrl : undefined;
      if (redisUrl) defer(prefix, (p) => dropRedisPrefix(redisUrl, p));
      const EVENTS = 20;
      await createUsers(dir, `down-${mode}`, EVENTS);
      // Started after the writes, the engine fans all of them out at once, so no delivery spends
      // much of its retry budget (21 attempts, ~100 ms apart) on the closed port before the rest.
      defer(await startTestDelivery(gw, { redisUrl, settings: { ...timings, queuePrefix: prefix }, logger }), (d) => d.stop());
      await eventually(
        async () => {
          const rows = await deliveries(db, endpoint.id);
          return rows.length === EVENTS && rows.every((r) => r.codes.length > 0) ? rows : undefined;
        },
        15_000,
        'a refused attempt logged for every delivery',
      );
      // The receiver comes up on that port and refuses the first FAILING requests with a 503.
      const FAILING = 10;
      const receiver = defer(await startWebhookReceiver((n) => (n < FAILING ? 503 : 204), { port }), (r) => r.close());

      const rows = await assertEveryEventDelivered(db, endpoint.id, receiver, EVENTS);
      for (const row of rows) {
        assert.equal(row.codes[0], null, `delivery ${row.id}: its first attempt found the port closed`);
        assert.equal(row.codes.length, row.attempts, `delivery ${row.id}: every attempt is logged`);
        assert.ok(row.codes.slice(0, -1).every((c) => c === null || c === 503), `delivery ${row.id}: failures before the success (${JSON.stringify(row.codes)})`);
      }
      const codes = rows.flatMap((r) => r.codes);
      assert.equal(codes.filter((c) => c === 503).length, FAILING, 'each 503 is in the attempt log');
      assert.equal(codes.filter((c) => c !== null).length, receiver.received.length, 'every request the receiver got is in the attempt log');
      assert.ok(codes.filter((c) => c === null).length >= EVENTS, 'the refused attempts are in the attempt log');
      for (const row of rows) {
        const answered = row.codes.filter((c) => c !== null).length;
        assert.equal(requestsFor(receiver, row.id).length, answered, `delivery ${row.id}: one request per answered attempt, none after the success`);
      }
    });
  }

  test('Redis killed mid-stream and restarted empty: SCIM writes stay 2xx, the sweep schedule comes back and re-hands what Redis lost', { skip: redisServerUnavailable() }, async (t) => {
    const defer = teardown(t);
    const redis = defer(await startRedisServer(), (r) => r.kill());
    const { db, gw, dir } = await freshGateway(defer, 'faults_redis');
    // The first request hangs (until the 1 s timeout): the worker, one job at a time, is stuck on
    // it while the rest of the first batch waits in Redis.
    const receiver = defer(await startWebhookReceiver((n) => (n === 0 ? 'hang' : 204)), (r) => r.close());
    const endpoint = await createTestEndpoint(gw, receiver.url, [EVENT]);
    const prefix = uniquePrefix('redis');
    const delivery = defer(await startTestDelivery(gw, { redisUrl: redis.url, settings: { ...timings, concurrency: 1, queuePrefix: prefix }, logger }), (d) => d.stop());
    // What `gatehouse worker` runs besides the delivery workers: the sweep, scheduled in Redis.
    assert.ok(delivery.sweepTask);
    const runner = defer(bullmqRunner([delivery.sweepTask], logger, { redisUrl: redis.url, prefix }), (r) => r.stop());
    await runner.start();
    // Should the test fail while Redis is down, bring it back, and let the runner reconnect (it
    // re-asserts the sweep schedule), so the engine can stop.
    defer(redis, async (r) => {
      if (r.running) return;
      await r.start();
      await eventually(async () => ((await sweepScheduled(r.url, prefix)) ? true : undefined), 5_000, 'the runner reconnected');
    });

    await createUsers(dir, 'before', 10);
    await receiver.until((r) => r.received.length >= 1);
    const hungId = String(receiver.received[0]!.headers['webhook-id']);
    await redis.kill();
    const pendingAtKill = (await deliveries(db, endpoint.id)).filter((r) => r.status === 'pending');
    assert.ok(pendingAtKill.length > 0, 'deliveries of the first batch were still on their way when Redis died');

    // Redis is down: writes still succeed, and do not wait on it.
    await createUsers(dir, 'during', 10);
    // The hung attempt times out while Redis is down; its retry cannot be queued.
    await eventually(
      async () => {
        const row = (await deliveries(db, endpoint.id)).find((r) => r.id === hungId);
        return row && row.codes.length > 0 ? row : undefined;
      },
      10_000,
      'the hung attempt recorded',
    );

    await redis.start();
    await createUsers(dir, 'after', 5);
    const rows = await assertEveryEventDelivered(db, endpoint.id, receiver, 25);
    assert.ok(requestsFor(receiver, hungId).length >= 2, 'the hung delivery was sent again');
    assert.equal(rows.find((r) => r.id === hungId)?.codes[0], null, 'the timed-out attempt is logged without a status');

    // The schedule lived in the Redis that died: it is back because the runner re-asserted it.
    assert.ok(await sweepScheduled(redis.url, prefix), 'the sweep is scheduled in the restarted Redis');
  });

  test('a worker SIGKILLed mid-delivery: a new worker delivers what the dead one held', async (t) => {
    const defer = teardown(t);
    const { db, gw, dir } = await freshGateway(defer, 'faults_kill');
    const HUNG = 3;
    const receiver = defer(await startWebhookReceiver((n) => (n < HUNG ? 'hang' : 204)), (r) => r.close());
    const endpoint = await createTestEndpoint(gw, receiver.url, [EVENT]);
    const prefix = uniquePrefix('kill');
    defer(prefix, (p) => dropRedisPrefix(sharedRedisUrl, p));
    // This process is an API-only node: it hands deliveries off to BullMQ and consumes nothing.
    const api = defer(await startTestDelivery(gw, { redisUrl: sharedRedisUrl, runWorkers: false, settings: { ...timings, queuePrefix: prefix }, logger }), (d) => d.stop());
    assert.equal(api.sweepTask, undefined);
    const env = {
      DATABASE_URL: gw.databaseUrl,
      GATEHOUSE_ENCRYPTION_KEY: testEncryptionKey,
      REDIS_URL: sharedRedisUrl,
      WEBHOOK_QUEUE_PREFIX: prefix,
      WEBHOOK_CONCURRENCY: '4',
      GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true',
      LOG_LEVEL: 'info',
      ...timingsEnv,
    };
    const startWorker = async (extra: Record<string, string> = {}): Promise<Cli> => {
      const cli = defer(gatehouse(['worker'], { ...env, ...extra }), (c) => killChild(c.child));
      await cli.waitFor(/background workers started/);
      return cli;
    };

    await createUsers(dir, 'first', 10);
    await api.relay.idle();
    const connection = defer(new Redis(sharedRedisUrl, { maxRetriesPerRequest: 1 }), (c) => c.disconnect());
    const queue = defer(new Queue(WEBHOOK_QUEUE, { connection, prefix }), (q) => q.close());
    assert.equal(await queue.getWaitingCount(), 10, 'the API node handed every delivery to BullMQ');
    assert.equal(receiver.received.length, 0, 'the API node delivers nothing itself');

    const first = await startWorker();
    await receiver.until((r) => r.received.length >= HUNG);
    await killChild(first.child);
    const hungIds = receiver.received.slice(0, HUNG).map((w) => String(w.headers['webhook-id']));
    const held = (await deliveries(db, endpoint.id)).filter((r) => hungIds.includes(r.id));
    assert.equal(held.length, HUNG);
    for (const row of held) assert.ok(row.status === 'pending' && row.lease_until !== null && row.codes.length === 0, `delivery ${row.id} was mid-delivery: ${JSON.stringify(row)}`);

    // With no worker running, the API node keeps handing off.
    await createUsers(dir, 'between', 5);
    const second = await startWorker({ WORKER_METRICS_PORT: '0' });
    const [, metricsPort] = await second.waitFor(/"metrics_port":(\d+)/);
    const rows = await assertEveryEventDelivered(db, endpoint.id, receiver, 15);
    // A worker serves no API, but Prometheus can still read what it delivered.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(metrics, /gatehouse_webhook_attempts_total\{result="succeeded"\} [1-9]/);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status, 200);
    for (const id of hungIds) assert.ok(requestsFor(receiver, id).length >= 2, `delivery ${id}: sent again by the new worker`);
    // The dead worker's claim counts as an attempt but never got into the log.
    for (const row of rows) assert.ok(row.attempts >= row.codes.length);
  });

  test('an API process that died between COMMIT and hand-off: the worker fans out what it never did, the sweep re-hands what it fanned out but lost; one delivery per event', async (t) => {
    const defer = teardown(t);
    // No delivery engine in this gateway: its commits nudge nothing, like a process that died
    // right after COMMIT.
    const { db, gw, dir } = await freshGateway(defer, 'faults_handoff');
    const receiver = defer(await startWebhookReceiver(() => 204), (r) => r.close());
    const endpoint = await createTestEndpoint(gw, receiver.url, [EVENT]);

    await createUsers(dir, 'lost-handoff', 10);
    // A relay that fanned these out (handed_off_at set) and died before the queue got them.
    const fannedAt = new Date();
    const lost = await gw.store.deliveries.fanOut(500, matches, fannedAt);
    assert.equal(lost.deliveries.length, 10);
    await createUsers(dir, 'never-fanned', 10);
    const unfanned = await db.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = $1 AND fanned_out_at IS NULL`, [EVENT]);
    assert.equal(unfanned.rows[0].n, 10);
    assert.equal((await deliveries(db, endpoint.id)).length, 10);

    // A worker comes up: delivery engine plus the sweep on BullMQ.
    const prefix = uniquePrefix('handoff');
    defer(prefix, (p) => dropRedisPrefix(sharedRedisUrl, p));
    const delivery = defer(await startTestDelivery(gw, { redisUrl: sharedRedisUrl, settings: { ...timings, queuePrefix: prefix }, logger }), (d) => d.stop());
    assert.ok(delivery.sweepTask);
    const runner = defer(bullmqRunner([delivery.sweepTask], logger, { redisUrl: sharedRedisUrl, prefix }), (r) => r.stop());
    await runner.start();

    const rows = await assertEveryEventDelivered(db, endpoint.id, receiver, 20);
    // Only the sweep hands off a delivery already marked handed off, and only once the lease has passed.
    for (const d of lost.deliveries) {
      const at = receiver.delivered.get(d.id)!.at;
      assert.ok(at >= fannedAt.getTime() + LEASE_MS, `delivery ${d.id} reached the receiver ${at - fannedAt.getTime()} ms after its lost hand-off`);
    }
    // Nothing failed here, so each event was sent exactly once: one attempt, one request.
    for (const row of rows) {
      assert.deepEqual(row.codes, [204], `delivery ${row.id}`);
      assert.equal(row.attempts, 1, `delivery ${row.id}`);
      assert.equal(requestsFor(receiver, row.id).length, 1, `delivery ${row.id}: one request`);
    }
    assert.equal(receiver.received.length, 20);
  });
});
