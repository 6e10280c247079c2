// Delivery with BullMQ: one job per delivery, its id the delivery id (so handing a delivery off
// twice adds one job), a retry a delayed job of its own. Jobs are removed once finished; Postgres
// keeps the history, and a removed job id can be handed off again by the sweep if Postgres says
// the delivery is still pending.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { HandOff } from '../../store/webhook-data.js';
import { settleWithin } from '../settle.js';
import { deliverOnce, type DeliveryDeps } from './deliver.js';

export const WEBHOOK_QUEUE = 'webhook-delivery';

export interface WebhookQueueOptions {
  redisUrl: string;
  prefix: string;
}

/** BullMQ job ids may not contain ':'; ours are `msg_<ulid>` plus the attempt count for retries. */
export function jobIdFor(delivery: Pick<HandOff, 'id' | 'attempts'>): string {
  return delivery.attempts === 0 ? delivery.id : `${delivery.id}-r${delivery.attempts}`;
}

export interface WebhookQueue {
  handOff(deliveries: HandOff[]): Promise<void>;
  close(): Promise<void>;
}

export function webhookQueue(options: WebhookQueueOptions, logger: Logger): WebhookQueue {
  // Producers fail fast while Redis is away (the sweep re-hands later) instead of queueing in memory.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  connection.on('error', (err) => logger.debug({ err: err.message }, 'webhook queue connection problem'));
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix: options.prefix });
  queue.on('error', () => {});
  return {
    async handOff(deliveries) {
      const now = Date.now();
      await queue.addBulk(
        deliveries.map((d) => ({
          name: 'deliver',
          data: { id: d.id },
          opts: { jobId: jobIdFor(d), delay: Math.max(0, d.nextAttemptAt.getTime() - now), removeOnComplete: true, removeOnFail: true },
        })),
      );
    },
    async close() {
      await queue.close().catch(() => {});
      connection.disconnect();
    },
  };
}

export interface WebhookWorkerOptions extends WebhookQueueOptions {
  concurrency: number;
  /** BullMQ's job lock: a killed worker's job is picked up again after about this long. */
  lockMs: number;
}

export function webhookWorker(deps: DeliveryDeps, queue: WebhookQueue, options: WebhookWorkerOptions): { ready(): Promise<void>; close(): Promise<void> } {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const inFlight = new Set<Promise<unknown>>();
  const worker = new Worker(
    WEBHOOK_QUEUE,
    (job) => {
      const run = processJob(job);
      inFlight.add(run);
      return run.finally(() => inFlight.delete(run));
    },
    { connection, prefix: options.prefix, concurrency: options.concurrency, lockDuration: options.lockMs, stalledInterval: options.lockMs },
  );
  async function processJob(job: { data: unknown }): Promise<void> {
    const id = String((job.data as { id: unknown }).id);
    const result = await deliverOnce(deps, id);
    if (result.kind === 'attempted' && result.outcome.result === 'retry' && result.outcome.nextAttemptAt) {
      const retry = { id, attempts: result.attempts, nextAttemptAt: result.outcome.nextAttemptAt };
      // If Redis is away now, the delivery stays pending in Postgres and the sweep schedules it.
      await queue.handOff([retry]).then(() => deps.store.deliveries.markHandedOff([id], deps.clock()), () => undefined);
    }
  }
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'webhook worker connection problem'));
  worker.on('failed', (job, err) => deps.logger.warn({ err, job: job?.id }, 'webhook delivery job failed; the sweep will re-hand it'));
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    async close() {
      // BullMQ's graceful close can hang for good when it starts during or just after a Redis
      // outage; so the deliveries in flight are awaited here (each is bounded by the lease) and
      // the worker is then closed without waiting on Redis.
      await settleWithin(worker.pause(true), 1_000);
      await settleWithin(Promise.allSettled([...inFlight]), options.lockMs);
      await worker.close(true);
      connection.disconnect();
    },
  };
}

/** Queue handles for the dashboard: every queue Gatehouse uses, under the deployment's prefix. */
export function dashboardQueues(redisUrl: string, prefix: string, names: readonly string[]): { queues: Queue[]; close(): Promise<void> } {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  connection.on('error', () => {});
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  for (const queue of queues) queue.on('error', () => {});
  return {
    queues,
    async close() {
      await Promise.all(queues.map((q) => q.close().catch(() => {})));
      connection.disconnect();
    },
  };
}
