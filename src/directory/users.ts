// Directory users: create, change and delete, each with its lifecycle event in one transaction.
// A change that alters nothing is not a change: no new version, no event.
import { isDeepStrictEqual } from 'node:util';
import { NotFound, PreconditionFailed } from '../errors.js';
import type { DirectoryDataStore, DirectoryWrites, UserFields } from '../store/directory-data.js';
import { newId } from '../store/ids.js';
import type { DirectoryUserRecord } from '../store/records.js';
import { changedAttributes, event, recordChange, type DirectoryActor, type DirectoryEventType } from './changes.js';
import { presentDirectoryUser, presentMember } from './present.js';

export interface UserDraft {
  resource: Record<string, unknown>;
  fields: UserFields;
}

/** Computes the next state from the current one (PUT ignores it, PATCH applies operations to it). */
export type UserChange = (current: DirectoryUserRecord) => UserDraft;

export function directoryUsers(data: DirectoryDataStore, clock: () => Date = () => new Date()) {
  async function locked(tx: DirectoryWrites, actor: DirectoryActor, id: string, expectedVersion: number | undefined): Promise<DirectoryUserRecord> {
    const user = await tx.lockUser(actor.directoryId, id);
    if (!user) throw new NotFound('User not found');
    if (expectedVersion !== undefined && user.version !== expectedVersion) throw new PreconditionFailed();
    return user;
  }

  return {
    create: (actor: DirectoryActor, draft: UserDraft) =>
      data.transaction(async (tx) => {
        const at = clock();
        const user = await tx.insertUser(actor.directoryId, newId('dusr'), draft.fields, draft.resource, at);
        const events = [event(actor, 'directory.user.created', presentDirectoryUser(actor, user), at)];
        await recordChange(tx, actor, { action: 'scim.user.created', targetType: 'directory_user', targetId: user.id, metadata: {} }, events, at);
        return user;
      }),

    update: (actor: DirectoryActor, id: string, change: UserChange, expectedVersion?: number) =>
      data.transaction(async (tx) => {
        const before = await locked(tx, actor, id, expectedVersion);
        const draft = change(before);
        if (isDeepStrictEqual(draft.resource, before.resource)) return before;
        const at = clock();
        const user = await tx.updateUser(id, draft.fields, draft.resource, at);
        const type: DirectoryEventType =
          before.active && !user.active ? 'directory.user.deactivated' : !before.active && user.active ? 'directory.user.reactivated' : 'directory.user.updated';
        const changed = changedAttributes(before.resource, user.resource);
        const revoked = type === 'directory.user.deactivated' ? await tx.revokeSessionsOf(id) : 0;
        const events = [event(actor, type, { ...presentDirectoryUser(actor, user), changed_attributes: changed }, at)];
        const metadata = { changed, ...(revoked > 0 ? { sessions_revoked: revoked } : {}) };
        await recordChange(tx, actor, { action: 'scim.user.updated', targetType: 'directory_user', targetId: id, metadata }, events, at);
        return user;
      }),

    delete: (actor: DirectoryActor, id: string, expectedVersion?: number) =>
      data.transaction(async (tx) => {
        const user = await locked(tx, actor, id, expectedVersion);
        const at = clock();
        // Memberships go with the user (ON DELETE CASCADE); products hear of each one.
        const groups = await tx.groupsOfUser(id);
        const revoked = await tx.revokeSessionsOf(id);
        await tx.deleteUser(id);
        const member = presentMember({ userId: user.id, userName: String(user.resource.userName), email: user.primaryEmail });
        const events = [
          ...groups.map((g) => event(actor, 'directory.group.user_removed', { group: { id: g.id, name: g.displayName }, user: member }, at)),
          event(actor, 'directory.user.deleted', presentDirectoryUser(actor, user), at),
        ];
        const metadata = revoked > 0 ? { sessions_revoked: revoked } : {};
        await recordChange(tx, actor, { action: 'scim.user.deleted', targetType: 'directory_user', targetId: id, metadata }, events, at);
      }),
  };
}

export type DirectoryUsers = ReturnType<typeof directoryUsers>;
