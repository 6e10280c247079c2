// The DirectoryDataStore over a pg pool (the same pool Prisma's adapter uses).
import type pg from 'pg';
import type { DirectoryDataStore } from '../directory-data.js';
import { directoryReads } from './reads.js';
import { directoryWrites } from './writes.js';

/** `committed` is called after a transaction that appended events commits. */
export function createDirectoryDataStore(pool: pg.Pool, committed: () => void = () => {}): DirectoryDataStore {
  return {
    ...directoryReads(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        let appended = false;
        const result = await fn(directoryWrites(client, () => (appended = true)));
        await client.query('COMMIT');
        if (appended) committed();
        return result;
      } catch (error) {
        // A connection that cannot even roll back is discarded rather than returned to the pool.
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}
