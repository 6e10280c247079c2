// `?limit=&after=` for every admin list, validated in one place.
import { z } from 'zod';
import { isWellFormedId } from '../store/ids.js';
import { parseInput } from './validation.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface ListParams {
  limit: number;
  after?: string | undefined;
}

/** `?limit=`: a whole number from 1 to `max`, `fallback` when absent (shared by every list and the events feed). */
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

const listSchema = z.object({
  limit: limitParam(MAX_LIMIT, DEFAULT_LIMIT),
  after: z.string().refine(isWellFormedId, 'must be a cursor returned in list_metadata.after').optional(),
});

export function parseListParams(query: Record<string, unknown>): ListParams {
  return parseInput(listSchema, { limit: single(query.limit), after: single(query.after) }, 'query parameters');
}

/** `?limit=1&limit=2` arrives as an array; that is a client error, not a crash. */
function single(value: unknown): unknown {
  return Array.isArray(value) ? '(repeated)' : value === '' ? undefined : value;
}
