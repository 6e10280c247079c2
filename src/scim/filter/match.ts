// Filters evaluated against a JSON resource in memory: PATCH value filters such as
// `emails[type eq "work"]` pick elements of one already-loaded resource (lists use SQL instead).
import type { AttrPath, FilterNode, FilterValue } from './ast.js';

export interface MatchOptions {
  /** Whether string comparisons on this attribute are case-sensitive (RFC 7643 default: false). */
  caseExact?: (path: AttrPath) => boolean;
}

const CORE_SCHEMA = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Only full timestamps compare as dates: Date.parse also takes "5" (the year 2005).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function member(object: unknown, name: string): unknown {
  if (!isObject(object)) return undefined;
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function rootOf(resource: unknown, path: AttrPath): unknown {
  return path.schema !== undefined && !CORE_SCHEMA.test(path.schema) ? member(resource, path.schema) : resource;
}

/**
 * The values at a path, flattened across multi-valued attributes. `raw` keeps complex values
 * whole (for `pr`: `name pr` asks about `name`, which has no `value`).
 */
function valuesAt(resource: unknown, path: AttrPath, raw = false): unknown[] {
  const top = member(rootOf(resource, path), path.attribute);
  const list = Array.isArray(top) ? top : top === undefined ? [] : [top];
  if (path.subAttribute === undefined) {
    if (raw) return list;
    // `emails co "x"` on a multi-valued complex attribute compares its `value` sub-attribute.
    return list.map((v) => (isObject(v) ? member(v, 'value') : v));
  }
  return list.map((v) => member(v, path.subAttribute as string));
}

function present(value: unknown): boolean {
  if (isObject(value)) return Object.values(value).some(present);
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function compare(actual: unknown, op: string, expected: FilterValue, exact: boolean): boolean {
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    const want = typeof expected === 'string' && /^(true|false)$/i.test(expected) ? expected.toLowerCase() === 'true' : expected;
    return op === 'eq' ? actual === want : op === 'ne' ? actual !== want : false;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(actual - expected, op);
  if (typeof actual !== 'string' || typeof expected !== 'string') return op === 'ne';
  if (op !== 'co' && op !== 'sw' && op !== 'ew' && ISO_DATE_TIME.test(actual) && ISO_DATE_TIME.test(expected)) {
    const diff = Date.parse(actual) - Date.parse(expected);
    if (!Number.isNaN(diff)) return ordered(diff, op);
  }
  const a = exact ? actual : actual.toLowerCase();
  const e = exact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return ordered(a < e ? -1 : a > e ? 1 : 0, op);
  }
}

function ordered(diff: number, op: string): boolean {
  return op === 'eq' ? diff === 0 : op === 'ne' ? diff !== 0 : op === 'gt' ? diff > 0 : op === 'ge' ? diff >= 0 : op === 'lt' ? diff < 0 : diff <= 0;
}

export function matchesFilter(node: FilterNode, resource: Record<string, unknown>, options: MatchOptions = {}): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, resource, options) && matchesFilter(node.right, resource, options);
    case 'or':
      return matchesFilter(node.left, resource, options) || matchesFilter(node.right, resource, options);
    case 'not':
      return !matchesFilter(node.operand, resource, options);
    case 'present':
      return valuesAt(resource, node.path, true).some(present);
    case 'valuePath':
      return valuesAt(resource, node.path, true).some((e) => isObject(e) && matchesFilter(node.filter, e, options));
    case 'compare': {
      const values = valuesAt(resource, node.path, node.value === null);
      // `eq null` asks for absence (RFC 7643 §2.5: null and unassigned are the same), as the SQL does.
      if (node.value === null) return node.op === 'eq' ? !values.some(present) : node.op === 'ne' ? values.some(present) : false;
      const exact = options.caseExact?.(node.path) ?? false;
      if (node.op === 'ne') return !values.some((v) => compare(v, 'eq', node.value, exact));
      return values.some((v) => compare(v, node.op, node.value, exact));
    }
  }
}
