// Get-and-delete in one statement for single-use rows (login attempts, IdP-initiated tickets): one
// round trip, and of two concurrent consumers only one gets the row back.
import type { Db } from './db.js';

/** Closed list: the table name is interpolated, so it must never come from input. */
type SingleUseTable = 'login_attempts' | 'idp_initiated_logins';

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export async function consumeRow<T>(db: Db, table: SingleUseTable, id: string): Promise<T | undefined> {
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(`DELETE FROM "${table}" WHERE id = $1 RETURNING *`, id);
  const row = rows[0];
  return row ? (Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T) : undefined;
}
