// The SCIM lane's routes: a method and a pattern of at most one `:id` segment. Matched without
// case and with an optional trailing slash, as express matched them.
import type { ParsedUrlQuery } from 'node:querystring';
import type { ScimRequestScope } from '../../../scim/users.js';
import type { LaneExchange } from '../../lane.js';

export interface ScimCall {
  x: LaneExchange;
  scope: ScimRequestScope;
  query: ParsedUrlQuery;
  body: unknown;
  /** The decoded `:id` segment, when the pattern has one. */
  id: string;
}

export interface ScimRoute {
  method: string;
  /** `/Users` or `/Users/:id`: the metrics label, and what is matched. */
  pattern: string;
  handle(call: ScimCall): Promise<void> | void;
}

export const route = (method: string, pattern: string, handle: ScimRoute['handle']): ScimRoute => ({ method, pattern, handle });

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** `rest` is the path after the directory id, e.g. `/Users/dusr_…`. */
export function matchRoute(routes: readonly ScimRoute[], method: string, rest: string): { route: ScimRoute; id: string } | undefined {
  const path = rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest;
  const [, resource = '', id, extra] = path.split('/');
  if (extra !== undefined) return undefined;
  const wanted = id === undefined ? `/${resource}`.toLowerCase() : `/${resource}/:id`.toLowerCase();
  const found = routes.find((r) => r.method === method && r.pattern.toLowerCase() === wanted);
  if (!found) return undefined;
  if (id === undefined) return { route: found, id: '' };
  const value = decoded(id);
  return value === undefined || value === '' ? undefined : { route: found, id: value };
}
