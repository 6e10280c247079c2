// SCIM user updates issued in the same turn of the event loop share one statement (one commit,
// one turn of the outbox lock), yet each keeps its own outcome: a stale version misses alone, a
// userName clash fails alone, sessions end and are counted per user, and two updates of one user
// never share a statement.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { changeLog, event, type DirectoryActor } from '../../src/directory/changes.js';
import type { Conflict } from '../../src/errors.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, directoryEvents, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

describe('SCIM user updates in one statement', await requires('postgres'), () => {
  let gw: TestGateway;
  let db: pg.Client;
  before(async () => {
    gw = await startTestGateway('scim_user_batch');
    db = new pg.Client({ connectionString: gw.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await gw?.close();
  });

  const actorOf = (d: TestDirectory): DirectoryActor => ({ directoryId: d.id, organizationId: d.organizationId, tokenId: 'dir_token_test', requestId: null, ip: null, userAgent: null });

  async function users(d: TestDirectory, names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const userName of names) ids.push((await d.scim('post', '/Users', { schemas: [URN.user], userName, active: true }).expect(201)).body.id);
    return ids;
  }

  /** The store's update of one user to `userName` / `active`, from `version`. */
  function update(d: TestDirectory, id: string, version: number, change: { userName: string; active?: boolean }) {
    const at = new Date();
    const active = change.active ?? true;
    const resource = { schemas: [URN.user], userName: change.userName, active };
    const type = active ? 'directory.user.updated' : 'directory.user.deactivated';
    const events = [event(actorOf(d), type, { id, user_name: change.userName }, at)];
    const log = changeLog(actorOf(d), { action: 'scim.user.updated', targetType: 'directory_user', targetId: id, metadata: { changed: ['userName'] } }, events, at);
    const fields = { userNameKey: change.userName.toLowerCase(), externalId: null, displayNameKey: null, primaryEmail: null, emailKeys: [], active };
    return gw.store.directoryData.updateUserAt(d.id, id, version, { fields, resource, at, revokeSessions: !active }, log);
  }

  const rowsOf = async (ids: string[]) =>
    (await db.query<{ id: string; version: number; user_name_key: string; xmin: string }>('SELECT id, version, user_name_key, xmin::text FROM directory_users WHERE id = ANY($1) ORDER BY id', [ids])).rows;
  const audited = async (d: TestDirectory) => (await gw.store.auditLogs.list({ limit: 100, organizationId: d.organizationId })).data.filter((e) => e.action === 'scim.user.updated');

  test('updates issued together commit together, each with its audit entry and event', async () => {
    const d = await createTestDirectory(gw, 'okta', 'together');
    const ids = await users(d, ['a@batch.test', 'b@batch.test', 'c@batch.test', 'd@batch.test', 'e@batch.test']);
    const applied = await Promise.all(ids.map((id, i) => update(d, id, 1, { userName: `renamed${i}@batch.test` })));
    assert.deepEqual(applied, [true, true, true, true, true]);
    const rows = await rowsOf(ids);
    assert.deepEqual(rows.map((r) => r.version), [2, 2, 2, 2, 2]);
    assert.equal(new Set(rows.map((r) => r.xmin)).size, 1, 'one transaction wrote them all');
    assert.deepEqual((await directoryEvents(gw, d.id)).filter((e) => e.type === 'directory.user.updated').map((e) => e.data.id).sort(), [...ids].sort());
    assert.deepEqual((await audited(d)).map((e) => e.targetId).sort(), [...ids].sort());
  });

  test('a stale version misses alone: nothing of it is written, the others are', async () => {
    const d = await createTestDirectory(gw, 'okta', 'stale');
    const [fresh, stale, other] = await users(d, ['fresh@batch.test', 'stale@batch.test', 'other@batch.test']);
    const outcomes = await Promise.all([update(d, fresh!, 1, { userName: 'fresh2@batch.test' }), update(d, stale!, 7, { userName: 'stale2@batch.test' }), update(d, other!, 1, { userName: 'other2@batch.test' })]);
    assert.deepEqual(outcomes, [true, false, true]);
    assert.deepEqual((await rowsOf([stale!])).map((r) => [r.version, r.user_name_key]), [[1, 'stale@batch.test']]);
    assert.deepEqual((await audited(d)).map((e) => e.targetId).sort(), [fresh!, other!].sort());
    assert.equal((await directoryEvents(gw, d.id)).filter((e) => e.type === 'directory.user.updated').length, 2);
  });

  test('a userName clash fails alone with uniqueness; the updates beside it are applied', async () => {
    const d = await createTestDirectory(gw, 'okta', 'clash');
    const [taken, clashing, fine] = await users(d, ['taken@batch.test', 'clashing@batch.test', 'fine@batch.test']);
    const outcomes = await Promise.allSettled([update(d, clashing!, 1, { userName: 'TAKEN@batch.test' }), update(d, fine!, 1, { userName: 'fine2@batch.test' })]);
    assert.equal(outcomes[0].status, 'rejected');
    assert.equal(((outcomes[0] as PromiseRejectedResult).reason as Conflict).code, 'user_name_taken');
    assert.deepEqual(outcomes[1], { status: 'fulfilled', value: true });
    assert.deepEqual((await rowsOf([taken!, clashing!, fine!])).map((r) => r.user_name_key).sort(), ['clashing@batch.test', 'fine2@batch.test', 'taken@batch.test']);
    assert.deepEqual((await audited(d)).map((e) => e.targetId), [fine!]);
  });

  test('deactivations together end each user\'s own sessions, counted in each audit entry', async () => {
    const d = await createTestDirectory(gw, 'okta', 'sessions');
    const [withTwo, withNone] = await users(d, ['two@batch.test', 'none@batch.test']);
    await db.query(
      `INSERT INTO profiles (id, organization_id, connection_id, connection_type, idp_id, email_verified, directory_user_id) VALUES ($1, $2, 'conn_batch', 'mock', $1, false, $3)`,
      ['prof_batch_two', d.organizationId, withTwo],
    );
    const expires = new Date(Date.now() + 3_600_000);
    for (const id of ['sess-two-1', 'sess-two-2']) await gw.store.oidcPayloads.upsert('Session', id, { accountId: 'prof_batch_two', uid: `${id}-uid` }, expires);
    const outcomes = await Promise.all([update(d, withTwo!, 1, { userName: 'two@batch.test', active: false }), update(d, withNone!, 1, { userName: 'none@batch.test', active: false })]);
    assert.deepEqual(outcomes, [true, true]);
    assert.equal(await gw.store.oidcPayloads.find('Session', 'sess-two-1', new Date()), undefined);
    const metadata = Object.fromEntries((await audited(d)).map((e) => [e.targetId, e.metadata.sessions_revoked]));
    assert.deepEqual(metadata, { [withTwo!]: 2, [withNone!]: undefined });
  });

  /** The store's create of a user named `userName`. */
  function create(d: TestDirectory, userName: string) {
    const at = new Date();
    const id = `dusr_batch${Math.random().toString(36).slice(2, 12)}`;
    const events = [event(actorOf(d), 'directory.user.created', { id, user_name: userName }, at)];
    const log = changeLog(actorOf(d), { action: 'scim.user.created', targetType: 'directory_user', targetId: id, metadata: {} }, events, at);
    const fields = { userNameKey: userName.toLowerCase(), externalId: null, displayNameKey: null, primaryEmail: null, emailKeys: [], active: true };
    return gw.store.directoryData.createUser(d.id, id, { fields, resource: { schemas: [URN.user], userName, active: true }, at }, log);
  }

  test('creates issued together commit together; a userName clash among them fails alone', async () => {
    const d = await createTestDirectory(gw, 'okta', 'creates');
    const created = await Promise.all(['x@batch.test', 'y@batch.test', 'z@batch.test'].map((n) => create(d, n)));
    assert.deepEqual(created.map((u) => u.resource.userName), ['x@batch.test', 'y@batch.test', 'z@batch.test']);
    assert.equal(new Set((await rowsOf(created.map((u) => u.id))).map((r) => r.xmin)).size, 1, 'one transaction wrote them all');
    const outcomes = await Promise.allSettled([create(d, 'twice@batch.test'), create(d, 'TWICE@batch.test'), create(d, 'once@batch.test')]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'fulfilled', 'rejected']);
    assert.equal(((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason as Conflict).code, 'user_name_taken');
    const counted = await db.query<{ user_count: number }>('SELECT user_count FROM directories WHERE id = $1', [d.id]);
    assert.equal(counted.rows[0]!.user_count, 5);
    assert.equal((await directoryEvents(gw, d.id)).filter((e) => e.type === 'directory.user.created').length, 5);
  });

  test('reads issued together share a statement and still keep to their directory', async () => {
    const d = await createTestDirectory(gw, 'okta', 'reads');
    const other = await createTestDirectory(gw, 'okta', 'reads elsewhere');
    const [mine] = await users(d, ['mine@batch.test']);
    const [theirs] = await users(other, ['theirs@batch.test']);
    const data = gw.store.directoryData;
    const [found, elsewhere, missing, again] = await Promise.all([data.getUser(d.id, mine!), data.getUser(d.id, theirs!), data.getUser(d.id, 'dusr_missing'), data.getUser(d.id, mine!)]);
    assert.equal(found?.resource.userName, 'mine@batch.test');
    assert.equal(elsewhere, undefined, "another directory's user is not found");
    assert.equal(missing, undefined);
    assert.notEqual(again, found, 'a repeated read gets a row of its own');
    assert.deepEqual(again, found);
  });

  test('two updates of one user never share a statement: exactly one applies from the version both read', async () => {
    const d = await createTestDirectory(gw, 'okta', 'same user');
    const [id] = await users(d, ['same@batch.test']);
    const outcomes = await Promise.all([update(d, id!, 1, { userName: 'first@batch.test' }), update(d, id!, 1, { userName: 'second@batch.test' })]);
    assert.deepEqual([...outcomes].sort(), [false, true]);
    assert.deepEqual((await rowsOf([id!])).map((r) => r.version), [2]);
    assert.equal((await audited(d)).length, 1);
  });
});
