// Directory groups. Membership changes are set operations on membership rows inside the
// transaction that locks the group row: concurrent PATCHes on one group serialize on that lock,
// and no change ever reads or rewrites the whole member list.
import { isDeepStrictEqual } from 'node:util';
import { InvalidRequest, NotFound, PreconditionFailed } from '../errors.js';
import type { DirectoryDataStore, DirectoryWrites, GroupFields, LifecycleEventInput, MemberSummary } from '../store/directory-data.js';
import { newId } from '../store/ids.js';
import type { DirectoryGroupRecord } from '../store/records.js';
import { changedAttributes, event, recordChange, type DirectoryActor } from './changes.js';
import { presentDirectoryGroup, presentMember } from './present.js';

export interface GroupDraft {
  resource: Record<string, unknown>;
  fields: GroupFields;
}

export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replaceAll'; ids: string[] };

/** Computes the group's next attributes and member changes from its current state. */
export type GroupChange = (current: DirectoryGroupRecord) => { draft: GroupDraft; members: MemberChange[] };

interface Applied {
  added: MemberSummary[];
  removed: MemberSummary[];
}

async function applyMembers(tx: DirectoryWrites, actor: DirectoryActor, groupId: string, changes: MemberChange[], at: Date): Promise<Applied> {
  const applied: Applied = { added: [], removed: [] };
  for (const change of changes) {
    if (change.kind === 'removeAll') applied.removed.push(...(await tx.removeMembers(groupId, 'all')));
    if (change.kind === 'replaceAll') applied.removed.push(...(await tx.removeMembers(groupId, { except: change.ids })));
    if (change.kind === 'remove') applied.removed.push(...(await tx.removeMembers(groupId, { only: change.ids })));
    if (change.kind === 'add' || change.kind === 'replaceAll') {
      const { added, missing } = await tx.addMembers(actor.directoryId, groupId, change.ids, at);
      if (missing.length > 0) {
        throw new InvalidRequest(`No user of this directory has the id ${missing.slice(0, 5).map((id) => `"${id}"`).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}`, {
          code: 'unknown_members',
        });
      }
      applied.added.push(...added);
    }
  }
  return net(applied);
}

/** A member removed and added back in one request is no change. */
function net(applied: Applied): Applied {
  const added = new Map(applied.added.map((m) => [m.userId, m]));
  const removed = new Map(applied.removed.map((m) => [m.userId, m]));
  for (const id of [...added.keys()]) {
    if (removed.delete(id)) added.delete(id);
  }
  return { added: [...added.values()], removed: [...removed.values()] };
}

function memberEvents(actor: DirectoryActor, group: DirectoryGroupRecord, applied: Applied, at: Date): LifecycleEventInput[] {
  const ref = { id: group.id, name: group.resource.displayName };
  return [
    ...applied.added.map((m) => event(actor, 'directory.group.user_added', { group: ref, user: presentMember(m) }, at)),
    ...applied.removed.map((m) => event(actor, 'directory.group.user_removed', { group: ref, user: presentMember(m) }, at)),
  ];
}

export function directoryGroups(data: DirectoryDataStore, clock: () => Date = () => new Date()) {
  async function locked(tx: DirectoryWrites, actor: DirectoryActor, id: string, expectedVersion: number | undefined): Promise<DirectoryGroupRecord> {
    const group = await tx.lockGroup(actor.directoryId, id);
    if (!group) throw new NotFound('Group not found');
    if (expectedVersion !== undefined && group.version !== expectedVersion) throw new PreconditionFailed();
    return group;
  }

  return {
    create: (actor: DirectoryActor, draft: GroupDraft, memberIds: string[]) =>
      data.transaction(async (tx) => {
        const at = clock();
        const group = await tx.insertGroup(actor.directoryId, newId('dgrp'), draft.fields, draft.resource, at);
        const applied = await applyMembers(tx, actor, group.id, [{ kind: 'add', ids: memberIds }], at);
        const events = [event(actor, 'directory.group.created', presentDirectoryGroup(actor, group), at), ...memberEvents(actor, group, applied, at)];
        const metadata = { members_added: applied.added.length };
        await recordChange(tx, actor, { action: 'scim.group.created', targetType: 'directory_group', targetId: group.id, metadata }, events, at);
        return group;
      }),

    update: (actor: DirectoryActor, id: string, change: GroupChange, expectedVersion?: number) =>
      data.transaction(async (tx) => {
        const before = await locked(tx, actor, id, expectedVersion);
        const { draft, members } = change(before);
        const at = clock();
        const applied = await applyMembers(tx, actor, id, members, at);
        const attributesChanged = !isDeepStrictEqual(draft.resource, before.resource);
        if (!attributesChanged && applied.added.length + applied.removed.length === 0) return before;
        const group = await tx.updateGroup(id, attributesChanged ? draft : undefined, at);
        const changed = changedAttributes(before.resource, group.resource);
        const events = [
          ...(attributesChanged ? [event(actor, 'directory.group.updated', { ...presentDirectoryGroup(actor, group), changed_attributes: changed }, at)] : []),
          ...memberEvents(actor, group, applied, at),
        ];
        const metadata = { changed, members_added: applied.added.length, members_removed: applied.removed.length };
        await recordChange(tx, actor, { action: 'scim.group.updated', targetType: 'directory_group', targetId: id, metadata }, events, at);
        return group;
      }),

    delete: (actor: DirectoryActor, id: string, expectedVersion?: number) =>
      data.transaction(async (tx) => {
        const group = await locked(tx, actor, id, expectedVersion);
        const at = clock();
        await tx.deleteGroup(id);
        const events = [event(actor, 'directory.group.deleted', presentDirectoryGroup(actor, group), at)];
        await recordChange(tx, actor, { action: 'scim.group.deleted', targetType: 'directory_group', targetId: id, metadata: {} }, events, at);
      }),
  };
}

export type DirectoryGroups = ReturnType<typeof directoryGroups>;
