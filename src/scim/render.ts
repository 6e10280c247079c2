// Stored records -> SCIM resources (RFC 7643 §3.1 meta, weak ETags from the row version) and
// list responses. `base` is this directory's SCIM base URL, passed per request: nothing global.
import type { MemberSummary } from '../store/directory-data.js';
import type { DirectoryGroupRecord, DirectoryUserRecord } from '../store/records.js';
import { encodeCursor, type ScimListParams } from './list-params.js';
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

/** A list page in the paging the client asked for (listQueryOf fetched one extra row for cursors). */
export async function pagedResponse<T extends { id: string }>(
  found: { total: number; items: T[] },
  params: ScimListParams,
  render: (items: T[]) => ScimResource[] | Promise<ScimResource[]>,
) {
  if (params.cursor === undefined) return listResponse(await render(found.items), found.total, params.startIndex);
  const more = found.items.length > params.count;
  const items = more ? found.items.slice(0, params.count) : found.items;
  const resources = await render(items);
  const next = more ? { nextCursor: encodeCursor(items.at(-1)!.id) } : {};
  return { schemas: [URN.listResponse], totalResults: found.total, itemsPerPage: resources.length, ...next, Resources: resources };
}
