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
  columns: string;
  filterColumns: ColumnMap;
  map: (row: Row) => T;
}

export async function listRows<Row, T>(db: Queryable, spec: ListSpec<Row, T>, directoryId: string, query: ListQuery): Promise<ListResult<T>> {
  const params: unknown[] = [directoryId];
  let where = 't.directory_id = $1';
  if (query.filter) where += ` AND ${whereOf(query.filter, spec, params)}`;
  const countParams = [...params];
  const countSql = `SELECT count(*)::int AS n FROM ${spec.table} t WHERE ${where}`;
  let page = where;
  if (query.after !== undefined) {
    params.push(query.after);
    page += ` AND t.id > $${params.length}`;
  }
  params.push(query.limit);
  let sql = `SELECT ${spec.columns} FROM ${spec.table} t WHERE ${page} ORDER BY t.id LIMIT $${params.length}`;
  if (query.after === undefined && query.offset > 0) {
    params.push(query.offset);
    sql += ` OFFSET $${params.length}`;
  }
  const [items, count] = await Promise.all([rows<Row>(db, sql, params), rows<{ n: number }>(db, countSql, countParams)]);
  return { total: count[0]?.n ?? 0, items: items.map(spec.map) };
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
