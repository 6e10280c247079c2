// Periodic maintenance, the same whichever runner drives it (BullMQ workers, or in-process when
// there is no Redis). Each task is idempotent: running it twice, or on two workers, is harmless.
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export interface TaskDeps {
  store: Store;
  logger: Logger;
  clock: () => Date;
  auditLogRetentionDays: number;
}

const DAY_MS = 86_400_000;

export function auditLogRetention(deps: TaskDeps): PeriodicTask {
  return {
    name: 'audit-log-retention',
    everyMs: 60 * 60 * 1000,
    async run() {
      if (deps.auditLogRetentionDays === 0) return; // 0 = keep forever
      const before = new Date(deps.clock().getTime() - deps.auditLogRetentionDays * DAY_MS);
      const removed = await deps.store.auditLogs.deleteOlderThan(before);
      if (removed > 0) deps.logger.info({ task: 'audit-log-retention', removed, before: before.toISOString() }, 'pruned audit log');
    },
  };
}

/** Login attempts and oidc-provider records past their expiry are already refused; this drops them. */
export function expiredLoginState(deps: TaskDeps): PeriodicTask {
  return {
    name: 'expired-login-state',
    everyMs: 10 * 60 * 1000,
    async run() {
      const now = deps.clock();
      const attempts = await deps.store.loginAttempts.deleteExpired(now);
      const records = await deps.store.oidcPayloads.deleteExpired(now);
      if (attempts + records > 0) deps.logger.info({ task: 'expired-login-state', attempts, records }, 'removed expired login state');
    },
  };
}

export function periodicTasks(deps: TaskDeps): PeriodicTask[] {
  return [auditLogRetention(deps), expiredLoginState(deps)];
}
