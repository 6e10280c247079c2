// `gatehouse admin-key create`: prints only the new key on stdout, so `KEY=$(gatehouse admin-key
// create --name ci)` works; everything else goes to stderr.
import { cliContext } from '../admin/context.js';
import type { Config } from '../config.js';
import { InvalidRequest } from '../errors.js';
import type { Logger } from '../logger.js';
import { requireMigrated } from '../store/migrations/pending.js';
import { createPrismaStore } from '../store/prisma-store.js';
import { openDatabase } from './database.js';
import { apiKeyService } from '../admin/api-keys.js';

export interface AdminKeyOptions {
  name?: string | undefined;
  organization?: string | undefined;
  scopes?: string | undefined;
}

export async function createAdminKey(config: Config, logger: Logger, options: AdminKeyOptions): Promise<string> {
  if (!options.name) throw new InvalidRequest('admin-key create needs --name NAME (what the key is for)');
  const database = await openDatabase(config, logger);
  const store = createPrismaStore({ databaseUrl: database.url, maxConnections: 1 });
  try {
    await requireMigrated(database.url);
    const scopes = options.scopes?.split(',').map((s) => s.trim()).filter(Boolean);
    const input = { name: options.name, organization_id: options.organization ?? null, ...(scopes ? { scopes } : {}) };
    const { record, secret } = await apiKeyService(store).create(cliContext(), input);
    logger.info({ id: record.id, prefix: record.prefix, scopes: record.scopes, organization_id: record.organizationId }, 'admin API key created');
    return secret;
  } finally {
    await store.close();
    await database.close();
  }
}
