// Records -> the admin API's snake_case JSON. Secrets' hashes never leave; timestamps are ISO 8601
// UTC with milliseconds.
import type { ApiKeyRecord, Application, AuditLogEntry, Organization, Page } from '../../../store/records.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function presentOrganization(org: Organization) {
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    domains: org.domains,
    external_id: org.externalId,
    created_at: iso(org.createdAt),
    updated_at: iso(org.updatedAt),
  };
}

export function presentApiKey(key: ApiKeyRecord) {
  return {
    object: 'api_key',
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    organization_id: key.organizationId,
    created_at: iso(key.createdAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
  };
}

export function presentAuditLog(entry: AuditLogEntry) {
  return {
    object: 'audit_log',
    id: entry.id,
    occurred_at: iso(entry.occurredAt),
    actor: { type: entry.actorType, id: entry.actorId, name: entry.actorName },
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    organization_id: entry.organizationId,
    context: { ip: entry.ip, user_agent: entry.userAgent, request_id: entry.requestId },
    outcome: entry.outcome,
    metadata: entry.metadata,
  };
}

export function presentPage<T, U>(page: Page<T>, present: (item: T) => U) {
  return { object: 'list', data: page.data.map(present), list_metadata: { after: page.after } };
}

export function presentApplication(app: Application, clientSecret?: string) {
  return {
    object: 'application',
    id: app.id,
    name: app.name,
    client_id: app.clientId,
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    organization_id: app.organizationId,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    initiate_login_uri: app.initiateLoginUri,
    id_token_signed_response_alg: app.idTokenSignedResponseAlg,
    secrets: app.secrets.map((s) => ({ id: s.id, prefix: s.prefix, created_at: iso(s.createdAt), expires_at: iso(s.expiresAt) })),
    created_at: iso(app.createdAt),
    updated_at: iso(app.updatedAt),
  };
}
