// Where the database is: DATABASE_URL, or the embedded Postgres under the data directory (locked
// for this process, with its generated encryption key).
import { withEncryptionKey, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { lockDataDir, loadOrCreateEncryptionKey } from '../store/data-dir.js';
import { startEmbeddedPostgres } from '../store/embedded.js';

export interface OpenedDatabase {
  url: string;
  embedded: boolean;
  /** The config with the encryption key filled in on the embedded default. */
  config: Config;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger): Promise<OpenedDatabase> {
  if (config.database.url !== undefined) {
    return { url: config.database.url, embedded: false, config, close: async () => {} };
  }
  const dataDir = config.database.dataDir;
  const release = lockDataDir(dataDir);
  try {
    const key = config.security.encryptionKey ?? loadOrCreateEncryptionKey(dataDir);
    logger.info({ data_dir: dataDir }, 'starting embedded Postgres (set DATABASE_URL to use your own)');
    const started = Date.now();
    const embedded = await startEmbeddedPostgres(dataDir);
    logger.info({ ms: Date.now() - started }, 'embedded Postgres ready');
    return {
      url: embedded.url,
      embedded: true,
      config: withEncryptionKey(config, key),
      async close() {
        await embedded.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
