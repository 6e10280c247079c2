// Stored records -> SCIM resources (RFC 7643 §3.1 meta, weak ETags from the row version) and
// list responses. `base` is this directory's SCIM base URL, passed per request: nothing global.
import type { MemberSummary } from '../store/directory-data.js';
import type { DirectoryGroupRecord, DirectoryUserRecord } from '../store/records.js';
import { URN } from './resources/schemas.js';

export type ScimResource = Record<string, unknown>;

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

function meta(resourceType: 'User' | 'Group', record: { id: string; version: number; createdAt: Date; updatedAt: Date }, location: string) {
  return {
    resourceType,
    created: record.createdAt.toISOString(),
    lastModified: record.updatedAt.toISOString(),
    location,
    version: etagOf(record.version),
  };
}

export function userResource(user: DirectoryUserRecord, base: string): ScimResource {
  return { ...user.resource, id: user.id, meta: meta('User', user, `${base}/Users/${user.id}`) };
}

export function groupResource(group: DirectoryGroupRecord, base: string, members: MemberSummary[] | undefined): ScimResource {
  const resource: ScimResource = { ...group.resource, id: group.id };
  if (members !== undefined) {
    resource.members = members.map((m) => ({ value: m.userId, display: m.userName, type: 'User', $ref: `${base}/Users/${m.userId}` }));
  }
  resource.meta = meta('Group', group, `${base}/Groups/${group.id}`);
  return resource;
}

export function listResponse(resources: ScimResource[], total: number, startIndex: number) {
  return { schemas: [URN.listResponse], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}
