// The DirectoryDataStore over a pg pool (the same pool Prisma's adapter uses).
import type pg from 'pg';
import type { DirectoryDataStore } from '../directory-data.js';
import { withTransaction } from '../pg-transaction.js';
import { batchedUserReads, directoryReads } from './reads.js';
import { userWrites } from './user-writes.js';
import { directoryWrites } from './writes.js';

/** `committed` is called after a transaction (or a single-statement user write) that appended events commits. */
export function createDirectoryDataStore(pool: pg.Pool, committed: () => void = () => {}): DirectoryDataStore {
  return {
    ...directoryReads(pool),
    ...batchedUserReads(pool),
    ...userWrites(pool, committed),
    async transaction(fn) {
      let appended = false;
      const result = await withTransaction(pool, (client) => fn(directoryWrites(client, () => (appended = true))));
      if (appended) committed();
      return result;
    },
  };
}
