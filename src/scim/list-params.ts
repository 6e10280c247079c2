// Query parameters of SCIM list and read requests (RFC 7644 §3.4.2): filter, startIndex, count,
// attributes, excludedAttributes. Validated here; the filter is parsed into the store's query AST.
import type { FilterNode } from './filter/ast.js';
import { parseFilter } from './filter/parse.js';
import type { ListQuery } from '../store/directory-data.js';
import { isWellFormedId } from '../store/ids.js';
import { badRequest, ScimError } from './errors.js';
import { DEFAULT_PAGE_SIZE as DEFAULT_COUNT, MAX_RESULTS } from './resources/discovery.js';

export interface ScimListParams {
  filter: FilterNode | undefined;
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
  /**
   * RFC 9865 cursor paging: set (possibly '' for the first page) when the client sent `cursor`.
   * Keyset paging costs the same on the last page of 100k users as on the first.
   */
  cursor: string | undefined;
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
  const cursor = cursorOf(query);
  if (cursor !== undefined && query.startIndex !== undefined) throw badRequest('invalidValue', 'Use either cursor or startIndex, not both');
  return { filter: filterText === undefined ? undefined : parseFilter(filterText), startIndex, count, cursor, ...parseReadParams(query) };
}

/** Our cursors are the base64url of the last id seen; anything else is a 400 invalidCursor. */
function cursorOf(query: Record<string, unknown>): string | undefined {
  const value = query.cursor;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest('invalidValue', 'The cursor parameter may be given only once');
  if (value === '') return '';
  const id = Buffer.from(value, 'base64url').toString('utf8');
  if (!isWellFormedId(id) || Buffer.from(id).toString('base64url') !== value) {
    throw new ScimError(400, 'invalidCursor', 'The cursor is not one this server issued');
  }
  return id;
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The store query of a list request: offset paging, or keyset paging with one row to spare. */
export function listQueryOf(params: ScimListParams): ListQuery {
  if (params.cursor === undefined) return { filter: params.filter, offset: params.startIndex - 1, limit: params.count };
  return { filter: params.filter, offset: 0, limit: params.count + 1, after: params.cursor === '' ? undefined : params.cursor };
}
