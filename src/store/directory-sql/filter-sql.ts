// A parsed SCIM filter -> a parameterized SQL condition over indexed columns. Leaves stay plain
// comparisons so indexes serve them (a NULL there filters the row out, as false would); `not`
// becomes `IS NOT TRUE`, so `not` of a comparison on a NULL column is true, as SCIM means it.
// Only attributes with a column can be filtered on: nothing scans the JSON.
import { badRequest } from '../../scim/errors.js';
import type { AttrPath, FilterNode, FilterValue } from '../../scim/filter/ast.js';

export interface ColumnSpec {
  /** SQL expression, written by us (never from input). */
  sql: string;
  type: 'string' | 'boolean' | 'dateTime';
  /** false: the column holds a lower-cased key, so values are lower-cased before comparing. */
  caseExact: boolean;
  /** 'array': a text[] column; a comparison holds when any element matches. */
  shape?: 'scalar' | 'array';
  nullable?: boolean;
}

export type ColumnMap = Readonly<Record<string, ColumnSpec>>;

const CORE_SCHEMA = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i;
const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function keyOf(path: AttrPath, parent?: AttrPath): string {
  if (parent) return `${parent.attribute}.${path.attribute}`.toLowerCase();
  const schema = path.schema !== undefined && !CORE_SCHEMA.test(path.schema) ? `${path.schema}:` : '';
  return `${schema}${path.attribute}${path.subAttribute === undefined ? '' : `.${path.subAttribute}`}`.toLowerCase();
}

function column(columns: ColumnMap, path: AttrPath, parent?: AttrPath): ColumnSpec {
  const spec = columns[keyOf(path, parent)];
  if (!spec) {
    const supported = [...new Set(Object.keys(columns))].join(', ');
    throw badRequest('invalidFilter', `Filtering on "${keyOf(path, parent)}" is not supported; supported: ${supported}`);
  }
  return spec;
}

function parameter(spec: ColumnSpec, op: string, value: FilterValue, params: unknown[]): string {
  const mismatch = () => badRequest('invalidFilter', `"${op}" cannot compare a ${spec.type} attribute with ${JSON.stringify(value)}`);
  if (spec.type === 'boolean') {
    const bool = typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
    if (typeof bool !== 'boolean' || (op !== 'eq' && op !== 'ne')) throw mismatch();
    params.push(bool);
    return `$${params.length}`;
  }
  if (typeof value !== 'string') throw mismatch();
  if (spec.type === 'dateTime') {
    if (['co', 'sw', 'ew'].includes(op) || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) throw mismatch();
    params.push(new Date(value).toISOString());
    return `$${params.length}::timestamptz`;
  }
  const text = spec.caseExact ? value : value.toLowerCase();
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  params.push(op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : op === 'ew' ? `%${escaped}` : text);
  return `$${params.length}`;
}

function leaf(node: Extract<FilterNode, { kind: 'compare' | 'present' }>, columns: ColumnMap, params: unknown[], parent?: AttrPath): string {
  const spec = column(columns, node.path, parent);
  const array = spec.shape === 'array';
  if (node.kind === 'present') return array ? `(COALESCE(cardinality(${spec.sql}), 0) > 0)` : `(${spec.sql} IS NOT NULL)`;
  if (node.value === null) {
    if (node.op !== 'eq' && node.op !== 'ne') throw badRequest('invalidFilter', `"${node.op}" cannot compare with null`);
    const present = array ? `COALESCE(cardinality(${spec.sql}), 0) > 0` : `${spec.sql} IS NOT NULL`;
    return node.op === 'eq' ? `(NOT (${present}))` : `(${present})`;
  }
  const p = parameter(spec, node.op, node.value, params);
  const like = node.op === 'co' || node.op === 'sw' || node.op === 'ew';
  if (array) {
    if (node.op === 'eq') return `(${spec.sql} @> ARRAY[${p}]::text[])`;
    // ne on a multi-valued attribute: no element equals the value (an empty list has none).
    if (node.op === 'ne') return `(NOT COALESCE(${spec.sql} @> ARRAY[${p}]::text[], false))`;
    const test = like ? `e.v LIKE ${p} ESCAPE '\\'` : `e.v ${SQL_OPS[node.op as keyof typeof SQL_OPS]} ${p}`;
    return `(EXISTS (SELECT 1 FROM unnest(${spec.sql}) AS e(v) WHERE ${test}))`;
  }
  if (node.op === 'ne') return `(${spec.sql} IS DISTINCT FROM ${p})`;
  const test = like ? `${spec.sql} LIKE ${p} ESCAPE '\\'` : `${spec.sql} ${SQL_OPS[node.op as keyof typeof SQL_OPS]} ${p}`;
  return `(${test})`;
}

export function filterToSql(node: FilterNode, columns: ColumnMap, params: unknown[], parent?: AttrPath): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${filterToSql(node.left, columns, params, parent)} ${node.kind.toUpperCase()} ${filterToSql(node.right, columns, params, parent)})`;
    case 'not':
      return `(${filterToSql(node.operand, columns, params, parent)} IS NOT TRUE)`;
    case 'valuePath':
      return valuePath(node, columns, params);
    default:
      return leaf(node, columns, params, parent);
  }
}

function leavesOf(node: FilterNode): Array<Extract<FilterNode, { kind: 'compare' | 'present' }>> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...leavesOf(node.left), ...leavesOf(node.right)];
    case 'not':
      return leavesOf(node.operand);
    case 'valuePath':
      return leavesOf(node.filter);
    default:
      return [node];
  }
}

const hasNot = (node: FilterNode): boolean =>
  node.kind === 'not' || ((node.kind === 'and' || node.kind === 'or') && (hasNot(node.left) || hasNot(node.right)));

/**
 * emails[value sw "a" and value ew ".test"]: the inner filter must hold for one element, not
 * each part for a different one. One condition keeps its indexed any-element form; more (or a
 * `not`) test each element in turn, behind the any-element form as an indexed pre-filter where
 * that is a necessary condition (no `not` inside).
 */
function valuePath(node: Extract<FilterNode, { kind: 'valuePath' }>, columns: ColumnMap, params: unknown[]): string {
  const leaves = leavesOf(node.filter);
  const specs = leaves.map((l) => column(columns, l.path, node.path));
  const arrays = new Set(specs.filter((s) => s.shape === 'array').map((s) => s.sql));
  const element = specs.every((s) => s.shape === 'array') && arrays.size === 1 && (leaves.length > 1 || hasNot(node.filter));
  if (!element) return filterToSql(node.filter, columns, params, node.path);
  const scoped: Record<string, ColumnSpec> = {};
  for (const [i, leafNode] of leaves.entries()) scoped[keyOf(leafNode.path, node.path)] = { ...specs[i]!, sql: 'e.v', shape: 'scalar', nullable: false };
  const each = `(EXISTS (SELECT 1 FROM unnest(${[...arrays][0]!}) AS e(v) WHERE ${filterToSql(node.filter, scoped, params, node.path)}))`;
  return hasNot(node.filter) ? each : `(${filterToSql(node.filter, columns, params, node.path)} AND ${each})`;
}
