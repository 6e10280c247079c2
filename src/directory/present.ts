// The normalized view of directory users and groups that products see, in webhooks, the events
// feed and the admin read API alike (snake_case, with the SCIM resource kept as raw_attributes).
import type { MemberSummary } from '../store/directory-data.js';
import type { DirectoryGroupRecord, DirectoryUserRecord } from '../store/records.js';

export interface DirectoryScope {
  directoryId: string;
  organizationId: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function nameOf(resource: Record<string, unknown>): Record<string, unknown> {
  const name = resource.name;
  return typeof name === 'object' && name !== null ? (name as Record<string, unknown>) : {};
}

export function presentDirectoryUser(scope: DirectoryScope, user: DirectoryUserRecord) {
  const r = user.resource;
  return {
    id: user.id,
    directory_id: scope.directoryId,
    organization_id: scope.organizationId,
    external_id: user.externalId,
    user_name: text(r.userName),
    email: user.primaryEmail,
    first_name: text(nameOf(r).givenName),
    last_name: text(nameOf(r).familyName),
    display_name: text(r.displayName),
    active: user.active,
    raw_attributes: r,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export function presentDirectoryGroup(scope: DirectoryScope, group: DirectoryGroupRecord) {
  return {
    id: group.id,
    directory_id: scope.directoryId,
    organization_id: scope.organizationId,
    external_id: group.externalId,
    name: text(group.resource.displayName),
    raw_attributes: group.resource,
    created_at: group.createdAt.toISOString(),
    updated_at: group.updatedAt.toISOString(),
  };
}

export function presentMember(member: MemberSummary) {
  return { id: member.userId, user_name: member.userName, email: member.email };
}
