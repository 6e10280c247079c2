// Periodic maintenance, the same whichever runner drives it (BullMQ workers, or in-process when
// there is no Redis). Each task is idempotent: running it twice, or on two workers, is harmless.
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ConnectionService } from '../admin/connections.js';
import { systemContext } from '../admin/context.js';

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
  /** Events feed (and delivery log) retention; 0 keeps events forever. Default 30. */
  eventsRetentionDays?: number;
  /** Connection kinds whose config points at something to re-fetch (SAML metadata URLs), with the service that does it. */
  refresh?: { types: readonly string[]; connections: ConnectionService } | undefined;
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

/** The events feed is for catching up after an outage, not an archive: old events (and their delivery log) go. */
export function eventsRetention(deps: TaskDeps): PeriodicTask {
  return {
    name: 'events-retention',
    everyMs: 60 * 60 * 1000,
    async run() {
      const days = deps.eventsRetentionDays ?? 30;
      if (days === 0) return;
      const before = new Date(deps.clock().getTime() - days * DAY_MS);
      const removed = await deps.store.outbox.deleteOlderThan(before);
      if (removed > 0) deps.logger.info({ task: 'events-retention', removed, before: before.toISOString() }, 'pruned events');
    },
  };
}

/** Login attempts, oidc-provider records, SAML replay records and IdP-initiated logins past their expiry are already refused; this drops them. */
export function expiredLoginState(deps: TaskDeps): PeriodicTask {
  return {
    name: 'expired-login-state',
    everyMs: 10 * 60 * 1000,
    async run() {
      const now = deps.clock();
      const attempts = await deps.store.loginAttempts.deleteExpired(now);
      const records = await deps.store.oidcPayloads.deleteExpired(now);
      const assertions = await deps.store.samlAssertions.deleteExpired(now);
      const idpInitiated = await deps.store.idpInitiatedLogins.deleteExpired(now);
      if (attempts + records + assertions + idpInitiated > 0) {
        deps.logger.info({ task: 'expired-login-state', attempts, records, assertions, idpInitiated }, 'removed expired login state');
      }
    },
  };
}

/**
 * Re-fetches what connections point at (IdP metadata URLs) so certificate rotations at the IdP are
 * picked up; a change is applied and audited by the service, a failure is logged and retried next run.
 */
export function connectionRefresh(deps: TaskDeps): PeriodicTask {
  return {
    name: 'connection-refresh',
    everyMs: 6 * 60 * 60 * 1000,
    async run() {
      if (!deps.refresh || deps.refresh.types.length === 0) return;
      const ctx = systemContext('connection-refresh');
      let after: string | undefined;
      do {
        const page = await deps.store.connections.listOfTypes(deps.refresh.types, { limit: 100, after });
        for (const connection of page.data) {
          try {
            const { changed } = await deps.refresh.connections.refresh(ctx, connection.id);
            if (changed.length > 0) deps.logger.info({ task: 'connection-refresh', connection: connection.id, changed }, 'connection config refreshed');
          } catch (err) {
            deps.logger.warn({ task: 'connection-refresh', connection: connection.id, err: err instanceof Error ? err.message : String(err) }, 'connection refresh failed');
          }
        }
        after = page.after ?? undefined;
      } while (after);
    },
  };
}

export function periodicTasks(deps: TaskDeps): PeriodicTask[] {
  return [auditLogRetention(deps), eventsRetention(deps), expiredLoginState(deps), connectionRefresh(deps)];
}
