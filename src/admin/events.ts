// The events feed: every lifecycle event in sequence order, for a product that polls instead of
// (or as well as) receiving webhooks, or catches up after an outage. Sequence order is commit
// order (the outbox lock), so a reader that resumes after its last sequence never skips an event.
//
// Unlike other lists, the cursor never runs out: with nothing more to read, `after` is the cursor
// of the last event returned (or the one the request sent), to poll with later; `has_more` says
// whether more events are already waiting.
import { z } from 'zod';
import type { Store } from '../store/store.js';
import { eventBody, type EventBody } from '../webhooks/body.js';
import { narrowToOwn, type AdminContext } from './context.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';
import { eventTypeList } from './webhook-input.js';
import { limitParam } from './list-params.js';

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;

/** Opaque to clients (so it can change shape later): base64url of `seq:<n>`. */
export function feedCursor(sequence: bigint): string {
  return Buffer.from(`seq:${sequence}`, 'utf8').toString('base64url');
}

const CURSOR_TEXT = /^seq:(0|[1-9][0-9]{0,18})$/;
/** Postgres BIGINT: a larger cursor would be a database error, not a 400. */
const MAX_SEQUENCE = 2n ** 63n - 1n;

function sequenceOf(cursor: string): bigint | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR_TEXT.test(text)) return undefined;
  const sequence = BigInt(text.slice(4));
  // Re-encoding must give the same string back: anything else was not made by feedCursor.
  return sequence <= MAX_SEQUENCE && feedCursor(sequence) === cursor ? sequence : undefined;
}

const CURSOR_ERROR = 'must be a cursor returned in list_metadata.after';
const feedSchema = z.object({
  after: z
    .string({ error: CURSOR_ERROR })
    .transform((cursor, ctx) => {
      const sequence = sequenceOf(cursor);
      if (sequence === undefined) ctx.addIssue({ code: 'custom', message: CURSOR_ERROR });
      return sequence ?? z.NEVER;
    })
    .optional(),
  limit: limitParam(MAX_FEED_LIMIT, DEFAULT_FEED_LIMIT),
  types: eventTypeList.optional(),
  organization_id: z.string({ error: 'must be a single organization id' }).max(64, 'must be a single organization id').optional(),
});

export interface FeedPage {
  data: EventBody[];
  after: string;
  hasMore: boolean;
}

export function eventFeedService(store: Store) {
  return {
    async list(ctx: AdminContext, query: Record<string, unknown>): Promise<FeedPage> {
      requireScope(ctx.actor.scopes, 'events:read');
      const given = (key: string) => (query[key] === '' ? undefined : query[key]);
      const raw = { after: given('after'), limit: given('limit'), types: given('types'), organization_id: given('organization_id') };
      const params = parseInput(feedSchema, raw, 'query parameters');
      const afterSequence = params.after ?? 0n;
      // An organization-scoped key reads its own organization's events only, whatever it asks.
      const organizationId = narrowToOwn(ctx, params.organization_id);
      const events = await store.outbox.feed({ afterSequence, limit: params.limit + 1, types: params.types, organizationId });
      const kept = events.slice(0, params.limit);
      return { data: kept.map(eventBody), after: feedCursor(kept.at(-1)?.sequence ?? afterSequence), hasMore: events.length > params.limit };
    },
  };
}

export type EventFeedService = ReturnType<typeof eventFeedService>;
