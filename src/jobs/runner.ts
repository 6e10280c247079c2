// Who drives the background work: BullMQ workers when Redis is configured (any number of them,
// schedules shared through Redis), otherwise timers in this process.
import type { Logger } from '../logger.js';
import type { PeriodicTask } from './tasks.js';

export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  start(): Promise<void>;
  /** Lets running jobs finish, then releases every timer and connection. */
  stop(): Promise<void>;
}

/** Timers in this process: the zero-setup default. Overlapping runs of one task are skipped. */
export function inProcessRunner(tasks: PeriodicTask[], logger: Logger): JobRunner {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<void>>();
  const fire = (task: PeriodicTask) => {
    if (running.has(task.name)) return;
    const run = task
      .run()
      .catch((err: unknown) => logger.error({ err, task: task.name }, 'background task failed'))
      .finally(() => running.delete(task.name));
    running.set(task.name, run);
  };
  return {
    kind: 'in-process',
    async start() {
      for (const task of tasks) {
        fire(task);
        timers.push(setInterval(() => fire(task), task.everyMs).unref());
      }
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}
