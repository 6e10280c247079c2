// SCIM list queries: a filter AST becomes a WHERE clause over indexed columns (never a scan of
// the JSON), paged by offset (SCIM startIndex) or by keyset (`after`), with the total count.
import { filterToSql, type ColumnMap } from './filter-sql.js';
import type { FilterNode } from '../../scim/filter/ast.js';
import type { ListQuery, ListResult } from '../directory-data.js';
import { rows, type Queryable } from './rows.js';

export const USER_FILTER_COLUMNS: ColumnMap = {
  id: { sql: 't.id', type: 'string', caseExact: true },
  username: { sql: 't.user_name_key', type: 'string', caseExact: false },
  externalid: { sql: 't.external_id', type: 'string', caseExact: true, nullable: true },
  displayname: { sql: 't.display_name_key', type: 'string', caseExact: false, nullable: true },
  'emails.value': { sql: 't.email_keys', type: 'string', caseExact: false, shape: 'array' },
  emails: { sql: 't.email_keys', type: 'string', caseExact: false, shape: 'array' },
  active: { sql: 't.active', type: 'boolean', caseExact: true },
  'meta.lastmodified': { sql: 't.updated_at', type: 'dateTime', caseExact: true },
  'meta.created': { sql: 't.created_at', type: 'dateTime', caseExact: true },
  // The user's groups: memberships as an array column (served by the membership user_id index).
  'groups.value': { sql: '(ARRAY(SELECT m.group_id FROM directory_memberships m WHERE m.user_id = t.id))', type: 'string', caseExact: true, shape: 'array' },
};

export const GROUP_FILTER_COLUMNS: ColumnMap = {
  id: { sql: 't.id', type: 'string', caseExact: true },
  displayname: { sql: 't.display_name_key', type: 'string', caseExact: false },
  externalid: { sql: 't.external_id', type: 'string', caseExact: true, nullable: true },
  'meta.lastmodified': { sql: 't.updated_at', type: 'dateTime', caseExact: true },
  'meta.created': { sql: 't.created_at', type: 'dateTime', caseExact: true },
};

export interface ListSpec<Row, T> {
  table: string;
  /** The directories column that counts this table's rows (kept by triggers): an unfiltered total. */
  countColumn: 'user_count' | 'group_count';
  columns: string;
  filterColumns: ColumnMap;
  map: (row: Row) => T;
}

export async function listRows<Row, T>(db: Queryable, spec: ListSpec<Row, T>, directoryId: string, query: ListQuery): Promise<ListResult<T>> {
  const params: unknown[] = [directoryId];
  let where = 't.directory_id = $1';
  if (query.filter) where += ` AND ${whereOf(query.filter, spec, params)}`;
  // Unfiltered, the total is the directory's counter; filtered, the matches are counted.
  const countSql = query.filter
    ? `SELECT count(*)::int AS n FROM ${spec.table} t WHERE ${where}`
    : `SELECT ${spec.countColumn} AS n FROM directories WHERE id = $1`;
  const count = async () => (await rows<{ n: number }>(db, countSql, params.slice()))[0]?.n ?? 0;
  if (query.after !== undefined) {
    // Keyset page: the total counts every match, not only those after the cursor.
    const pageParams = [...params, query.after, query.limit];
    const sql = `SELECT ${spec.columns} FROM ${spec.table} t WHERE ${where} AND t.id > $${pageParams.length - 1} ORDER BY t.id LIMIT $${pageParams.length}`;
    const [items, total] = await Promise.all([rows<Row>(db, sql, pageParams), count()]);
    return { total, items: items.map(spec.map) };
  }
  // Offset page: the total rides along as a window count over ids only (an index-only scan), and
  // the resources are read for the page's rows alone: one round trip for a lookup.
  const pageParams = [...params, query.limit, query.offset];
  const totalSql = query.filter ? 'count(*) OVER ()' : `(SELECT ${spec.countColumn} FROM directories WHERE id = $1)`;
  const sql = `SELECT ${spec.columns}, p.total_count FROM (
                 SELECT t.id, ${totalSql} AS total_count FROM ${spec.table} t WHERE ${where}
                  ORDER BY t.id LIMIT $${pageParams.length - 1} OFFSET $${pageParams.length}) p
               JOIN ${spec.table} t ON t.id = p.id ORDER BY t.id`;
  const items = await rows<Row & { total_count: string }>(db, sql, pageParams);
  const total = items[0] ? Number(items[0].total_count) : query.offset > 0 || query.limit === 0 ? await count() : 0;
  return { total, items: items.map(spec.map) };
}

function whereOf<Row, T>(filter: FilterNode, spec: ListSpec<Row, T>, params: unknown[]): string {
  const columns = spec.table === 'directory_groups' ? { ...spec.filterColumns, ...MEMBER_COLUMNS } : spec.filterColumns;
  return filterToSql(filter, columns, params);
}

/** `members.value eq "<user id>"` (groups that have this member): memberships as an array column. */
const MEMBERS_SQL = '(ARRAY(SELECT m.user_id FROM directory_memberships m WHERE m.group_id = t.id))';
const MEMBER_COLUMNS: ColumnMap = {
  'members.value': { sql: MEMBERS_SQL, type: 'string', caseExact: true, shape: 'array' },
  members: { sql: MEMBERS_SQL, type: 'string', caseExact: true, shape: 'array' },
};
