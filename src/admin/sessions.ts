// Gatehouse browser sessions, listable and revocable by user (profile), connection or
// organization. Revoking a session also revokes the grants it gave products, which ends their
// access and refresh tokens: a revoked user cannot keep refreshing.
import { z } from 'zod';
import { NotFound } from '../errors.js';
import type { Page, SessionRecord } from '../store/records.js';
import type { Repositories, Store } from '../store/store.js';
import { audited } from './audit.js';
import { narrowToOwn, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

const id = z.string().min(1).max(64);
const filterSchema = z.strictObject({ organization_id: id.optional(), connection_id: id.optional(), profile_id: id.optional() });
const revokeSchema = filterSchema.refine((f) => f.organization_id || f.connection_id || f.profile_id, {
  message: 'name organization_id, connection_id or profile_id',
});
const MAX_BULK = 1000;

async function end(tx: Repositories, session: SessionRecord): Promise<void> {
  for (const grantId of session.grantIds) {
    await tx.oidcPayloads.revokeByGrantId(grantId);
    await tx.oidcPayloads.destroy('Grant', grantId);
  }
  await tx.oidcPayloads.destroy('Session', session.id);
}

export function sessionService(store: Store, clock: () => Date = () => new Date()) {
  /** A scoped key's filter is pinned to its organization; naming another is a 404. */
  function scoped(ctx: AdminContext, filter: z.output<typeof filterSchema>) {
    return { organizationId: narrowToOwn(ctx, filter.organization_id), connectionId: filter.connection_id, profileId: filter.profile_id };
  }

  return {
    async list(ctx: AdminContext, params: ListParams, query: unknown): Promise<Page<SessionRecord>> {
      requireScope(ctx.actor.scopes, 'sessions:read');
      const filter = scoped(ctx, parseInput(filterSchema, query, 'query parameters'));
      return store.oidcPayloads.listSessions({ ...params, ...filter }, clock());
    },

    async revoke(ctx: AdminContext, sessionId: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'sessions:write');
      const [session] = (await store.oidcPayloads.listSessions({ limit: 1, ...scoped(ctx, {}), sessionId }, clock())).data;
      if (!session) throw new NotFound('session not found');
      const what = { action: 'session.revoked', targetType: 'session', targetId: sessionId, organizationId: session.organizationId };
      await audited(store, ctx, what, async (tx) => ({ value: await end(tx, session), metadata: { profile_id: session.profileId } }));
    },

    /** Ends every session matching the filter (at most 1000 per call; call again while `revoked` is 1000). */
    async revokeMatching(ctx: AdminContext, input: unknown): Promise<number> {
      requireScope(ctx.actor.scopes, 'sessions:write');
      const filter = scoped(ctx, parseInput(revokeSchema, input));
      const sessions = (await store.oidcPayloads.listSessions({ limit: MAX_BULK, ...filter }, clock())).data;
      const what = { action: 'sessions.revoked', targetType: 'session', organizationId: filter.organizationId ?? null };
      return audited(store, ctx, what, async (tx) => {
        for (const session of sessions) await end(tx, session);
        return { value: sessions.length, metadata: { count: sessions.length, filter } };
      });
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
