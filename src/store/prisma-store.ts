// The Store over Prisma + adapter-pg: the only place the Prisma client is constructed.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createDirectoryDataStore } from './directory-sql/index.js';
import { PrismaClient } from './generated/client.js';
import type { Db } from './repositories/db.js';
import { apiKeyRepository } from './repositories/api-keys.js';
import { applicationRepository } from './repositories/applications.js';
import { connectionRepository } from './repositories/connections.js';
import { directoryRepository } from './repositories/directories.js';
import { auditLogRepository } from './repositories/audit-logs.js';
import { loginAttemptRepository, profileRepository } from './repositories/login.js';
import { idpInitiatedLoginRepository, samlAssertionRepository } from './repositories/saml.js';
import { oidcPayloadRepository } from './repositories/oidc-payloads.js';
import { organizationRepository } from './repositories/organizations.js';
import { signingKeyRepository } from './repositories/signing-keys.js';
import { outboxRepository } from './repositories/outbox.js';
import { connectionTestRepository, setupLinkRepository } from './repositories/setup.js';
import { webhookDeliveryRepository, webhookEndpointRepository } from './repositories/webhooks.js';
import { createDeliveryEngineStore } from './webhook-sql/index.js';
import type { Repositories, Store } from './store.js';
import { commitSignal } from './commit-signal.js';
import { listeningTokenChanges, localTokenChanges } from './token-changes.js';
import { oidcPayloadSql, oidcResumeSql } from './oidc-sql.js';
import { applicationSql, connectionSql, loginAttemptSql, outboxSql, profileSql, samlAssertionSql } from './login-sql.js';
import { samlLoginSql } from './saml-sign-in-sql.js';

export interface PrismaStoreOptions {
  databaseUrl: string;
  /** Pool size; the embedded Postgres is a single session, so it runs with 1. */
  maxConnections?: number;
  /** Interactive transactions longer than this are rolled back. */
  transactionTimeoutMs?: number;
  /**
   * Writes whose last milliseconds a crash may lose, on their own small pool with
   * synchronous_commit off: webhook delivery bookkeeping (claims, outcomes, fan-out; a loss
   * re-sends a delivery, which at-least-once allows, never loses an event, whose outbox row
   * commits durably with its change) and oidc-provider's upserts (a loss only means signing in
   * again; see oidc-sql.ts). Not for the embedded Postgres (one session).
   */
  asyncCommitPool?: boolean;
  /**
   * Listen on a session of its own for SCIM token changes made by other processes (so checked
   * tokens can be remembered). Off for the embedded Postgres: one session, one process.
   */
  listenForTokenChanges?: boolean;
  /** Told when that listening session fails (it reconnects by itself; meanwhile tokens are checked in the database). */
  onListenerProblem?: (err: unknown) => void;
}

/** `appended` is told when the outbox repository appends events (to signal them after commit). */
function repositories(db: Db, appended: () => void): Repositories {
  return {
    organizations: organizationRepository(db),
    apiKeys: apiKeyRepository(db),
    auditLogs: auditLogRepository(db),
    applications: applicationRepository(db),
    oidcPayloads: oidcPayloadRepository(db),
    signingKeys: signingKeyRepository(db),
    connections: connectionRepository(db),
    loginAttempts: loginAttemptRepository(db),
    profiles: profileRepository(db),
    samlAssertions: samlAssertionRepository(db),
    idpInitiatedLogins: idpInitiatedLoginRepository(db),
    directories: directoryRepository(db),
    outbox: outboxRepository(db, appended),
    webhookEndpoints: webhookEndpointRepository(db),
    webhookDeliveries: webhookDeliveryRepository(db, appended),
    setupLinks: setupLinkRepository(db),
    connectionTests: connectionTestRepository(db),
  };
}

export function createPrismaStore(options: PrismaStoreOptions): Store {
  // One pool for Prisma and for the plain-SQL directory store, so both count against one limit.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5_000 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const timeout = options.transactionTimeoutMs ?? 15_000;
  const relaxed = options.asyncCommitPool
    ? new pg.Pool({ connectionString: options.databaseUrl, max: 4, connectionTimeoutMillis: 5_000, options: '-c synchronous_commit=off' })
    : pool;
  const committed = commitSignal();
  const tokenChanges = options.listenForTokenChanges ? listeningTokenChanges(options.databaseUrl, options.onListenerProblem) : localTokenChanges();
  const root = repositories(prisma, committed.notify);
  return {
    ...root,
    // The sign-in path in plain SQL (Prisma's per-query CPU dominated a login); transactions keep Prisma.
    oidcPayloads: { ...root.oidcPayloads, ...oidcPayloadSql(pool, relaxed) },
    loginAttempts: { ...root.loginAttempts, ...loginAttemptSql(pool) },
    samlAssertions: { ...root.samlAssertions, ...samlAssertionSql(pool) },
    profiles: profileSql(pool),
    samlLogins: samlLoginSql(pool, committed.notify),
    oidcResume: oidcResumeSql(pool),
    connections: { ...root.connections, ...connectionSql(pool) },
    applications: { ...root.applications, ...applicationSql(pool) },
    outbox: { ...root.outbox, ...outboxSql(pool, committed.notify) },
    directoryData: createDirectoryDataStore(pool, committed.notify),
    deliveries: createDeliveryEngineStore(relaxed),
    onEventsCommitted: committed.subscribe,
    tokenChanges,
    transaction: async (fn) => {
      let appended = false;
      const result = await prisma.$transaction((tx) => fn(repositories(tx, () => (appended = true))), { timeout, maxWait: timeout });
      if (appended) committed.notify();
      return result;
    },
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    close: async () => {
      await tokenChanges.close();
      await prisma.$disconnect();
      await pool.end();
      if (relaxed !== pool) await relaxed.end();
    },
  };
}
