import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullmqRunner, MAINTENANCE_QUEUE } from '../../src/jobs/bullmq-runner.js';
import { inProcessRunner } from '../../src/jobs/runner.js';
import { auditLogRetention, eventsRetention, expiredLoginState, type PeriodicTask } from '../../src/jobs/tasks.js';
import { matches } from '../../src/jobs/webhooks/relay.js';
import { newId } from '../../src/store/ids.js';
import { createLogger } from '../../src/logger.js';
import { createPrismaStore } from '../../src/store/prisma-store.js';
import type { Store } from '../../src/store/store.js';
import { createMigratedDatabase, redisUrl, requires } from '../support/services.js';

const logger = createLogger('silent');
const DAY = 86_400_000;

function entry(occurredAt: Date, action: string) {
  return {
    actorType: 'system' as const,
    actorId: null,
    actorName: 'test',
    action,
    targetType: 'test',
    targetId: null,
    organizationId: null,
    ip: null,
    userAgent: null,
    requestId: null,
    outcome: 'success' as const,
    metadata: {},
    occurredAt,
  };
}

/** A task that reports each run, so a test can await the runner instead of sleeping. */
function observed(task: PeriodicTask): { task: PeriodicTask; ran: Promise<void> } {
  let resolve!: () => void;
  const ran = new Promise<void>((r) => (resolve = r));
  return { task: { ...task, run: async () => (await task.run(), resolve()) }, ran };
}

describe('background jobs', await requires('postgres', 'redis'), () => {
  let store: Store;
  const now = new Date('2026-06-01T00:00:00.000Z');
  before(async () => {
    store = createPrismaStore({ databaseUrl: await createMigratedDatabase('jobs'), maxConnections: 3 });
  });
  after(() => store?.close());

  async function seed(): Promise<void> {
    await store.auditLogs.append(entry(new Date(now.getTime() - 40 * DAY), 'old.entry'));
    await store.auditLogs.append(entry(new Date(now.getTime() - 5 * DAY), 'recent.entry'));
  }
  const actions = async () => (await store.auditLogs.list({ limit: 100 })).data.map((e) => e.action);

  test('retention prunes entries older than the window, and 0 keeps everything', async () => {
    await seed();
    await auditLogRetention({ store, logger, clock: () => now, auditLogRetentionDays: 0 }).run();
    assert.ok((await actions()).includes('old.entry'));
    await auditLogRetention({ store, logger, clock: () => now, auditLogRetentionDays: 30 }).run();
    const left = await actions();
    assert.ok(!left.includes('old.entry'));
    assert.ok(left.includes('recent.entry'));
  });

  test('events retention drops old events once fanned out, keeps recent and not-yet-fanned ones', async () => {
    const event = (daysAgo: number, type: string) => ({ id: newId('evt'), type, organizationId: null, directoryId: null, occurredAt: new Date(now.getTime() - daysAgo * DAY), data: {} });
    await store.outbox.append([event(40, 'connection.activated'), event(5, 'connection.deactivated')]);
    await store.deliveries.fanOut(100, matches, now);
    await store.outbox.append([event(41, 'directory.user.created')]);
    const types = async () => (await store.outbox.feed({ afterSequence: 0n, limit: 100 })).map((e) => e.type);
    await eventsRetention({ store, logger, clock: () => now, auditLogRetentionDays: 0, eventsRetentionDays: 0 }).run();
    assert.equal((await types()).length, 3, '0 keeps everything');
    await eventsRetention({ store, logger, clock: () => now, auditLogRetentionDays: 0, eventsRetentionDays: 30 }).run();
    assert.deepEqual(await types(), ['connection.deactivated', 'directory.user.created']);
  });

  test('expired login attempts and provider records are removed, live ones kept', async () => {
    const attempt = (id: string, expiresAt: Date) =>
      store.loginAttempts.create({ id, organizationId: 'org_x', connectionId: 'conn_x', interactionUid: 'i', stash: {}, expiresAt });
    await attempt('expired-attempt', new Date(now.getTime() - 1000));
    await attempt('live-attempt', new Date(now.getTime() + 60_000));
    await store.oidcPayloads.upsert('Session', 'old', {}, new Date(now.getTime() - 1000));
    await store.oidcPayloads.upsert('Session', 'new', {}, new Date(now.getTime() + 60_000));
    await expiredLoginState({ store, logger, clock: () => now, auditLogRetentionDays: 0 }).run();
    assert.equal(await store.loginAttempts.peek('expired-attempt'), undefined);
    assert.ok(await store.loginAttempts.peek('live-attempt'));
    assert.equal(await store.oidcPayloads.find('Session', 'old', new Date(0)), undefined);
    assert.ok(await store.oidcPayloads.find('Session', 'new', now));
  });

  test('the in-process runner runs each task at start and stops cleanly', async () => {
    await seed();
    const { task, ran } = observed(auditLogRetention({ store, logger, clock: () => now, auditLogRetentionDays: 30 }));
    const runner = inProcessRunner([task], logger);
    await runner.start();
    await ran;
    await runner.stop();
    assert.ok(!(await actions()).includes('old.entry'));
  });

  test('the BullMQ runner schedules the task in Redis and a worker runs it', async () => {
    await seed();
    const prefix = `gatehouse-test-${randomBytes(4).toString('hex')}`;
    const { task, ran } = observed(auditLogRetention({ store, logger, clock: () => now, auditLogRetentionDays: 30 }));
    const runner = bullmqRunner([{ ...task, everyMs: 60_000 }], logger, { redisUrl, prefix });
    await runner.start();
    try {
      await ran;
      assert.ok(!(await actions()).includes('old.entry'));
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
      const schedulers = await queue.getJobSchedulers();
      assert.deepEqual(schedulers.map((s) => s.key).sort(), ['audit-log-retention']);
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    } finally {
      await runner.stop();
    }
  });
});
