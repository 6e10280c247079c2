// The DirectoryDataStore over a pg pool (the same pool Prisma's adapter uses).
import type pg from 'pg';
import type { DirectoryDataStore } from '../directory-data.js';
import { directoryReads } from './reads.js';
import { directoryWrites } from './writes.js';

export function createDirectoryDataStore(pool: pg.Pool): DirectoryDataStore {
  return {
    ...directoryReads(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(directoryWrites(client));
        await client.query('COMMIT');
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
