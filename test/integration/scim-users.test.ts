import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, directoryEvents, SCIM_JSON, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [URN.user],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: `${userName.toLowerCase()}`, type: 'work', primary: true }],
  active: true,
  ...extra,
});
const patch = (...Operations: unknown[]) => ({ schemas: [URN.patchOp], Operations });

describe('SCIM /Users', await requires('postgres'), () => {
  let gw: TestGateway;
  let dir: TestDirectory;
  before(async () => {
    gw = await startTestGateway('scim_users');
    dir = await createTestDirectory(gw, 'okta');
  });
  after(() => gw?.close());

  test('create, read back with meta and ETag, in application/scim+json', async () => {
    const created = await dir.scim('post', '/Users', user('create.me@acme.test', { externalId: 'ext-1' })).expect(201);
    assert.match(created.headers['content-type'], /^application\/scim\+json/);
    const body = created.body;
    assert.match(body.id, /^dusr_/);
    assert.equal(body.userName, 'create.me@acme.test');
    assert.equal(body.meta.resourceType, 'User');
    assert.equal(body.meta.location, `http://gatehouse.test${dir.path}/Users/${body.id}`);
    assert.equal(created.headers.location, body.meta.location);
    assert.equal(created.headers.etag, body.meta.version);
    const read = await dir.scim('get', `/Users/${body.id}`).expect(200);
    assert.deepEqual(read.body, body);
    await dir.scim('get', `/Users/${body.id}`, undefined, { 'If-None-Match': body.meta.version }).expect(304);
  });

  test('userName is unique per directory regardless of case: 409 uniqueness', async () => {
    await dir.scim('post', '/Users', user('Dup.User@acme.test')).expect(201);
    const clash = await dir.scim('post', '/Users', user('dup.user@ACME.test')).expect(409);
    assert.deepEqual(clash.body, { schemas: [URN.error], status: '409', scimType: 'uniqueness', detail: clash.body.detail });
    // Another directory may use the same userName.
    const other = await createTestDirectory(gw, 'entra');
    await other.scim('post', '/Users', user('dup.user@acme.test')).expect(201);
  });

  test('filters: userName case-insensitively, externalId exactly, emails, active, and/or/not; totalResults counts all matches', async () => {
    const d = await createTestDirectory(gw, 'okta', 'filters');
    for (let i = 0; i < 5; i++) {
      await d.scim('post', '/Users', user(`f${i}@acme.test`, { externalId: `EXT-${i}`, active: i % 2 === 0 })).expect(201);
    }
    const find = async (filter: string) => (await d.scim('get', `/Users?filter=${encodeURIComponent(filter)}`).expect(200)).body;
    const names = (list: { Resources: Array<{ userName: string }> }) => list.Resources.map((r) => r.userName).sort();
    assert.deepEqual(names(await find('userName eq "F1@ACME.TEST"')), ['f1@acme.test']);
    assert.equal((await find('externalId eq "ext-1"')).totalResults, 0);
    assert.deepEqual(names(await find('externalId eq "EXT-1"')), ['f1@acme.test']);
    assert.deepEqual(names(await find('emails.value eq "f2@acme.test"')), ['f2@acme.test']);
    assert.deepEqual(names(await find('emails[value co "f3@"]')), ['f3@acme.test']);
    assert.deepEqual(names(await find('active eq false')), ['f1@acme.test', 'f3@acme.test']);
    assert.deepEqual(names(await find('userName sw "f" and not (active eq true)')), ['f1@acme.test', 'f3@acme.test']);
    assert.deepEqual(names(await find('(userName eq "f0@acme.test" or userName eq "f4@acme.test") and active eq true')), ['f0@acme.test', 'f4@acme.test']);
    const none = await find('userName eq "nobody@acme.test"');
    assert.deepEqual(none, { schemas: [URN.listResponse], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const page = (await d.scim('get', '/Users?startIndex=2&count=2').expect(200)).body;
    assert.equal(page.totalResults, 5);
    assert.equal(page.startIndex, 2);
    assert.equal(page.itemsPerPage, 2);
    assert.deepEqual(page.Resources.map((r: { userName: string }) => r.userName), ['f1@acme.test', 'f2@acme.test']);
    const zero = (await d.scim('get', '/Users?count=0').expect(200)).body;
    assert.equal(zero.totalResults, 5);
    assert.equal(zero.Resources.length, 0);
  });

  test('cursor paging (RFC 9865): pages follow nextCursor to the end; a forged cursor is 400 invalidCursor', async () => {
    const d = await createTestDirectory(gw, 'okta', 'cursor');
    for (let i = 0; i < 5; i++) await d.scim('post', '/Users', user(`cur${i}@acme.test`)).expect(201);
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const body = (await d.scim('get', `/Users?count=2&cursor=${cursor}&filter=${encodeURIComponent('userName sw "cur"')}`).expect(200)).body;
      assert.equal(body.totalResults, 5);
      assert.equal(body.startIndex, undefined);
      seen.push(...body.Resources.map((r: { userName: string }) => r.userName));
      if (body.nextCursor === undefined) break;
      cursor = body.nextCursor;
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 4].map((i) => `cur${i}@acme.test`));
    const forged = await d.scim('get', '/Users?cursor=bm90LWFuLWlk').expect(400);
    assert.equal(forged.body.scimType, 'invalidCursor');
    const config = (await d.scim('get', '/ServiceProviderConfig').expect(200)).body;
    assert.equal(config.pagination.cursor, true);
  });

  test('a bad filter is 400 invalidFilter, an unknown attribute too', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'nickName eq "x"']) {
      const res = await dir.scim('get', `/Users?filter=${encodeURIComponent(filter)}`).expect(400);
      assert.equal(res.body.scimType, 'invalidFilter', filter);
      assert.equal(res.body.status, '400');
    }
  });

  test('attributes and excludedAttributes narrow the resource; id and schemas always stay', async () => {
    const created = (await dir.scim('post', '/Users', user('attrs@acme.test', { title: 'Engineer' })).expect(201)).body;
    const only = (await dir.scim('get', `/Users/${created.id}?attributes=userName`).expect(200)).body;
    assert.deepEqual(Object.keys(only).sort(), ['id', 'schemas', 'userName']);
    const without = (await dir.scim('get', `/Users/${created.id}?excludedAttributes=emails,title`).expect(200)).body;
    assert.equal(without.emails, undefined);
    assert.equal(without.title, undefined);
    assert.equal(without.userName, 'attrs@acme.test');
  });

  test('PUT replaces; If-Match with a stale version is 412 and changes nothing', async () => {
    const created = (await dir.scim('post', '/Users', user('put@acme.test', { title: 'Old' })).expect(201)).body;
    const replaced = await dir.scim('put', `/Users/${created.id}`, user('put@acme.test', { title: 'New' }), { 'If-Match': created.meta.version }).expect(200);
    assert.equal(replaced.body.title, 'New');
    assert.notEqual(replaced.body.meta.version, created.meta.version);
    const stale = await dir.scim('put', `/Users/${created.id}`, user('put@acme.test', { title: 'Stale' }), { 'If-Match': created.meta.version }).expect(412);
    assert.equal(stale.body.status, '412');
    assert.equal((await dir.scim('get', `/Users/${created.id}`).expect(200)).body.title, 'New');
  });

  test('PATCH: Entra forms (capitalized op, "False", value filters, manager as a plain value, dotted and URN keys)', async () => {
    const created = (await dir.scim('post', '/Users', user('patch@acme.test', { schemas: [URN.user, URN.enterprise] })).expect(201)).body;
    const res = await dir
      .scim('patch', `/Users/${created.id}`, patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new.mail@acme.test' },
        { op: 'Replace', path: 'name.familyName', value: 'Byron' },
        { op: 'Add', path: `${URN.enterprise}:manager`, value: 'mgr-1' },
        { op: 'Replace', value: { 'name.givenName': 'Augusta', [`${URN.enterprise}:department`]: 'Math' } },
      ))
      .expect(200);
    assert.equal(res.body.emails[0].value, 'new.mail@acme.test');
    assert.deepEqual(res.body.name, { givenName: 'Augusta', familyName: 'Byron' });
    assert.deepEqual(res.body[URN.enterprise], { manager: { value: 'mgr-1' }, department: 'Math' });
    // The new email is what filters see.
    const found = (await dir.scim('get', `/Users?filter=${encodeURIComponent('emails.value eq "new.mail@acme.test"')}`).expect(200)).body;
    assert.equal(found.totalResults, 1);

    const off = await dir.scim('patch', `/Users/${created.id}`, patch({ op: 'Replace', path: 'active', value: 'False' })).expect(200);
    assert.equal(off.body.active, false);
  });

  test('PATCH errors: bad path, readOnly id, not a PatchOp', async () => {
    const created = (await dir.scim('post', '/Users', user('patcherr@acme.test')).expect(201)).body;
    const badPath = await dir.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'emails[type eq', value: 'x' })).expect(400);
    assert.equal(badPath.body.scimType, 'invalidPath');
    const readOnly = await dir.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'id', value: 'other' })).expect(400);
    assert.equal(readOnly.body.scimType, 'mutability');
    const notPatch = await dir.scim('patch', `/Users/${created.id}`, { Operations: [] }).expect(400);
    assert.equal(notPatch.body.scimType, 'invalidSyntax');
    const badJson = await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', SCIM_JSON).send('{"userName":').expect(400);
    assert.equal(badJson.body.scimType, 'invalidSyntax');
  });

  test('lifecycle events: created, updated, deactivated, reactivated, deleted; none for a no-op', async () => {
    const d = await createTestDirectory(gw, 'entra', 'events');
    const created = (await d.scim('post', '/Users', user('life@acme.test')).expect(201)).body;
    await d.scim('put', `/Users/${created.id}`, user('life@acme.test')).expect(200);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'title', value: 'CTO' })).expect(200);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', value: { active: false } })).expect(200);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', value: { active: false } })).expect(200);
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', value: { active: true } })).expect(200);
    await d.scim('delete', `/Users/${created.id}`).expect(204);
    await d.scim('get', `/Users/${created.id}`).expect(404);
    const events = await directoryEvents(gw, d.id);
    assert.deepEqual(events.map((e) => e.type), [
      'directory.user.created',
      'directory.user.updated',
      'directory.user.deactivated',
      'directory.user.reactivated',
      'directory.user.deleted',
    ]);
    const updated = events[1]!.data;
    assert.equal(updated.user_name, 'life@acme.test');
    assert.equal(updated.email, 'life@acme.test');
    assert.deepEqual(updated.changed_attributes, ['title']);
    assert.equal(events[2]!.data.active, false);
  });

  test('every change is audited with the directory token as actor and no attribute values', async () => {
    const d = await createTestDirectory(gw, 'okta', 'audit');
    const created = (await d.scim('post', '/Users', user('audit@acme.test', { title: 'Secretive' })).expect(201)).body;
    await d.scim('patch', `/Users/${created.id}`, patch({ op: 'replace', path: 'title', value: 'Top secret title' })).expect(200);
    const entries = await gw.store.auditLogs.list({ limit: 100, organizationId: d.organizationId });
    const scim = entries.data.filter((e) => e.action.startsWith('scim.'));
    assert.deepEqual(scim.map((e) => e.action), ['scim.user.created', 'scim.user.updated']);
    for (const e of scim) {
      assert.equal(e.actorType, 'scim_token');
      assert.match(e.actorId ?? '', /^dir_token_/);
      assert.equal(e.targetId, created.id);
      assert.doesNotMatch(JSON.stringify(e.metadata), /secret|audit@acme/i);
    }
    assert.deepEqual(scim[1]!.metadata.changed, ['title']);
  });

  test('authentication: no token, a wrong token, another directory\'s token are 401; another directory\'s ids are 404', async () => {
    const other = await createTestDirectory(gw, 'okta', 'other');
    const theirs = (await other.scim('post', '/Users', user('theirs@acme.test')).expect(201)).body;
    const none = await request(gw.app).get(`${dir.path}/Users`).expect(401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="SCIM"');
    assert.equal(none.body.status, '401');
    await request(gw.app).get(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}x`).expect(401);
    await request(gw.app).get(`${dir.path}/Users`).set('Authorization', `Bearer ${other.token}`).expect(401);
    await dir.scim('get', `/Users/${theirs.id}`).expect(404);
    await dir.scim('put', `/Users/${theirs.id}`, user('theirs@acme.test')).expect(404);
    await dir.scim('patch', `/Users/${theirs.id}`, patch({ op: 'replace', path: 'title', value: 'x' })).expect(404);
    await dir.scim('delete', `/Users/${theirs.id}`).expect(404);
    await dir.scim('get', '/Users/not-an-id').expect(404);
    const listed = (await dir.scim('get', `/Users?filter=${encodeURIComponent('userName eq "theirs@acme.test"')}`).expect(200)).body;
    assert.equal(listed.totalResults, 0);
  });

  test('a write without the SCIM media type is 415', async () => {
    const res = await request(gw.app).post(`${dir.path}/Users`).set('Authorization', `Bearer ${dir.token}`).set('Content-Type', 'text/plain').send('x').expect(415);
    assert.equal(res.body.status, '415');
  });
});
