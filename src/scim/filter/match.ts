// Filters evaluated against a JSON resource in memory: PATCH value filters such as
// `emails[type eq "work"]` pick elements of one already-loaded resource (lists use SQL instead).
import type { AttrPath, FilterNode, FilterValue } from './ast.js';

export interface MatchOptions {
  /** Whether string comparisons on this attribute are case-sensitive (RFC 7643 default: false). */
  caseExact?: (path: AttrPath) => boolean;
}

const CORE_SCHEMA = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i;

function member(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (object as Record<string, unknown>)[key];
}

/** The values at a path, flattened across multi-valued attributes. */
function valuesAt(resource: unknown, path: AttrPath): unknown[] {
  const root = path.schema !== undefined && !CORE_SCHEMA.test(path.schema) ? member(resource, path.schema) : resource;
  const top = member(root, path.attribute);
  const list = Array.isArray(top) ? top : top === undefined ? [] : [top];
  if (path.subAttribute === undefined) {
    // `emails co "x"` on a multi-valued complex attribute compares its `value` sub-attribute.
    return list.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? member(v, 'value') : v));
  }
  return list.map((v) => member(v, path.subAttribute as string));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function compare(actual: unknown, op: string, expected: FilterValue, exact: boolean): boolean {
  if (expected === null) return op === 'eq' ? !present(actual) : op === 'ne' ? present(actual) : false;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    const want = typeof expected === 'string' && /^(true|false)$/i.test(expected) ? expected.toLowerCase() === 'true' : expected;
    return op === 'eq' ? actual === want : op === 'ne' ? actual !== want : false;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(actual - expected, op);
  if (typeof actual !== 'string' || typeof expected !== 'string') return op === 'ne';
  const dates = [Date.parse(actual), Date.parse(expected)];
  if (['gt', 'ge', 'lt', 'le'].includes(op) && /^\d{4}-/.test(actual) && !dates.some(Number.isNaN)) return ordered((dates[0] as number) - (dates[1] as number), op);
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
      return valuesAt(resource, node.path).some(present);
    case 'valuePath': {
      const elements = member(resource, node.path.attribute);
      return (Array.isArray(elements) ? elements : [elements]).some(
        (e) => typeof e === 'object' && e !== null && matchesFilter(node.filter, e as Record<string, unknown>, options),
      );
    }
    case 'compare': {
      const exact = options.caseExact?.(node.path) ?? false;
      const values = valuesAt(resource, node.path);
      if (node.op === 'ne') return !values.some((v) => compare(v, 'eq', node.value, exact));
      return values.some((v) => compare(v, node.op, node.value, exact));
    }
  }
}
