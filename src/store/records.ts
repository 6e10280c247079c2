// What the store hands out: plain records, independent of Prisma (whose types never leave store/).

export interface Organization {
  id: string;
  name: string;
  /** Lower-case, unique across organizations (they route logins by email domain). */
  domains: string[];
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The visible start of the key (`gha_xxxxxxxx`), used to find it; the rest is only hashed. */
  prefix: string;
  secretHash: string;
  scopes: string[];
  /** Set: the key reaches only this organization. */
  organizationId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type AuditActorType = 'api_key' | 'cli' | 'system' | 'user' | 'scim_token' | 'setup_link';
export type AuditOutcome = 'success' | 'failure';

export interface AuditLogEntry {
  id: string;
  occurredAt: Date;
  actorType: AuditActorType;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  organizationId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  outcome: AuditOutcome;
  metadata: Record<string, unknown>;
}

export interface PageRequest {
  limit: number;
  /** Exclusive cursor: the id of the last item of the previous page. */
  after?: string | undefined;
}

export interface Page<T> {
  data: T[];
  /** Cursor for the next page, or null on the last one. */
  after: string | null;
}

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ApplicationSecretRecord {
  id: string;
  /** The visible start of the secret, to tell secrets apart; the rest is only hashed. */
  prefix: string;
  secretHash: string;
  createdAt: Date;
  /** Null: valid until the next rotation sets it. */
  expiresAt: Date | null;
}

export interface Application {
  id: string;
  clientId: string;
  name: string;
  organizationId: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | null;
  idTokenSignedResponseAlg: 'RS256' | 'ES256';
  createdAt: Date;
  updatedAt: Date;
  /** Newest first; includes expired ones until they are cleaned up. */
  secrets: ApplicationSecretRecord[];
}

export interface SigningKeyRecord {
  id: string;
  alg: string;
  /** The private JWK, sealed with the SecretBox; opened only by the OpenID Provider. */
  sealedJwk: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export type ConnectionStatus = 'draft' | 'active' | 'inactive';

export interface ConnectionRecord {
  id: string;
  organizationId: string;
  type: string;
  name: string;
  preset: string | null;
  status: ConnectionStatus;
  /** As stored: the connector type's secret fields are sealed strings. */
  config: Record<string, unknown>;
  /** Target claim -> source attribute name. */
  attributeMapping: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface LoginAttemptRecord {
  id: string;
  organizationId: string;
  connectionId: string;
  interactionUid: string;
  stash: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
}

/** An IdP-initiated SAML login waiting for the product's authorize call. */
export interface IdpInitiatedLoginRecord {
  id: string;
  organizationId: string;
  connectionId: string;
  profileId: string;
  applicationId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface ProfileRecord {
  id: string;
  organizationId: string;
  connectionId: string;
  connectionType: string;
  idpId: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  groups: string[];
  roles: string[];
  customAttributes: Record<string, unknown>;
  rawAttributes: Record<string, unknown>;
  /** The SCIM directory user this person was matched to (kept after that user is deleted). */
  directoryUserId: string | null;
  firstLoginAt: Date;
  lastLoginAt: Date;
}

/** A Gatehouse browser session (oidc-provider's), with whom it signed in. */
export interface SessionRecord {
  id: string;
  profileId: string;
  organizationId: string;
  connectionId: string;
  email: string | null;
  /** Grants the session gave products; revoking them ends their tokens. */
  grantIds: string[];
  signedInAt: Date | null;
  expiresAt: Date | null;
}

export const DIRECTORY_PROVIDERS = ['okta', 'entra', 'google', 'onelogin', 'jumpcloud', 'rippling', 'generic'] as const;
export type DirectoryProvider = (typeof DIRECTORY_PROVIDERS)[number];

export interface DirectoryTokenRecord {
  id: string;
  /** The visible start of the token (`ghs_xxxxxxxx`); the rest is only hashed. */
  prefix: string;
  secretHash: string;
  createdAt: Date;
  /** Null: valid until the next rotation sets it. */
  expiresAt: Date | null;
}

export interface DirectoryRecord {
  id: string;
  organizationId: string;
  name: string;
  provider: DirectoryProvider;
  createdAt: Date;
  updatedAt: Date;
  lastRequestAt: Date | null;
  /** SCIM requests refused lately, newest first (at most 10). */
  recentErrors: DirectoryErrorRecord[];
  /** Newest first. */
  tokens: DirectoryTokenRecord[];
}

export interface DirectoryErrorRecord {
  at: string;
  method: string;
  path: string;
  status: number;
  scim_type: string | null;
  detail: string;
}

/** A SCIM resource as stored: the JSON the IdP sent (normalized), with our id and version. */
export interface DirectoryUserRecord {
  id: string;
  directoryId: string;
  externalId: string | null;
  active: boolean;
  primaryEmail: string | null;
  resource: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DirectoryGroupRecord {
  id: string;
  directoryId: string;
  externalId: string | null;
  resource: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of the outbox: `sequence` is assigned by the database. */
export interface LifecycleEventRecord {
  id: string;
  sequence: bigint;
  type: string;
  organizationId: string;
  directoryId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}
