// The persistence port. Services depend on this interface; src/store/prisma-store.ts implements it.
import type { TokenChanges } from './token-changes.js';
import type { DirectoryDataStore, LoginIdentity, LoginLink } from './directory-data.js';
import type { ConnectionTestRepository, SetupLinkRepository } from './setup-data.js';
import type { DeliveryEngineStore, OutboxEventInput, OutboxRepository, WebhookDeliveryRepository, WebhookEndpointRepository } from './webhook-data.js';
import type {
  ApiKeyRecord,
  Application,
  ConnectionRecord,
  DirectoryProvider,
  DirectoryRecord,
  IdpInitiatedLoginRecord,
  LoginAttemptRecord,
  ProfileRecord,
  AuditLogEntry,
  Organization,
  Page,
  PageRequest,
  SessionRecord,
  SigningKeyRecord,
} from './records.js';

export interface OrganizationInput {
  name: string;
  domains: string[];
  externalId: string | null;
}

export interface OrganizationRepository {
  create(input: OrganizationInput): Promise<Organization>;
  /** Throws NotFound. */
  get(id: string): Promise<Organization>;
  /** `onlyId` narrows the list to one organization (an organization-scoped caller). */
  list(page: PageRequest & { onlyId?: string | undefined }): Promise<Page<Organization>>;
  /** Replaces the fields given; `domains` replaces the whole set. Throws NotFound / Conflict. */
  update(id: string, patch: Partial<OrganizationInput>): Promise<Organization>;
  /** Throws NotFound. */
  delete(id: string): Promise<void>;
  findByDomain(domain: string): Promise<Organization | undefined>;
}

export interface ApiKeyInput {
  name: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  organizationId: string | null;
}

export interface ApiKeyRepository {
  create(input: ApiKeyInput): Promise<ApiKeyRecord>;
  findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  /** Throws NotFound. */
  get(id: string): Promise<ApiKeyRecord>;
  /** `organizationId`: undefined = all keys, null = only unscoped keys, string = that organization's. */
  list(page: PageRequest & { organizationId?: string | null | undefined }): Promise<Page<ApiKeyRecord>>;
  /** Idempotent: revoking a revoked key keeps its first revocation time. Throws NotFound. */
  revoke(id: string, at: Date): Promise<ApiKeyRecord>;
  /** Records use at most once per `granularityMs`, so authentication is not a write per request. */
  touchLastUsed(id: string, at: Date, granularityMs: number): Promise<void>;
  countActive(): Promise<number>;
}

export type AuditLogInput = Omit<AuditLogEntry, 'id' | 'occurredAt'> & { occurredAt?: Date };

export interface AuditLogRepository {
  append(entry: AuditLogInput): Promise<AuditLogEntry>;
  /** Oldest first; `newestFirst` walks back from the newest (`after` then names an older page's start). */
  list(page: PageRequest & { organizationId?: string | undefined; newestFirst?: boolean | undefined }): Promise<Page<AuditLogEntry>>;
  /** Retention: removes entries older than `before`; returns how many. */
  deleteOlderThan(before: Date): Promise<number>;
}

export type ApplicationInput = Omit<Application, 'id' | 'clientId' | 'createdAt' | 'updatedAt' | 'secrets'>;

export interface SecretHashInput {
  prefix: string;
  secretHash: string;
}

export interface ApplicationRepository {
  /** `secret` undefined for a public client. */
  create(input: ApplicationInput & { clientId: string; secret: SecretHashInput | undefined }): Promise<Application>;
  /** Throws NotFound. */
  get(id: string): Promise<Application>;
  findByClientId(clientId: string): Promise<Application | undefined>;
  /** `organizationId` string: that organization's applications only. */
  list(page: PageRequest & { organizationId?: string | undefined }): Promise<Page<Application>>;
  /** Throws NotFound. */
  update(id: string, patch: Partial<Omit<ApplicationInput, 'organizationId'>>): Promise<Application>;
  /** Throws NotFound. */
  delete(id: string): Promise<void>;
  /**
   * Adds a secret; secrets still valid at `previousExpireAt` stop being valid then (now: at once).
   * Secrets already expired are removed.
   */
  rotateSecret(id: string, secret: SecretHashInput, now: Date, previousExpireAt: Date): Promise<Application>;
}

