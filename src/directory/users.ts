// Directory users: create, change and delete, each with its lifecycle event in one transaction.
// A create or a change is a single statement (one round trip, one commit); a change is computed
// from the version it read and applies only if that is still the current one, else it is computed
// again from the newer version. A change that alters nothing is not a change: no new version, no event.
// The version a change starts from may be the one this process last read or wrote (user-rows.ts).
import { isDeepStrictEqual } from 'node:util';
import { NotFound, PreconditionFailed } from '../errors.js';
import type { DirectoryDataStore, UserFields } from '../store/directory-data.js';
import { newId } from '../store/ids.js';
import type { DirectoryUserRecord } from '../store/records.js';
import { asJson, changedAttributes, changeLog, event, recordChange, type DirectoryActor, type DirectoryEventType } from './changes.js';
import { presentDirectoryUser, presentMember } from './present.js';
import { rememberedRows, type RememberedRows } from './user-rows.js';

export interface UserDraft {
  resource: Record<string, unknown>;
  fields: UserFields;
}

/**
 * Computes the next state from the current one (PUT ignores it, PATCH applies operations to it).
 * It is called again with the newer state when another write got in first, so it keeps no state.
 */
export type UserChange = (current: DirectoryUserRecord) => UserDraft;

/** Each failed attempt means another write to this user committed meanwhile; past this many, give up. */
const UPDATE_ATTEMPTS = 5;

/** The row as the store will hold it after `draft`, known before writing it (for the event). */
function stored(before: DirectoryUserRecord, draft: UserDraft, at: Date): DirectoryUserRecord {
  const { externalId, active, primaryEmail } = draft.fields;
  return { ...before, externalId, active, primaryEmail, resource: asJson(draft.resource), version: before.version + 1, updatedAt: at };
}

function transition(before: DirectoryUserRecord, after: DirectoryUserRecord): DirectoryEventType {
  if (before.active && !after.active) return 'directory.user.deactivated';
  return !before.active && after.active ? 'directory.user.reactivated' : 'directory.user.updated';
}

export function directoryUsers(data: DirectoryDataStore, clock: () => Date = () => new Date(), rows: RememberedRows<DirectoryUserRecord> = rememberedRows()) {
  function checked(user: DirectoryUserRecord | undefined, expectedVersion: number | undefined): DirectoryUserRecord {
    if (!user) throw new NotFound('User not found');
    if (expectedVersion !== undefined && user.version !== expectedVersion) throw new PreconditionFailed();
    return user;
  }

  /** The row a change is computed from: the remembered one when it can be the current one, else read. */
  async function currentUser(directoryId: string, id: string, expectedVersion: number | undefined, mayRecall: boolean) {
    const recalled = mayRecall ? rows.recall(directoryId, id) : undefined;
    // An If-Match the remembered version does not meet may still meet the stored one: read it.
    if (recalled && (expectedVersion === undefined || recalled.version === expectedVersion)) return { user: recalled, recalled: true };
    return { user: checked(await data.getUser(directoryId, id), expectedVersion), recalled: false };
  }

  /** One optimistic attempt; undefined when the user changed (or went) between the read and the write. */
  async function attempt(actor: DirectoryActor, id: string, change: UserChange, expectedVersion: number | undefined, mayRecall: boolean) {
    const { user: before, recalled } = await currentUser(actor.directoryId, id, expectedVersion, mayRecall);
    // A refusal ("no such value") and "nothing to change" are verdicts on the stored row: a
    // remembered one may be behind it, so either sends the attempt round again from the stored row.
    const again = () => (rows.forget(actor.directoryId, id), undefined);
    let draft: UserDraft;
    try {
      draft = change(before);
    } catch (error) {
      if (recalled) return again();
      throw error;
    }
    if (isDeepStrictEqual(draft.resource, before.resource)) return recalled ? again() : before;
    const at = clock();
    const after = stored(before, draft, at);
    const type = transition(before, after);
    const changed = changedAttributes(before.resource, after.resource);
    const events = [event(actor, type, { ...presentDirectoryUser(actor, after), changed_attributes: changed }, at)];
    // sessions_revoked joins the metadata in the statement, which alone knows how many there were.
    const log = changeLog(actor, { action: 'scim.user.updated', targetType: 'directory_user', targetId: id, metadata: { changed } }, events, at);
    const write = { ...draft, at, revokeSessions: type === 'directory.user.deactivated' };
    if (!(await data.updateUserAt(actor.directoryId, id, before.version, write, log))) return again();
    // Applied, the row is `after` (the statement returns only that it matched). `after` holds a
    // copy of the draft's resource of its own, so it is kept as it is and the caller gets the draft's.
    rows.keep(after);
    return { ...after, resource: draft.resource };
  }

  return {
    async create(actor: DirectoryActor, draft: UserDraft): Promise<DirectoryUserRecord> {
      const at = clock();
      const { externalId, active, primaryEmail } = draft.fields;
      const user: DirectoryUserRecord = { id: newId('dusr'), directoryId: actor.directoryId, externalId, active, primaryEmail, resource: draft.resource, version: 1, createdAt: at, updatedAt: at };
      const events = [event(actor, 'directory.user.created', presentDirectoryUser(actor, user), at)];
      const log = changeLog(actor, { action: 'scim.user.created', targetType: 'directory_user', targetId: user.id, metadata: {} }, events, at);
      const created = await data.createUser(actor.directoryId, user.id, { ...draft, at }, log);
      rows.remember(created);
      return created;
    },

    /** A row a read returned, for the next change of it to start from (user-rows.ts). */
    remember: (user: DirectoryUserRecord) => rows.remember(user),

    async update(actor: DirectoryActor, id: string, change: UserChange, expectedVersion?: number): Promise<DirectoryUserRecord> {
      for (let i = 0; i < UPDATE_ATTEMPTS; i++) {
        const user = await attempt(actor, id, change, expectedVersion, i === 0);
        if (user) return user;
      }
      // Not a client error (nothing it sent conflicts); a 5xx tells the IdP to retry later.
      throw new Error(`directory user ${id} changed under ${UPDATE_ATTEMPTS} attempts in a row to update it`);
    },

    delete: (actor: DirectoryActor, id: string, expectedVersion?: number) =>
      data.transaction(async (tx) => {
        rows.forget(actor.directoryId, id);
        const user = checked(await tx.lockUser(actor.directoryId, id), expectedVersion);
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
