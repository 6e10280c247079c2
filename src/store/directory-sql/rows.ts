// pg rows of the directory tables -> the store's records.
import type pg from 'pg';
import { prepared } from '../prepared.js';
import type { DirectoryGroupRecord, DirectoryUserRecord } from '../records.js';

/** A pool or a checked-out client: reads run on either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export const USER_COLUMNS = 'id, directory_id, external_id, active, primary_email, resource, version, created_at, updated_at';
export const GROUP_COLUMNS = 'id, directory_id, external_id, resource, version, created_at, updated_at';

interface UserRow {
  id: string;
  directory_id: string;
  external_id: string | null;
  active: boolean;
  primary_email: string | null;
  resource: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

type GroupRow = Omit<UserRow, 'active' | 'primary_email'>;

export function toUser(row: UserRow): DirectoryUserRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    externalId: row.external_id,
    active: row.active,
    primaryEmail: row.primary_email,
    resource: row.resource,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toGroup(row: GroupRow): DirectoryGroupRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    externalId: row.external_id,
    resource: row.resource,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function rows<T>(db: Queryable, text: string, values: unknown[]): Promise<T[]> {
  return (await db.query(prepared(text, values))).rows as T[];
}