/** oidc-provider's records; `payload` is its JSON, opaque here. */
/** What resuming a completed login reads first, in one statement (oidc-sql.ts). */
export interface OidcResumeRead {
  /** Undefined when the interaction is missing or expired; the client and grant are those it names. */
  read(interactionId: string, now: Date): Promise<{ interaction: Record<string, unknown>; application: Application | undefined; grant: Record<string, unknown> | undefined } | undefined>;
}

export interface OidcPayloadRepository {
  upsert(kind: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void>;
  /** Undefined when missing or expired at `now`. A consumed record carries `consumed` (epoch seconds). */
  find(kind: string, id: string, now: Date): Promise<Record<string, unknown> | undefined>;
  findByUid(kind: string, uid: string, now: Date): Promise<Record<string, unknown> | undefined>;
  findByUserCode(kind: string, userCode: string, now: Date): Promise<Record<string, unknown> | undefined>;
  consume(kind: string, id: string, at: Date): Promise<void>;
  destroy(kind: string, id: string): Promise<void>;
  /** Ends everything issued under one grant (codes, tokens), whatever its kind. */
  revokeByGrantId(grantId: string): Promise<void>;
  deleteExpired(before: Date): Promise<number>;
  /** Signed-in sessions, filtered by whose they are. */
  listSessions(
    page: PageRequest & { organizationId?: string | undefined; connectionId?: string | undefined; profileId?: string | undefined; sessionId?: string | undefined },
    now: Date,
  ): Promise<Page<SessionRecord>>;
}

export interface SigningKeyRepository {
  /** Current and retired keys, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  create(key: Omit<SigningKeyRecord, 'createdAt' | 'retiredAt'>): Promise<SigningKeyRecord>;
  retire(ids: string[], at: Date): Promise<void>;
  /** Drops keys retired before `before` (their tokens have expired). */
  deleteRetiredBefore(before: Date): Promise<number>;
}

/** `id` is normally chosen by the repository; the setup portal brings the one it reserved. */
export type ConnectionInput = Omit<ConnectionRecord, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };

export interface ConnectionRepository {
  create(input: ConnectionInput): Promise<ConnectionRecord>;
  /** Throws NotFound. */
  get(id: string): Promise<ConnectionRecord>;
  list(page: PageRequest & { organizationId: string }): Promise<Page<ConnectionRecord>>;
  /** Throws NotFound. */
  update(id: string, patch: Partial<Omit<ConnectionInput, 'id' | 'organizationId' | 'type'>>): Promise<ConnectionRecord>;
  /** Throws NotFound. */
  delete(id: string): Promise<void>;
  listActive(organizationId: string): Promise<ConnectionRecord[]>;
  /** Every organization's connections of these types (maintenance jobs). */
  listOfTypes(types: readonly string[], page: PageRequest): Promise<Page<ConnectionRecord>>;
}

/** An assertion that may be accepted once: its use is on record until it could no longer be replayed. */
export interface AssertionUse {
  assertionId: string;
  expiresAt: Date;
}

/** What the profile does not take from the login identity (its organization, connection, subject) or from the directory. */
export type LoginProfileFields = Omit<ProfileInput, 'organizationId' | 'connectionId' | 'idpId' | 'directoryUserId'>;

export interface SamlLoginRepository {
  /**
   * A SAML sign-in's writes in one statement: the assertion's first use (on the identity's
   * connection), the directory link, and the profile, written only when the use was the first and
   * the link lets the login through (directory/login-link.ts, directoryUserOf). `fresh` is false
   * for a replay; `profile` is undefined whenever it was not written. `record`, the login's audit
   * entry and event, is written with the profile and only then, its actor id and the event's
   * `profile.id` and `profile.directory_user_id` set to the written profile's.
   */
  recordLogin(
    identity: LoginIdentity,
    use: AssertionUse,
    profile: LoginProfileFields,
    at: Date,
    record: { audit: AuditLogInput; event: OutboxEventInput },
  ): Promise<{ fresh: boolean; link: LoginLink; profile: ProfileRecord | undefined }>;
}

