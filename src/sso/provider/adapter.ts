// oidc-provider's storage, in Postgres through the Store: sessions, interactions, codes, tokens and
// grants live in one table, so any API node continues what another started. Clients are not stored
// here: they are Gatehouse Applications, translated on every lookup.
import Provider, { type Adapter, type AdapterPayload, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import type { EarlyReads } from './early-reads.js';
import type { Application } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/**
 * oidc-provider requires a client_secret for confidential clients, but Gatehouse keeps only hashes;
 * secrets are checked by the overridden compareClientSecret (see provider.ts). This stand-in is
 * never compared, and HMAC-based algorithms that would use it as a key are disabled.
 */
export const UNUSED_CLIENT_SECRET = 'gatehouse-compares-hashed-secrets';

export function clientMetadata(app: Application): AdapterPayload {
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.tokenEndpointAuthMethod === 'none' ? {} : { client_secret: UNUSED_CLIENT_SECRET }),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    ...(app.initiateLoginUri ? { initiate_login_uri: app.initiateLoginUri } : {}),
    id_token_signed_response_alg: app.idTokenSignedResponseAlg,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // oidc-provider validates redirect URIs by client type: reverse-domain schemes are native apps.
    application_type: app.redirectUris.every((u) => u.startsWith('https:')) ? 'web' : 'native',
    'urn:gatehouse:organization_id': app.organizationId,
  };
}

/** `early`: the resume's reads, started when its interaction is read (see early-reads.ts). */
export function adapterFactory(store: Store, clock: () => Date, early?: { reads: EarlyReads; findAccount: FindAccount }) {
  async function read(kind: string, id: string): Promise<AdapterPayload | undefined> {
    if (kind === 'Client') {
      const app = await store.applications.findByClientId(id);
      return app ? clientMetadata(app) : undefined;
    }
    return (await store.oidcPayloads.find(kind, id, clock())) as AdapterPayload | undefined;
  }
  const resumeReads = { client: (id: string) => read('Client', id), grant: (id: string) => read('Grant', id) };

  /** A resume's interaction read together with the client and grant it names (one statement). */
  async function resumeRead(ctx: KoaContextWithOIDC | undefined, id: string, { reads, findAccount }: { reads: EarlyReads; findAccount: FindAccount }) {
    const found = await store.oidcResume.read(id, clock());
    if (!found) return undefined;
    const { application, grant } = found;
    // The same ids the statement looked up by; any other id asked for is read as usual.
    reads.interactionRead(ctx, found.interaction, { client: async () => application && clientMetadata(application), grant: async () => grant }, findAccount);
    return found.interaction as AdapterPayload;
  }

  return class PostgresAdapter implements Adapter {
    readonly kind: string;
    constructor(kind: string) {
      this.kind = kind;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null;
      await store.oidcPayloads.upsert(this.kind, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const ctx = Provider.ctx;
      const started = early?.reads.take(ctx, `${this.kind}:${id}`) as Promise<AdapterPayload | undefined> | undefined;
      if (started) return started;
      if (early && this.kind === 'Interaction' && early.reads.resuming(ctx)) return resumeRead(ctx, id, early);
      const found = await read(this.kind, id);
      if (early && found && this.kind === 'Interaction') early.reads.interactionRead(ctx, found, resumeReads, early.findAccount);
      return found;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await store.oidcPayloads.findByUid(this.kind, uid, clock())) as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await store.oidcPayloads.findByUserCode(this.kind, userCode, clock())) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      await store.oidcPayloads.consume(this.kind, id, clock());
    }

    async destroy(id: string): Promise<void> {
      await store.oidcPayloads.destroy(this.kind, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.oidcPayloads.revokeByGrantId(grantId);
    }
  };
}
