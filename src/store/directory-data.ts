// The persistence port of SCIM directories' contents: users, groups, memberships, and the outbox
// and audit rows written with them. It is the hot path of provisioning (thousands of requests a
// second from Okta and Entra), so it is plain SQL over pg rather than Prisma, and every write
// happens in one transaction with its lifecycle events: a user write is one statement, its own
// transaction (one round trip, one commit).
import type { FilterNode } from '../scim/filter/ast.js';
import type { AuditLogInput } from './store.js';
import type { DirectoryErrorRecord, DirectoryGroupRecord, DirectoryUserRecord } from './records.js';

/** Indexed columns beside the stored resource (lower-cased where SCIM compares case-insensitively). */
export interface UserFields {
  userNameKey: string;
  externalId: string | null;
  displayNameKey: string | null;
  primaryEmail: string | null;
  emailKeys: string[];
  active: boolean;
}

export interface GroupFields {
  displayNameKey: string;
  externalId: string | null;
}

export interface ListQuery {
  filter?: FilterNode | undefined;
  /** Rows to skip (SCIM startIndex - 1); ignored when `after` is given. */
  offset: number;
  limit: number;
  /** Keyset cursor: the id of the last row already seen. */
  after?: string | undefined;
}

export interface ListResult<T> {
  /** Matches of the filter in the whole directory, not just this page. */
  total: number;
  items: T[];
}

export interface DirectoryTokenMatch {
  directoryId: string;
  organizationId: string;
  tokenId: string;
  secretHash: string;
  expiresAt: Date | null;
}

export interface MemberSummary {
  userId: string;
  userName: string;
  email: string | null;
}

export interface LifecycleEventInput {
  id: string;
  type: string;
  organizationId: string;
  directoryId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** The audit entry and lifecycle events that commit with a change. */
export interface ChangeLog {
  audit: AuditLogInput;
  events: LifecycleEventInput[];
}

/** A user's next state, stored at `at`. */
export interface UserWrite {
  fields: UserFields;
  resource: Record<string, unknown>;
  at: Date;
}

/** What a login knows about the person, to find them among the organization's directory users. */
export interface LoginIdentity {
  organizationId: string;
  connectionId: string;
  idpId: string;
  /** Only a verified email links. */
  verifiedEmail: string | null;
}

export interface LoginLink {
  /** The matching directory user, if any. */
  user: { id: string; active: boolean; groups: string[] } | undefined;
  /** The directory user this login's profile was linked to before (it may have been deleted). */
  previousUserId: string | null;
}

export interface DirectoryReads {
  /** Matches by externalId = IdP subject, then userName = subject, then verified email. */
  findLoginLink(identity: LoginIdentity): Promise<LoginLink>;
  /** Whether this directory user exists and is active, with its group names (for ID token claims). */
  loginState(userId: string): Promise<{ active: boolean; groups: string[] } | undefined>;
  findTokens(prefix: string): Promise<DirectoryTokenMatch[]>;
  /** Records SCIM traffic at most once per `granularityMs` per directory. */
  touchLastRequest(directoryId: string, at: Date, granularityMs: number): Promise<void>;
  /** Keeps a refused SCIM request among the directory's last ten (no bodies, no tokens). */
  recordError(directoryId: string, error: DirectoryErrorRecord): Promise<void>;
  getUser(directoryId: string, id: string): Promise<DirectoryUserRecord | undefined>;
  listUsers(directoryId: string, query: ListQuery): Promise<ListResult<DirectoryUserRecord>>;
  getGroup(directoryId: string, id: string): Promise<DirectoryGroupRecord | undefined>;
  listGroups(directoryId: string, query: ListQuery): Promise<ListResult<DirectoryGroupRecord>>;
  /** Member ids of each group, oldest membership first, at most `limit` per group. */
  memberIds(groupIds: string[], limit: number): Promise<Map<string, MemberSummary[]>>;
  groupsOfUser(userId: string): Promise<Array<{ id: string; displayName: string }>>;
  counts(directoryId: string): Promise<{ users: number; groups: number }>;
}

export interface DirectoryWrites extends DirectoryReads {
  /** Reads the row and locks it until the transaction ends. */
  lockUser(directoryId: string, id: string): Promise<DirectoryUserRecord | undefined>;
  deleteUser(id: string): Promise<void>;
  lockGroup(directoryId: string, id: string): Promise<DirectoryGroupRecord | undefined>;
  insertGroup(directoryId: string, id: string, fields: GroupFields, resource: Record<string, unknown>, at: Date): Promise<DirectoryGroupRecord>;
  /** Stores a new version; with `resource` undefined only the version and time move (a member change). */
  updateGroup(id: string, change: { fields: GroupFields; resource: Record<string, unknown> } | undefined, at: Date): Promise<DirectoryGroupRecord>;
  deleteGroup(id: string): Promise<void>;
  /** Adds the users that exist in the directory and are not members yet; `missing` are unknown ids. */
  addMembers(directoryId: string, groupId: string, userIds: string[], at: Date): Promise<{ added: MemberSummary[]; missing: string[] }>;
  /** Removes these members (`only`), all but these (`except`), or all; returns who was a member. */
  removeMembers(groupId: string, which: { only: string[] } | { except: string[] } | 'all'): Promise<MemberSummary[]>;
  /** Ends every session, grant and token of the profiles linked to this directory user. */
  revokeSessionsOf(userId: string): Promise<number>;
  appendEvents(events: LifecycleEventInput[]): Promise<void>;
  appendAudit(entries: AuditLogInput[]): Promise<void>;
}

export interface DirectoryDataStore extends DirectoryReads {
  /** Everything `fn` writes commits together or not at all. */
  transaction<T>(fn: (tx: DirectoryWrites) => Promise<T>): Promise<T>;
  /**
   * One statement (shared with the other creates of this event-loop turn): the user (version 1)
   * with its audit entry and events. Throws Conflict (code user_name_taken) when userName is used
   * in this directory, having written nothing.
   */
  createUser(directoryId: string, id: string, user: UserWrite, log: ChangeLog): Promise<DirectoryUserRecord>;
  /**
   * One statement (shared with the other updates of this event-loop turn), applied only while the
   * user is still at `version` (optimistic concurrency):
   * version + 1, with `revokeSessions` the end of every session, grant and token of its profiles
   * (counted into the audit metadata as `sessions_revoked` when there were any), the audit entry
   * and the events. false when the user moved on or is gone: then nothing was written.
   * Throws Conflict like createUser.
   */
  updateUserAt(directoryId: string, id: string, version: number, user: UserWrite & { revokeSessions: boolean }, log: ChangeLog): Promise<boolean>;
}