export interface SamlAssertionRepository {
  /** Records the first use of an assertion ID; false when it was already used (a replay). */
  recordUse(connectionId: string, assertionId: string, expiresAt: Date): Promise<boolean>;
  deleteExpired(before: Date): Promise<number>;
}

export interface IdpInitiatedLoginRepository {
  create(login: Omit<IdpInitiatedLoginRecord, 'createdAt'>): Promise<IdpInitiatedLoginRecord>;
  /** Get-and-delete, like a login attempt. */
  consume(id: string): Promise<IdpInitiatedLoginRecord | undefined>;
  deleteExpired(before: Date): Promise<number>;
}

export interface LoginAttemptRepository {
  create(attempt: Omit<LoginAttemptRecord, 'createdAt'>): Promise<LoginAttemptRecord>;
  /** Reads without consuming (e.g. to find which connection a callback belongs to). */
  peek(id: string): Promise<LoginAttemptRecord | undefined>;
  /** Get-and-delete: of two concurrent consumers, only one receives the attempt. */
  consume(id: string): Promise<LoginAttemptRecord | undefined>;
  deleteExpired(before: Date): Promise<number>;
}

export type ProfileInput = Omit<ProfileRecord, 'id' | 'firstLoginAt' | 'lastLoginAt'>;

export interface ProfileRepository {
  /** Creates the profile of (connection, IdP subject) or refreshes it; its id never changes. */
  recordLogin(input: ProfileInput, at: Date): Promise<ProfileRecord>;
  find(id: string): Promise<ProfileRecord | undefined>;
}

export interface DirectoryInput {
  organizationId: string;
  name: string;
  provider: DirectoryProvider;
  token: SecretHashInput;
}

export interface DirectoryRepository {
  create(input: DirectoryInput): Promise<DirectoryRecord>;
  /** Throws NotFound. */
  get(id: string): Promise<DirectoryRecord>;
  list(page: PageRequest & { organizationId: string }): Promise<Page<DirectoryRecord>>;
  /** Removes the directory with its users, groups and tokens. Throws NotFound. */
  delete(id: string): Promise<void>;
  /**
   * Adds a token; tokens still valid at `previousExpireAt` stop being valid then (now: at once).
   * Expired tokens are removed. Throws NotFound.
   */
  rotateToken(id: string, token: SecretHashInput, now: Date, previousExpireAt: Date): Promise<DirectoryRecord>;
}

export interface Repositories {
  readonly organizations: OrganizationRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly auditLogs: AuditLogRepository;
  readonly applications: ApplicationRepository;
  readonly oidcPayloads: OidcPayloadRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly connections: ConnectionRepository;
  readonly loginAttempts: LoginAttemptRepository;
  readonly profiles: ProfileRepository;
  readonly samlAssertions: SamlAssertionRepository;
  readonly idpInitiatedLogins: IdpInitiatedLoginRepository;
  readonly directories: DirectoryRepository;
  readonly outbox: OutboxRepository;
  readonly webhookEndpoints: WebhookEndpointRepository;
  readonly webhookDeliveries: WebhookDeliveryRepository;
  readonly setupLinks: SetupLinkRepository;
  readonly connectionTests: ConnectionTestRepository;
}

export interface Store extends Repositories {
  /** The one statement a SAML sign-in writes (saml-sign-in-sql.ts): outside transactions by design. */
  readonly samlLogins: SamlLoginRepository;
  readonly oidcResume: OidcResumeRead;
  /** SCIM directory contents, in plain SQL (see directory-data.ts). */
  readonly directoryData: DirectoryDataStore;
  /** Webhook fan-out and delivery bookkeeping, in plain SQL (see webhook-data.ts). */
  readonly deliveries: DeliveryEngineStore;
  /**
   * Called after every commit that appended lifecycle events (in this process), so the relay can
   * hand them off at once instead of waiting for its sweep. Returns the unsubscribe function.
   */
  onEventsCommitted(listener: () => void): () => void;
  /** Changes to SCIM tokens, for the processes that remember checked ones (see token-changes.ts). */
  readonly tokenChanges: TokenChanges;
  /** Runs fn in one database transaction; everything it writes commits or none of it does. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
