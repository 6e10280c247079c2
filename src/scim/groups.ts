// SCIM /Groups. Members never travel through the stored resource: POST/PUT bodies hand their
// member ids to the directory service, PATCH member operations become row inserts and deletes.
import type { DirectoryGroups, GroupDraft } from '../directory/groups.js';
import type { DirectoryReads } from '../store/directory-data.js';
import { isWellFormedId } from '../store/ids.js';
import type { DirectoryGroupRecord } from '../store/records.js';
import { ScimError } from './errors.js';
import { listQueryOf, type ScimListParams, type ScimReadParams } from './list-params.js';
import { groupResource, pagedResponse, type ScimResource } from './render.js';
import { groupIndexFields, normalizeGroup, type GroupResource } from './resources/normalize.js';
import { parsePatchRequest, planGroupPatch } from './resources/patch.js';
import { projectAttributes } from './resources/projection.js';
import type { ScimRequestScope } from './users.js';

/** Members returned per group: all of a 50k group, but never an unbounded read. */
export const MAX_MEMBERS_RETURNED = 100_000;

const groupNotFound = () => new ScimError(404, undefined, 'Group not found');

function draftOf(resource: GroupResource): GroupDraft {
  const { id: _id, meta: _meta, members: _members, ...rest } = resource as GroupResource & { meta?: unknown; members?: unknown };
  const f = groupIndexFields(rest as GroupResource);
  return { resource: rest, fields: { displayNameKey: f.displayNameKey, externalId: f.externalId } };
}

function wantsMembers(params: ScimReadParams): boolean {
  const named = (list: string[] | undefined) => list?.some((a) => /^(urn:ietf:params:scim:schemas:core:2\.0:Group:)?members(\..*)?$/i.test(a)) ?? false;
  if (params.attributes !== undefined) return named(params.attributes);
  return !named(params.excludedAttributes);
}

export function scimGroups(data: DirectoryReads, groups: DirectoryGroups) {
  async function render(base: string, found: DirectoryGroupRecord[], params: ScimReadParams): Promise<ScimResource[]> {
    const members = wantsMembers(params) ? await data.memberIds(found.map((g) => g.id), MAX_MEMBERS_RETURNED) : undefined;
    return found.map((g) => projectAttributes(groupResource(g, base, members?.get(g.id) ?? (members ? [] : undefined)), params, 'Group'));
  }
  const knownId = (id: string) => {
    if (!isWellFormedId(id)) throw groupNotFound();
  };
  const full = async (base: string, group: DirectoryGroupRecord) => ({ resource: (await render(base, [group], { attributes: undefined, excludedAttributes: undefined }))[0] as ScimResource, version: group.version });

  return {
    async list({ actor, base }: ScimRequestScope, params: ScimListParams) {
      const found = await data.listGroups(actor.directoryId, listQueryOf(params));
      return pagedResponse(found, params, (items) => render(base, items, params));
    },

    async get({ actor, base }: ScimRequestScope, id: string, params: ScimReadParams) {
      knownId(id);
      const group = await data.getGroup(actor.directoryId, id);
      if (!group) throw groupNotFound();
      return { resource: (await render(base, [group], params))[0] as ScimResource, version: group.version };
    },

    async create({ actor, base }: ScimRequestScope, body: unknown) {
      const { group, members } = normalizeGroup(body);
      return full(base, await groups.create(actor, draftOf(group), members));
    },

    async replace({ actor, base }: ScimRequestScope, id: string, body: unknown, expectedVersion: number | undefined) {
      knownId(id);
      const { group, members } = normalizeGroup(body);
      const draft = draftOf(group);
      return full(base, await groups.update(actor, id, () => ({ draft, members: [{ kind: 'replaceAll', ids: members }] }), expectedVersion));
    },

    async patch({ actor, base }: ScimRequestScope, id: string, body: unknown, expectedVersion: number | undefined, params: ScimReadParams) {
      knownId(id);
      const operations = parsePatchRequest(body);
      const group = await groups.update(
        actor,
        id,
        (before) => {
          const plan = planGroupPatch({ ...before.resource, id: before.id } as GroupResource, operations);
          return { draft: draftOf(plan.group), members: plan.members };
        },
        expectedVersion,
      );
      // RFC 7644 §3.5.2 allows 204: a PATCH on a 50k-member group must not answer with 50k members.
      // A client that wants the resource back names attributes (e.g. excludedAttributes=members).
      const asked = params.attributes !== undefined || params.excludedAttributes !== undefined;
      return { resource: asked ? ((await render(base, [group], params))[0] as ScimResource) : undefined, version: group.version };
    },

    async delete({ actor }: ScimRequestScope, id: string, expectedVersion: number | undefined): Promise<void> {
      knownId(id);
      await groups.delete(actor, id, expectedVersion);
    },
  };
}

export type ScimGroups = ReturnType<typeof scimGroups>;
