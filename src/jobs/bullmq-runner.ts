// BullMQ drives the periodic tasks: a job scheduler per task lives in Redis, so many workers share
// one schedule and each tick runs once. Schedules are re-asserted whenever the worker (re)connects,
// because a Redis that restarts empty loses them.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { JobRunner } from './runner.js';
import type { PeriodicTask } from './tasks.js';
import { settleWithin } from './settle.js';

export const MAINTENANCE_QUEUE = 'maintenance';

export interface BullmqRunnerOptions {
  redisUrl: string;
  /** Key prefix in Redis; tests use their own so runs never see each other's jobs. */
  prefix?: string;
  concurrency?: number;
}

export function bullmqRunner(tasks: PeriodicTask[], logger: Logger, options: BullmqRunnerOptions): JobRunner {
  const prefix = options.prefix ?? 'gatehouse';
  const byName = new Map(tasks.map((t) => [t.name, t]));
  // BullMQ workers block on Redis: they need unlimited retries per request.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = connection.duplicate();
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  // Without a listener BullMQ prints raw stack traces while Redis is away; say it as a log line.
  queue.on('error', (err) => logger.warn({ err: err.message }, 'maintenance queue connection problem'));
  let worker: Worker | undefined;
  const running = new Set<Promise<unknown>>();

  const schedule = async () => {
    for (const task of tasks) {
      await queue.upsertJobScheduler(task.name, { every: task.everyMs }, { name: task.name, opts: { removeOnComplete: 100, removeOnFail: 500 } });
    }
  };

  return {
    kind: 'bullmq',
    async start() {
      worker = new Worker(
        MAINTENANCE_QUEUE,
        (job) => {
          const task = byName.get(job.name);
          if (!task) return Promise.reject(new Error(`no task named ${job.name}`));
          const run = task.run();
          running.add(run);
          return run.finally(() => running.delete(run));
        },
        { connection: workerConnection, prefix, concurrency: options.concurrency ?? 1 },
      );
      worker.on('failed', (job, err) => logger.error({ err, job: job?.name }, 'background job failed'));
      worker.on('error', (err) => logger.warn({ err }, 'worker connection problem'));
      connection.on('ready', () => void schedule().catch((err: unknown) => logger.warn({ err }, 'could not re-establish job schedules')));
      await worker.waitUntilReady();
      await schedule();
    },
    async stop() {
      // Not BullMQ's graceful close: it can hang for good right after a Redis outage. Running
      // tasks are awaited (bounded), then the worker closes without waiting on Redis.
      if (worker) {
        await settleWithin(worker.pause(true), 1_000);
        await settleWithin(Promise.allSettled([...running]), 30_000);
        await worker.close(true);
      }
      await queue.close();
      // BullMQ leaves connections it was handed open; they are ours to close.
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
