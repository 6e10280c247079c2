// A SCIM user write is one statement (optimistic on the row version, no lock held across round
// trips): concurrent changes to one user are all applied, a lost race is computed again from the
// newer version, and a refused write leaves no audit entry or event behind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DirectoryActor } from '../../src/directory/changes.js';
import { directoryUsers } from '../../src/directory/users.js';
import { scimUsers } from '../../src/scim/users.js';
import type { DirectoryDataStore } from '../../src/store/directory-data.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, directoryEvents, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [URN.user], userName, emails: [{ value: userName, primary: true }], active: true, ...extra });
const patch = (...Operations: unknown[]) => ({ schemas: [URN.patchOp], Operations });
const versionOf = (etag: string) => Number(/"(\d+)"/.exec(etag)![1]);

describe('SCIM user writes', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('scim_user_writes');
  });
  after(() => gw?.close());

  const audited = async (d: TestDirectory) => (await gw.store.auditLogs.list({ limit: 100, organizationId: d.organizationId })).data.filter((e) => e.action.startsWith('scim.'));

  /** The service over a store whose every read is followed by someone else's PATCH (for `races` reads). */
  function racing(d: TestDirectory, races: number) {
    const data = gw.store.directoryData;
    let reads = 0;
    const store: DirectoryDataStore = {
      ...data,
      async getUser(directoryId, id) {
        const found = await data.getUser(directoryId, id);
        if (reads++ < races) await d.scim('patch', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: `theirs-${reads}` })).expect(200);
        return found;
      },
    };
    const actor: DirectoryActor = { directoryId: d.id, organizationId: d.organizationId, tokenId: 'dir_token_test', requestId: null, ip: null, userAgent: null };
    const service = scimUsers(store, directoryUsers(store));
    return { reads: () => reads, patch: (id: string, body: unknown, version?: number) => service.patch({ actor, base: 'http://gatehouse.test' }, id, body, version) };
  }

  test('concurrent PATCHes on one user are all applied: none is lost', async () => {
    const d = await createTestDirectory(gw, 'okta', 'concurrent');
    const created = (await d.scim('post', '/Users', user('many@acme.test')).expect(201)).body;
    const adds = Array.from({ length: 5 }, (_, i) => d.scim('patch', `/Users/${created.id}`, patch({ op: 'add', path: 'emails', value: [{ value: `alias${i}@acme.test` }] })));
    await Promise.all(adds.map((r) => r.expect(200)));
    const read = (await d.scim('get', `/Users/${created.id}`).expect(200)).body;
    assert.deepEqual(read.emails.map((e: { value: string }) => e.value).sort(), ['alias0@acme.test', 'alias1@acme.test', 'alias2@acme.test', 'alias3@acme.test', 'alias4@acme.test', 'many@acme.test']);
    assert.equal(versionOf(read.meta.version), 6);
    const events = await directoryEvents(gw, d.id);
    assert.deepEqual(events.map((e) => e.type), ['directory.user.created', ...Array(5).fill('directory.user.updated')]);
    assert.equal((await audited(d)).length, 6);
  });

  test('a PATCH that lost the race is computed again from the newer version', async () => {
    const d = await createTestDirectory(gw, 'okta', 'race');
    const created = (await d.scim('post', '/Users', user('race@acme.test')).expect(201)).body;
    const mine = racing(d, 1);
    const result = await mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'mine' }));
    assert.equal(mine.reads(), 2, 'read once more after the lost race');
    assert.equal(result.resource.title, 'theirs-1');
    assert.equal(result.resource.nickName, 'mine');
    assert.equal(result.version, 3);
    const events = await directoryEvents(gw, d.id);
    assert.deepEqual(events.slice(1).map((e) => e.data.changed_attributes), [['title'], ['nickName']]);
    assert.deepEqual((await audited(d)).map((e) => e.metadata.changed), [undefined, ['title'], ['nickName']]);
  });

  test('If-Match names the version read: a race lost under it is 412, nothing of ours is written', async () => {
    const d = await createTestDirectory(gw, 'okta', 'race-if-match');
    const created = (await d.scim('post', '/Users', user('ifmatch@acme.test')).expect(201)).body;
    const mine = racing(d, 1);
    await assert.rejects(mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'mine' }), 1), (e: Error) => e.name === 'PreconditionFailed');
    const read = (await d.scim('get', `/Users/${created.id}`).expect(200)).body;
    assert.equal(read.nickName, undefined);
    assert.equal((await directoryEvents(gw, d.id)).length, 2);
  });

  test('a user that keeps changing under every attempt: the PATCH gives up after 5, writing nothing', async () => {
    const d = await createTestDirectory(gw, 'okta', 'race-forever');
    const created = (await d.scim('post', '/Users', user('busy@acme.test')).expect(201)).body;
    const mine = racing(d, Infinity);
    await assert.rejects(mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'mine' })), /5 attempts/);
    assert.equal(mine.reads(), 5);
    const events = await directoryEvents(gw, d.id);
    assert.deepEqual(events.slice(1).map((e) => e.data.changed_attributes), Array(5).fill(['title']));
  });

  test('a userName clash (create, PUT, PATCH, or two creates at once) is 409 uniqueness and writes no audit entry or event', async () => {
    const d = await createTestDirectory(gw, 'okta', 'clash');
    await d.scim('post', '/Users', user('taken@acme.test')).expect(201);
    const other = (await d.scim('post', '/Users', user('other@acme.test')).expect(201)).body;
    const before = { events: (await directoryEvents(gw, d.id)).length, audit: (await audited(d)).length };
    assert.equal((await d.scim('post', '/Users', user('TAKEN@acme.test')).expect(409)).body.scimType, 'uniqueness');
    assert.equal((await d.scim('put', `/Users/${other.id}`, user('Taken@acme.test')).expect(409)).body.scimType, 'uniqueness');
    await d.scim('patch', `/Users/${other.id}`, patch({ op: 'replace', path: 'userName', value: 'taken@ACME.test' })).expect(409);
    const twice = await Promise.all([d.scim('post', '/Users', user('twin@acme.test')), d.scim('post', '/Users', user('Twin@acme.test'))]);
    assert.deepEqual(twice.map((r) => r.status).sort(), [201, 409]);
    assert.equal((await d.scim('get', `/Users/${other.id}`).expect(200)).body.meta.version, other.meta.version);
    assert.equal((await directoryEvents(gw, d.id)).length, before.events + 1);
    assert.equal((await audited(d)).length, before.audit + 1);
  });

  /** Another gateway process over the same database: its remembered rows are its own. */
  function otherProcess(d: TestDirectory) {
    const data = gw.store.directoryData;
    let reads = 0;
    const store: DirectoryDataStore = { ...data, getUser: (directoryId, id) => (reads++, data.getUser(directoryId, id)) };
    const actor: DirectoryActor = { directoryId: d.id, organizationId: d.organizationId, tokenId: 'dir_token_test', requestId: null, ip: null, userAgent: null };
    const service = scimUsers(store, directoryUsers(store));
    const scope = { actor, base: 'http://gatehouse.test' };
    return {
      reads: () => reads,
      get: (id: string) => service.get(scope, id, { attributes: undefined, excludedAttributes: undefined }),
      patch: (id: string, body: unknown, version?: number) => service.patch(scope, id, body, version),
    };
  }

  test('a GET then a PATCH (as Entra and Okta update): the PATCH starts from the row read, no second read', async () => {
    const d = await createTestDirectory(gw, 'entra', 'remembered');
    const created = (await d.scim('post', '/Users', user('remembered@acme.test')).expect(201)).body;
    const mine = otherProcess(d);
    await mine.get(created.id);
    const result = await mine.patch(created.id, patch({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(mine.reads(), 1, 'the PATCH read nothing');
    assert.equal(result.resource.active, false);
    assert.equal(result.version, 2);
    assert.equal((await d.scim('get', `/Users/${created.id}`).expect(200)).body.active, false);
    assert.deepEqual((await directoryEvents(gw, d.id)).map((e) => e.type), ['directory.user.created', 'directory.user.deactivated']);
  });

  test('a remembered row another process changed since: the write misses, is computed again from the stored row, nothing lost', async () => {
    const d = await createTestDirectory(gw, 'entra', 'remembered-stale');
    const created = (await d.scim('post', '/Users', user('stale@acme.test')).expect(201)).body;
    const mine = otherProcess(d);
    await mine.get(created.id);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'title', value: 'theirs' })).expect(200);
    const result = await mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'mine' }));
    assert.equal(mine.reads(), 2, 'read again after the missed write');
    assert.deepEqual([result.resource.title, result.resource.nickName, result.version], ['theirs', 'mine', 3]);
  });

  test('a remembered row that makes a PATCH look like a no-op is checked against the stored row', async () => {
    const d = await createTestDirectory(gw, 'entra', 'remembered-noop');
    const created = (await d.scim('post', '/Users', user('noop@acme.test')).expect(201)).body;
    const mine = otherProcess(d);
    await mine.get(created.id);
    // Elsewhere the user is deactivated; here the remembered row still says active.
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'active', value: false })).expect(200);
    const result = await mine.patch(created.id, patch({ op: 'replace', path: 'active', value: true }));
    assert.deepEqual([result.resource.active, result.version], [true, 3]);
    assert.deepEqual((await directoryEvents(gw, d.id)).map((e) => e.type), ['directory.user.created', 'directory.user.deactivated', 'directory.user.reactivated']);
  });

  test('If-Match with the stored version, when the remembered one is older, is applied (not 412)', async () => {
    const d = await createTestDirectory(gw, 'entra', 'remembered-if-match');
    const created = (await d.scim('post', '/Users', user('ifmatch2@acme.test')).expect(201)).body;
    const mine = otherProcess(d);
    await mine.get(created.id);
    const theirs = (await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'title', value: 'theirs' })).expect(200)).body;
    const result = await mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'mine' }), versionOf(theirs.meta.version));
    assert.deepEqual([result.resource.title, result.resource.nickName, result.version], ['theirs', 'mine', 3]);
    await assert.rejects(mine.patch(created.id, patch({ op: 'replace', path: 'nickName', value: 'again' }), 2), (e: Error) => e.name === 'PreconditionFailed');
  });

  test('a PATCH the remembered row would refuse is judged on the stored row', async () => {
    const d = await createTestDirectory(gw, 'entra', 'remembered-refusal');
    const created = (await d.scim('post', '/Users', user('refusal@acme.test')).expect(201)).body;
    const mine = otherProcess(d);
    await mine.get(created.id);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'add', path: 'emails', value: [{ value: 'alias@acme.test', type: 'other' }] })).expect(200);
    // Against the remembered row (one email) this filter matches nothing: 400 noTarget. Stored, it matches.
    const result = await mine.patch(created.id, patch({ op: 'replace', path: 'emails[value co "alias"].type', value: 'home' }));
    assert.deepEqual((result.resource.emails as Array<{ value: string; type?: string }>).map((e) => [e.value, e.type]), [['refusal@acme.test', undefined], ['alias@acme.test', 'home']]);
    await assert.rejects(mine.patch(created.id, patch({ op: 'replace', path: 'emails[value co "nobody"].type', value: 'home' })), (e: Error & { scimType?: string }) => e.scimType === 'noTarget');
  });
});
