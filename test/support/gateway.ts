// A real gateway over a real, freshly migrated Postgres database, for supertest. Each call gets its
// own database (cloned from one migrated template), so test files never see each other's rows.
import { createGuardedFetch } from '../../src/outbound/guarded-fetch.js';
import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { cliContext } from '../../src/admin/context.js';
import { buildScim } from '../../src/cli/scim.js';
import { adminServices } from '../../src/cli/services.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import type { AdminServices } from '../../src/http/routes/admin/index.js';
import { createLogger } from '../../src/logger.js';
import { createPrismaStore } from '../../src/store/prisma-store.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import type { Store } from '../../src/store/store.js';
import { createMigratedDatabase } from './services.js';

export interface TestGateway {
  app: RequestListener;
  config: Config;
  store: Store;
  services: AdminServices;
  databaseUrl: string;
  /** An unscoped admin key with every scope. */
  rootKey: string;
  close(): Promise<void>;
}

export const testEncryptionKey = randomBytes(32).toString('base64');

export function testConfig(databaseUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    GATEHOUSE_ENCRYPTION_KEY: testEncryptionKey,
    PUBLIC_URL: 'http://gatehouse.test',
    LOG_LEVEL: 'silent',
    HTTP_BODY_LIMIT_BYTES: '16384',
    ...extra,
  });
}

/** `env` overrides the test config (e.g. PUBLIC_URL when a test serves the gateway on a real port). */
export async function startTestGateway(label: string, env: Record<string, string> = {}, options: { maxConnections?: number } = {}): Promise<TestGateway> {
  const databaseUrl = await createMigratedDatabase(label);
  const config = testConfig(databaseUrl, env);
  // As in production (src/cli/gateway.ts): the relaxed-durability pool is created lazily, on first use.
  const store = createPrismaStore({ databaseUrl, maxConnections: options.maxConnections ?? 5, asyncCommitPool: true, listenForTokenChanges: true });
  const secretBox = createSecretBox(config.security.encryptionKey!);
  const gateway = { clock: () => new Date(), publicUrl: config.http.publicUrl, fetch: createGuardedFetch({ allowInsecure: true }), allowInsecureOutbound: true };
  const services = adminServices(store, { registry: connectorTypes, presets: idpPresets, secretBox, gateway });
  const app = createApp({
    config,
    logger: createLogger('silent'),
    services,
    readiness: [{ name: 'database', check: () => store.ping() }],
    scim: buildScim(store, config.http.publicUrl, config.scim.tokenCacheMs),
  });
  const root = await services.apiKeys.create(cliContext(), { name: 'test root' });
  return { app, config, store, services, databaseUrl, rootKey: root.secret, close: () => store.close() };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
