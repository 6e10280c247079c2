// Query parameters of SCIM list and read requests (RFC 7644 §3.4.2): filter, startIndex, count,
// attributes, excludedAttributes. Validated here; the filter is parsed into the store's query AST.
import type { FilterNode } from './filter/ast.js';
import { parseFilter } from './filter/parse.js';
import { badRequest } from './errors.js';
import { MAX_RESULTS } from './resources/discovery.js';

export const DEFAULT_COUNT = 100;

export interface ScimListParams {
  filter: FilterNode | undefined;
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

export interface ScimReadParams {
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest('invalidValue', `The ${name} parameter may be given only once`);
  return value;
}

function integer(query: Record<string, unknown>, name: string): number | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  if (!/^-?\d{1,9}$/.test(text)) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number(text);
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length > 100) throw badRequest('invalidValue', 'At most 100 attribute names may be listed');
  return names;
}

export function parseReadParams(query: Record<string, unknown>): ScimReadParams {
  return { attributes: list(single(query, 'attributes')), excludedAttributes: list(single(query, 'excludedAttributes')) };
}

export function parseListParams(query: Record<string, unknown>): ScimListParams {
  const filterText = single(query, 'filter');
  // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0.
  const startIndex = Math.max(1, integer(query, 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(query, 'count') ?? DEFAULT_COUNT));
  return { filter: filterText === undefined ? undefined : parseFilter(filterText), startIndex, count, ...parseReadParams(query) };
}
