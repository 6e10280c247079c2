import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTestDirectory, directoryEvents, URN, type TestDirectory } from '../support/scim.js';
import { requires } from '../support/services.js';

const patch = (...Operations: unknown[]) => ({ schemas: [URN.patchOp], Operations });

async function createUsers(dir: TestDirectory, prefix: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await dir.scim('post', '/Users', { schemas: [URN.user], userName: `${prefix}${i}@acme.test`, emails: [{ value: `${prefix}${i}@acme.test`, primary: true }] }).expect(201);
    ids.push(res.body.id);
  }
  return ids;
}

const memberIds = (group: { members?: Array<{ value: string }> }) => (group.members ?? []).map((m) => m.value).sort();

describe('SCIM /Groups', await requires('postgres'), () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('scim_groups');
  });
  after(() => gw?.close());

  test('push a group with members, read it with and without members, filter by displayName', async () => {
    const dir = await createTestDirectory(gw, 'okta', 'push');
    const users = await createUsers(dir, 'push', 3);
    const created = await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'Engineering', externalId: 'g-1', members: users.slice(0, 2).map((value) => ({ value })) }).expect(201);
    assert.match(created.body.id, /^dgrp_/);
    assert.deepEqual(memberIds(created.body), users.slice(0, 2).sort());
    assert.equal(created.body.members[0].type, 'User');
    const read = (await dir.scim('get', `/Groups/${created.body.id}`).expect(200)).body;
    assert.deepEqual(memberIds(read), users.slice(0, 2).sort());
    const lean = (await dir.scim('get', `/Groups/${created.body.id}?excludedAttributes=members`).expect(200)).body;
    assert.equal(lean.members, undefined);
    assert.equal(lean.displayName, 'Engineering');
    const found = (await dir.scim('get', `/Groups?filter=${encodeURIComponent('displayName eq "engineering"')}&excludedAttributes=members`).expect(200)).body;
    assert.equal(found.totalResults, 1);
    assert.equal(found.Resources[0].members, undefined);
    const byMember = (await dir.scim('get', `/Groups?filter=${encodeURIComponent(`members.value eq "${users[0]}"`)}`).expect(200)).body;
    assert.equal(byMember.totalResults, 1);
  });

  test('PATCH member forms: add, remove by filter (Okta), remove with value (Entra), remove all, replace', async () => {
    const dir = await createTestDirectory(gw, 'entra', 'forms');
    const [a, b, c, d] = await createUsers(dir, 'forms', 4);
    const group = (await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'Sales' }).expect(201)).body;
    const members = async () => memberIds((await dir.scim('get', `/Groups/${group.id}`).expect(200)).body);

    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'Add', path: 'members', value: [{ value: a }, { value: b }, { value: c }] })).expect(204);
    assert.deepEqual(await members(), [a, b, c].sort());
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'remove', path: `members[value eq "${a}"]` })).expect(204);
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: b }] })).expect(204);
    assert.deepEqual(await members(), [c]);
    // Removing the last member leaves an empty group, not a deleted one.
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'remove', path: `members[value eq "${c}"]` })).expect(204);
    assert.deepEqual(await members(), []);
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'add', value: { members: [{ value: a }, { value: d }] } })).expect(204);
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'replace', path: 'members', value: [{ value: d }, { value: b }] })).expect(204);
    assert.deepEqual(await members(), [b, d].sort());
    await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'remove', path: 'members' })).expect(204);
    assert.deepEqual(await members(), []);
    // Asked for, the PATCH answers with the resource.
    const renamed = await dir.scim('patch', `/Groups/${group.id}?excludedAttributes=members`, patch({ op: 'Replace', path: 'displayName', value: 'Sales EMEA' })).expect(200);
    assert.equal(renamed.body.displayName, 'Sales EMEA');

    const events = (await directoryEvents(gw, dir.id)).map((e) => `${e.type}${e.data.user ? `:${e.data.user.id}` : ''}`);
    assert.deepEqual(events.filter((e) => e.startsWith('directory.group')), [
      'directory.group.created',
      ...[a, b, c].sort().map((id) => `directory.group.user_added:${id}`),
      `directory.group.user_removed:${a}`,
      `directory.group.user_removed:${b}`,
      `directory.group.user_removed:${c}`,
      ...[a, d].sort().map((id) => `directory.group.user_added:${id}`),
      `directory.group.user_added:${b}`,
      `directory.group.user_removed:${a}`,
      `directory.group.user_removed:${b}`,
      `directory.group.user_removed:${d}`,
      'directory.group.updated',
    ]);
  });

  test('a member id that is not a user of this directory is refused and nothing is written', async () => {
    const dir = await createTestDirectory(gw, 'okta', 'unknown');
    const other = await createTestDirectory(gw, 'okta', 'unknown-other');
    const [mine] = await createUsers(dir, 'mine', 1);
    const [theirs] = await createUsers(other, 'theirs', 1);
    const group = (await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'G' }).expect(201)).body;
    const res = await dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value: mine }, { value: theirs }] })).expect(400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.deepEqual(memberIds((await dir.scim('get', `/Groups/${group.id}`).expect(200)).body), []);
    await other.scim('get', `/Groups/${group.id}`).expect(404);
  });

  test('20 concurrent PATCHes adding distinct members to one group lose nothing', async () => {
    const dir = await createTestDirectory(gw, 'entra', 'concurrent');
    const users = await createUsers(dir, 'conc', 20);
    const group = (await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'Everyone' }).expect(201)).body;
    await Promise.all(users.map((value) => dir.scim('patch', `/Groups/${group.id}`, patch({ op: 'add', path: 'members', value: [{ value }] })).expect(204)));
    const read = (await dir.scim('get', `/Groups/${group.id}`).expect(200)).body;
    assert.deepEqual(memberIds(read), [...users].sort());
    assert.equal(read.meta.version, `W/"${1 + users.length}"`);
    const added = (await directoryEvents(gw, dir.id)).filter((e) => e.type === 'directory.group.user_added');
    assert.equal(added.length, 20);
  });

  test('deleting a user removes it from its groups (with events); deleting a group keeps its users', async () => {
    const dir = await createTestDirectory(gw, 'okta', 'cascade');
    const [a, b] = await createUsers(dir, 'cascade', 2);
    const group = (await dir.scim('post', '/Groups', { schemas: [URN.group], displayName: 'G', members: [{ value: a }, { value: b }] }).expect(201)).body;
    await dir.scim('delete', `/Users/${a}`).expect(204);
    assert.deepEqual(memberIds((await dir.scim('get', `/Groups/${group.id}`).expect(200)).body), [b]);
    await dir.scim('delete', `/Groups/${group.id}`).expect(204);
    await dir.scim('get', `/Groups/${group.id}`).expect(404);
    await dir.scim('get', `/Users/${b}`).expect(200);
    const types = (await directoryEvents(gw, dir.id)).map((e) => e.type);
    assert.deepEqual(types.slice(-3), ['directory.group.user_removed', 'directory.user.deleted', 'directory.group.deleted']);
  });
});
