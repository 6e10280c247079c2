// `gatehouse signing-keys rotate`: new ID-token signing keys; the old ones stay published for a day.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createSecretBox } from '../store/encryption.js';
import { requireMigrated } from '../store/migrations/pending.js';
import { createPrismaStore } from '../store/prisma-store.js';
import { rotateSigningKeys } from '../sso/provider/signing-keys.js';
import { openDatabase } from './database.js';

export async function rotateKeys(initial: Config, logger: Logger): Promise<string[]> {
  const database = await openDatabase(initial, logger);
  const store = createPrismaStore({ databaseUrl: database.url, maxConnections: 1 });
  try {
    await requireMigrated(database.url);
    const { encryptionKey, previousEncryptionKeys } = database.config.security;
    if (!encryptionKey) throw new TypeError('openDatabase provides the encryption key');
    const fresh = await rotateSigningKeys(store, createSecretBox(encryptionKey, previousEncryptionKeys), () => new Date());
    logger.info({ kids: fresh.map((k) => k.id) }, 'signing keys rotated; restart API nodes to sign with them');
    return fresh.map((k) => k.id);
  } finally {
    await store.close();
    await database.close();
  }
}
