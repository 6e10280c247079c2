// Resuming a completed interaction (GET /oauth/authorize/:uid), oidc-provider reads the
// interaction, deletes it, then reads its client, the account and the grant, one after another,
// though the interaction already names all three. The client and grant come with the interaction
// in one statement (Store.oidcResume), the account's read starts as soon as it is in, and all three
// are handed to oidc-provider's own lookups moments later in the same request. They are the same reads a little earlier, not a cache: held per request (oidc-provider's
// context), each taken once, so nothing outlives the request or is served to another.
import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';

type Ctx = KoaContextWithOIDC;

export interface ResumeReads {
  client(clientId: string): Promise<unknown>;
  grant(grantId: string): Promise<unknown>;
}

export function earlyReads() {
  const byRequest = new WeakMap<Ctx, Map<string, Promise<unknown>>>();

  function start(ctx: Ctx, key: string, read: () => Promise<unknown>) {
    const reads = byRequest.get(ctx) ?? new Map<string, Promise<unknown>>();
    byRequest.set(ctx, reads);
    const pending = read();
    // Unobserved when the request ends before its lookup (e.g. a refused resume).
    pending.catch(() => undefined);
    reads.set(key, pending);
  }

  function take(ctx: Ctx | undefined, key: string): Promise<unknown> | undefined {
    const reads = ctx && byRequest.get(ctx);
    const pending = reads?.get(key);
    reads?.delete(key);
    return pending;
  }

  return {
    take,

    /** Whether this request resumes a completed interaction (whose reads interactionRead starts). */
    resuming: (ctx: Ctx | undefined) => ctx?.oidc?.route === 'resume',

    /** Called with every interaction the adapter reads: starts the reads its resume will make. */
    interactionRead(ctx: Ctx | undefined, interaction: Record<string, unknown>, reads: ResumeReads, findAccount: FindAccount) {
      if (!ctx || ctx.oidc?.route !== 'resume') return;
      const ids = resumeIds(interaction);
      if (!ids) return;
      start(ctx, `Client:${ids.clientId}`, () => reads.client(ids.clientId));
      start(ctx, `Grant:${ids.grantId}`, () => reads.grant(ids.grantId));
      start(ctx, `Account:${ids.accountId}`, async () => findAccount(ctx, ids.accountId));
    },

    /** findAccount, answered by the read started for this request when there is one. */
    findAccount(findAccount: FindAccount): FindAccount {
      return (ctx, sub, token) => (take(ctx, `Account:${sub}`) as ReturnType<FindAccount> | undefined) ?? findAccount(ctx, sub, token);
    },
  };
}

export type EarlyReads = ReturnType<typeof earlyReads>;

/** The client, account and grant a completed login's interaction names (see completeInteraction). */
function resumeIds(interaction: Record<string, unknown>): { clientId: string; accountId: string; grantId: string } | undefined {
  const params = interaction.params as { client_id?: unknown } | undefined;
  const result = interaction.result as { login?: { accountId?: unknown }; consent?: { grantId?: unknown } } | undefined;
  const clientId = params?.client_id;
  const accountId = result?.login?.accountId;
  const grantId = result?.consent?.grantId;
  if (typeof clientId !== 'string' || typeof accountId !== 'string' || typeof grantId !== 'string') return undefined;
  return { clientId, accountId, grantId };
}
