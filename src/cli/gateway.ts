// Starts the parts a command asks for (HTTP, workers, or both) over one database, and stops them in
// reverse order. Used by `start`, `serve` and `worker`.
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import express from 'express';
import { healthRoutes, type ReadinessCheck } from '../http/routes/health.js';
import { listen } from '../http/server.js';
import { bullmqRunner, MAINTENANCE_QUEUE } from '../jobs/bullmq-runner.js';
import { dashboardQueues, WEBHOOK_QUEUE } from '../jobs/webhooks/bullmq.js';
import { queueDashboard } from '../http/routes/queue-dashboard.js';
import { setupPortalRoutes } from '../http/routes/setup/index.js';
import { consoleRoutes } from '../http/routes/console.js';
import { setupPortalService } from '../admin/setup-portal.js';
import { inProcessRunner, type JobRunner } from '../jobs/runner.js';
import { periodicTasks, type PeriodicTask, type TaskDeps } from '../jobs/tasks.js';
import { webhookDelivery } from '../jobs/webhooks/index.js';
import { createGuardedFetch } from '../outbound/guarded-fetch.js';
import { redactUrl, type Logger } from '../logger.js';
import { applyMigrations } from '../store/migrations/migrate.js';
import { requireMigrated } from '../store/migrations/pending.js';
import { createPrismaStore } from '../store/prisma-store.js';
import { createSecretBox } from '../store/encryption.js';
import type { ConnectorRegistry, PresetRegistry } from '../sso/connector.js';
import { bootstrapAdminKey } from './bootstrap.js';
import { openDatabase } from './database.js';
import { adminServices } from './services.js';
import { buildScim } from './scim.js';
import { buildSso } from './sso.js';
import type { MockIdpPages } from '../http/routes/mock-idp.js';

export interface GatewayOptions {
  http: boolean;
  workers: boolean;
  /** Apply pending migrations first (the all-in-one default); otherwise refuse to run on a stale schema. */
  migrate: boolean;
  /** Create and print a first admin key when there is none. */
  bootstrap: boolean;
}

/** What main.ts hands down from connectors/: the enabled kinds, the IdP presets, the mock IdP pages. */
export interface Connectors {
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  mockIdp?: MockIdpPages<any> | undefined;
}

export interface RunningGateway {
  port: number | undefined;
  stop(): Promise<void>;
}

export async function startGateway(
  initial: Config,
  logger: Logger,
  options: GatewayOptions,
  connectors: Connectors,
): Promise<RunningGateway> {
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of stack.splice(0).reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
  };
  try {
    const database = await openDatabase(initial, logger);
    stack.push(() => database.close());
    const config = database.config;
    if (options.migrate) await applyMigrations({ databaseUrl: database.url, log: (m) => logger.info(m) });
    else await requireMigrated(database.url);

    const store = createPrismaStore({
      databaseUrl: database.url,
      maxConnections: database.embedded ? 1 : 10,
      asyncCommitPool: !database.embedded,
      listenForTokenChanges: !database.embedded,
      onListenerProblem: (err) => logger.warn({ err }, 'SCIM token change listener lost; checking every token in the database until it reconnects'),
    });
    stack.push(() => store.close());
    const encryptionKey = requireKey(config);
    const secretBox = createSecretBox(encryptionKey, config.security.previousEncryptionKeys);
    const { registry, presets, mockIdp } = connectors;
    const outboundFetch = createGuardedFetch({ allowInsecure: config.security.allowInsecureOutbound });
    const gateway = { clock: () => new Date(), publicUrl: config.http.publicUrl, fetch: outboundFetch, allowInsecureOutbound: config.security.allowInsecureOutbound };
    const services = adminServices(store, { registry, presets, secretBox, gateway, webhooks: { allowPrivateAddresses: config.webhooks.allowPrivateAddresses } });
    const readiness: ReadinessCheck[] = [{ name: 'database', check: () => store.ping() }];
    if (config.redis.url !== undefined) {
      const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
      redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
      stack.push(async () => redis.disconnect());
      readiness.push({ name: 'redis', check: async () => void (await redis.ping()) });
    }

    const webhooks = webhookDelivery({ config, store, secretBox, logger, runWorkers: options.workers });
    await webhooks.start();
    stack.push(() => webhooks.stop());
    if (options.workers) {
      const refreshable = Object.values(registry).filter((t) => t.prepare).map((t) => t.type);
      const runner = jobRunner(config, logger, store, { types: refreshable, connections: services.connections }, webhooks.sweepTask);
      await runner.start();
      stack.push(() => runner.stop());
      logger.info({ runner: runner.kind, webhooks: webhooks.kind }, 'background workers started');
    }
    let port: number | undefined;
    if (options.http) {
      const sso = await buildSso({ config, logger, store, applications: services.applications, registry, presets, secretBox, encryptionKey, mockIdp, outboundFetch });
      const operatorRouters = [consoleRoutes(services)];
      if (config.redis.url !== undefined) {
        const dashboard = dashboardQueues(config.redis.url, config.webhooks.queuePrefix, [WEBHOOK_QUEUE, MAINTENANCE_QUEUE]);
        stack.push(() => dashboard.close());
        operatorRouters.push(queueDashboard(dashboard.queues, services.apiKeys));
      }
      const metrics = [sso.metrics, webhooks.metrics.registry];
      const portal = setupPortalService({ store, connections: services.connections, directories: services.directories, presets });
      const setup = setupPortalRoutes({ links: services.setupLinks, portal, directories: services.directories, presets, broker: sso.broker, store, publicUrl: config.http.publicUrl });
      const app = createApp({ config, logger, services, readiness, openIdProvider: sso.oidc.handler, routers: [...sso.routers, setup], metrics, operatorRouters, scim: buildScim(store, config.http.publicUrl, config.scim.tokenCacheMs) });
      const server = await listen(app, config.http.host, config.http.port, config.http.shutdownTimeoutMs);
      stack.push(() => server.close());
      port = server.port;
      logger.info({ port, public_url: config.http.publicUrl, database: database.embedded ? 'embedded' : redactUrl(database.url) }, 'gateway listening');
    }
    if (!options.http && config.http.workerMetricsPort !== undefined) {
      // A worker's delivery counters and latencies live in the worker: give Prometheus a door.
      const health = express().use(healthRoutes(readiness, webhooks.metrics.registry));
      const server = await listen(health, config.http.host, config.http.workerMetricsPort, config.http.shutdownTimeoutMs);
      stack.push(() => server.close());
      logger.info({ metrics_port: server.port }, 'worker metrics listening');
    }
    if (options.bootstrap) await bootstrapAdminKey(services.apiKeys, config, port);
    return { port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function jobRunner(config: Config, logger: Logger, store: ReturnType<typeof createPrismaStore>, refresh: TaskDeps['refresh'], sweep: PeriodicTask | undefined): JobRunner {
  const retention = { auditLogRetentionDays: config.jobs.auditLogRetentionDays, eventsRetentionDays: config.webhooks.eventsRetentionDays };
  const tasks = [...periodicTasks({ store, logger, clock: () => new Date(), ...retention, refresh }), ...(sweep ? [sweep] : [])];
  return config.redis.url === undefined ? inProcessRunner(tasks, logger) : bullmqRunner(tasks, logger, { redisUrl: config.redis.url, prefix: config.webhooks.queuePrefix });
}

function requireKey(config: Config): Buffer {
  if (!config.security.encryptionKey) throw new TypeError('openDatabase provides the encryption key');
  return config.security.encryptionKey;
}
