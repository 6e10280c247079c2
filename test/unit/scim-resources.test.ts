import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';
import { MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from '../../src/scim/resources/discovery.js';
import { groupIndexFields, normalizeGroup, normalizeUser, userIndexFields, type GroupResource, type UserResource } from '../../src/scim/resources/normalize.js';
import { applyUserPatch, parsePatchRequest, planGroupPatch } from '../../src/scim/resources/patch.js';
import { parseAttributeList, projectAttributes } from '../../src/scim/resources/projection.js';
import { findAttribute, URN } from '../../src/scim/resources/schemas.js';

const ENT = URN.enterpriseUser;
const patchBody = (...Operations: unknown[]) => ({ schemas: [URN.patchOp], Operations });
const patchUser = (user: UserResource, ...ops: unknown[]) => applyUserPatch(user, parsePatchRequest(patchBody(...ops)));
const patchGroup = (group: GroupResource, ...ops: unknown[]) => planGroupPatch(group, parsePatchRequest(patchBody(...ops)));

function scimError(scimType: string, status = 400) {
  return (error: unknown) => {
    assert.ok(error instanceof ScimError, String(error));
    assert.equal(error.scimType, scimType, error.message);
    assert.equal(error.status, status);
    return true;
  };
}

// Microsoft Entra ID's provisioning validator (learn.microsoft.com, "Tutorial: Develop a sample SCIM endpoint").
const entraPost = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
};
// Okta's SCIM 2.0 reference (developer.okta.com, "SCIM 2.0 protocol reference": create user).
const oktaPost = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

const stored = (body: unknown, id = 'dusr_1'): UserResource => ({ ...normalizeUser(body), id });

describe('normalizeUser', () => {
  test("Entra's POST /Users: readOnly meta dropped, the empty roles list is unassigned", () => {
    const { meta: _meta, roles: _roles, ...rest } = entraPost;
    assert.deepEqual(normalizeUser(entraPost), rest);
  });

  test("Okta's POST /Users: the password (writeOnly) and groups (readOnly) are never stored", () => {
    const { password: _p, groups: _g, ...rest } = oktaPost;
    assert.deepEqual(normalizeUser(oktaPost), rest);
  });

  test('boolean strings, attribute name case, extension schemas added, custom attributes kept', () => {
    const user = normalizeUser({
      schemas: [URN.user.toUpperCase()],
      UserName: 'a@x.test',
      Active: 'False',
      emails: [{ Value: 'a@x.test', Primary: 'TRUE' }],
      [ENT]: { Department: 'R&D', manager: 'mgr-1' },
      'urn:acme:custom:1.0:User': { badge: 7 },
      favouriteColour: { shade: ['teal'] },
      id: 'forged',
    });
    assert.deepEqual(user, {
      schemas: [URN.user, ENT, 'urn:acme:custom:1.0:User'],
      userName: 'a@x.test',
      active: false,
      emails: [{ value: 'a@x.test', primary: true }],
      [ENT]: { department: 'R&D', manager: { value: 'mgr-1' } },
      'urn:acme:custom:1.0:User': { badge: 7 },
      favouriteColour: { shade: ['teal'] },
    });
  });

  test('refusals: not an object, no core schema, no userName, wrong types, duplicate spellings, too many values', () => {
    const base = { schemas: [URN.user], userName: 'a' };
    assert.throws(() => normalizeUser([]), scimError('invalidSyntax'));
    assert.throws(() => normalizeUser({ userName: 'a' }), scimError('invalidSyntax'));
    assert.throws(() => normalizeUser({ schemas: [URN.group], userName: 'a' }), scimError('invalidSyntax'));
    assert.throws(() => normalizeUser({ schemas: [URN.user], userName: ' ' }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, userName: 'x'.repeat(257) }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, name: { givenName: 5 } }), (e: Error) => scimError('invalidValue')(e) && e.message === 'Attribute "name.givenName" must be a string');
    assert.throws(() => normalizeUser({ ...base, active: 'yes' }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, emails: { value: 'a' } }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, UserName: 'b' }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, emails: Array.from({ length: 101 }, (_, i) => ({ value: `${i}@x` })) }), scimError('invalidValue'));
    assert.throws(() => normalizeUser({ ...base, [ENT]: 'x' }), scimError('invalidValue'));
  });

  test('index fields: keys lower-cased (NFC), primary email, active by default', () => {
    const user = normalizeUser({
      schemas: [URN.user],
      userName: 'Ame\u0301lie@X.test',
      emails: [{ value: 'Home@X.test', type: 'home' }, { value: 'Work@X.test', type: 'work' }, { value: 'home@x.test' }],
    });
    assert.deepEqual(userIndexFields(user), {
      userName: 'Ame\u0301lie@X.test',
      userNameKey: 'am\u00e9lie@x.test',
      externalId: null,
      displayName: null,
      active: true,
      primaryEmail: 'Work@X.test',
      emailKeys: ['home@x.test', 'work@x.test'],
    });
    assert.equal(userIndexFields(normalizeUser(oktaPost)).primaryEmail, 'test.user@okta.local');
    assert.equal(userIndexFields(normalizeUser({ ...oktaPost, active: 'False' })).active, false);
  });
});

describe('normalizeGroup', () => {
  test('members come out separately, deduplicated; displayName is required', () => {
    const { group, members } = normalizeGroup({ schemas: [URN.group], displayName: 'Eng', externalId: 'g1', members: [{ value: 'u1', display: 'A' }, { value: 'u2', type: 'User' }, { value: 'u1' }] });
    assert.deepEqual(group, { schemas: [URN.group], displayName: 'Eng', externalId: 'g1' });
    assert.deepEqual(members, ['u1', 'u2']);
    assert.deepEqual(groupIndexFields(group), { displayName: 'Eng', displayNameKey: 'eng', externalId: 'g1' });
    assert.throws(() => normalizeGroup({ schemas: [URN.group] }), scimError('invalidValue'));
    assert.throws(() => normalizeGroup({ schemas: [URN.group], displayName: 'G', members: [{ value: 'g2', type: 'Group' }] }), scimError('invalidValue'));
    assert.throws(() => normalizeGroup({ schemas: [URN.group], displayName: 'G', members: [{ display: 'no id' }] }), scimError('invalidValue'));
  });
});

describe('parsePatchRequest', () => {
  test('ops in any case, lower-case "operations", paths parsed', () => {
    const ops = parsePatchRequest({ schemas: [URN.patchOp], operations: [{ op: 'Replace', path: 'name.familyName', value: 'x' }] });
    assert.deepEqual(ops, [{ op: 'replace', path: { path: { attribute: 'name', subAttribute: 'familyName' } }, pathText: 'name.familyName', value: 'x' }]);
  });

  test('refusals with the RFC scimType', () => {
    assert.throws(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'title', value: 'x' }] }), scimError('invalidSyntax'));
    assert.throws(() => parsePatchRequest(patchBody()), scimError('invalidSyntax'));
    assert.throws(() => parsePatchRequest(patchBody({ op: 'move', path: 'title' })), scimError('invalidSyntax'));
    assert.throws(() => parsePatchRequest(patchBody({ op: 'remove' })), scimError('noTarget'));
    assert.throws(() => parsePatchRequest(patchBody({ op: 'add', path: 'title' })), scimError('invalidSyntax'));
    assert.throws(() => parsePatchRequest(patchBody({ op: 'replace', path: 'emails[type eq', value: 'x' })), scimError('invalidPath'));
    assert.throws(() => parsePatchRequest(patchBody(...Array.from({ length: 1001 }, () => ({ op: 'remove', path: 'title' })))), scimError('tooMany'));
  });
});

describe('applyUserPatch', () => {
  const entraUser = () => stored(entraPost);

  test("Entra: replace a work email's value and the family name", () => {
    const user = patchUser(
      entraUser(),
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    );
    assert.deepEqual(user.emails, [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    assert.equal((user.name as Record<string, unknown>).familyName, 'updatedFamilyName');
    assert.equal(user.id, 'dusr_1');
  });

  test('Entra: a work email replaced on a user without one is created from the filter', () => {
    const user = patchUser(stored({ schemas: [URN.user], userName: 'a', emails: [{ type: 'home', value: 'h@x' }] }), {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: 'w@x',
    });
    assert.deepEqual(user.emails, [{ type: 'home', value: 'h@x' }, { type: 'work', value: 'w@x' }]);
    const phone = patchUser(stored(oktaPost), { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' });
    assert.deepEqual(phone.phoneNumbers, [{ type: 'mobile', value: '+1 555' }]);
    assert.throws(() => patchUser(entraUser(), { op: 'replace', path: 'emails[value co "nobody"].type', value: 'home' }), scimError('noTarget'));
  });

  test('Entra: active as "False"/"True", manager as a plain id, dotted and URN keys without a path', () => {
    assert.equal(patchUser(entraUser(), { op: 'Replace', path: 'active', value: 'False' }).active, false);
    assert.equal(patchUser(entraUser(), { op: 'Replace', path: 'active', value: 'True' }).active, true);
    const managed = patchUser(entraUser(), { op: 'Add', path: `${ENT}:manager`, value: '2819c223-7f76-453a-919d-413861904646' });
    assert.deepEqual(managed[ENT], { manager: { value: '2819c223-7f76-453a-919d-413861904646' } });
    const replaced = patchUser(managed, { op: 'replace', path: `${ENT}:manager`, value: '26118915-6090-4610-87e4-49d8ca9f808d' });
    assert.deepEqual(replaced[ENT], { manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } });
    const withRef = stored({ ...entraPost, [ENT]: { manager: { value: 'old', $ref: '../Users/old' } } });
    assert.deepEqual(patchUser(withRef, { op: 'replace', path: `${ENT}:manager`, value: 'new' })[ENT], { manager: { value: 'new' } });
    assert.deepEqual(withRef[ENT], { manager: { value: 'old', $ref: '../Users/old' } }, 'the input is not changed');
    const merged = patchUser(entraUser(), { op: 'Replace', value: { 'name.givenName': 'Augusta', [`${ENT}:department`]: 'Math', [`${ENT}:manager`]: 'm1', displayName: 'Ada' } });
    assert.deepEqual(merged.name, { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'Augusta' });
    assert.deepEqual(merged[ENT], { department: 'Math', manager: { value: 'm1' } });
    assert.equal(merged.displayName, 'Ada');
    assert.ok(merged.schemas.includes(ENT));
  });

  test("Okta: replace without a path, and the user's own id in the value is no change", () => {
    const user = patchUser(stored(oktaPost), { op: 'replace', value: { active: false } });
    assert.equal(user.active, false);
    assert.deepEqual(patchUser(stored(oktaPost), { op: 'replace', value: { id: 'dusr_1', meta: { x: 1 }, title: 'CTO' } }).title, 'CTO');
    assert.throws(() => patchUser(stored(oktaPost), { op: 'replace', value: { id: 'other' } }), scimError('mutability'));
  });

  test('add appends to multi-valued attributes (skipping duplicates), replaces single-valued ones', () => {
    const user = patchUser(
      stored(oktaPost),
      { op: 'add', path: 'emails', value: [{ value: 'test.user@okta.local', type: 'work', primary: true }, { value: 'b@x', type: 'home', primary: true }] },
      { op: 'add', path: 'title', value: 'One' },
      { op: 'add', path: 'title', value: 'Two' },
      { op: 'add', value: { nickName: 'T', name: { middleName: 'M' } } },
    );
    assert.deepEqual(user.emails, [{ value: 'test.user@okta.local', type: 'work' }, { value: 'b@x', type: 'home', primary: true }]);
    assert.equal(user.title, 'Two');
    assert.deepEqual(user.name, { givenName: 'Test', familyName: 'User', middleName: 'M' });
    assert.equal(user.nickName, 'T');
  });

  test('replace of a multi-valued attribute replaces all its values', () => {
    const user = patchUser(stored(oktaPost), { op: 'replace', path: 'emails', value: [{ value: 'n@x', type: 'work' }] });
    assert.deepEqual(user.emails, [{ value: 'n@x', type: 'work' }]);
  });

  test('remove: by filter, a sub-attribute, a whole attribute, an extension; absent targets are no-ops', () => {
    const user = stored({ ...entraPost, emails: [{ type: 'work', value: 'w@x' }, { type: 'home', value: 'h@x' }], title: 'T', [ENT]: { department: 'D', manager: { value: 'm' } } });
    const next = patchUser(
      user,
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'remove', path: 'name.formatted' },
      { op: 'remove', path: 'title' },
      { op: 'remove', path: `${ENT}:manager` },
      { op: 'remove', path: 'nickName' },
      { op: 'remove', path: 'phoneNumbers[type eq "fax"]' },
    );
    assert.deepEqual(next.emails, [{ type: 'work', value: 'w@x' }]);
    assert.deepEqual(next.name, { familyName: 'familyName', givenName: 'givenName' });
    assert.equal(next.title, undefined);
    assert.deepEqual(next[ENT], { department: 'D' });
    assert.equal(patchUser(next, { op: 'remove', path: ENT })[ENT], undefined);
    assert.equal(patchUser(next, { op: 'remove', path: 'emails[type eq "work"]' }).emails, undefined);
  });

  test('custom attributes can be written and removed', () => {
    const user = patchUser(stored(oktaPost), { op: 'add', path: 'costCentre', value: { code: 7 } }, { op: 'add', path: 'urn:acme:ext:1.0:User:badge', value: 'B1' });
    assert.deepEqual(user.costCentre, { code: 7 });
    assert.deepEqual(user['urn:acme:ext:1.0:User'], { badge: 'B1' });
    assert.equal(patchUser(user, { op: 'remove', path: 'CostCentre' }).costCentre, undefined);
  });

  test('refusals: readOnly id and meta (mutability), a value filter on a single-valued attribute (invalidPath), wrong types (invalidValue)', () => {
    const user = stored(oktaPost);
    assert.throws(() => patchUser(user, { op: 'replace', path: 'id', value: 'other' }), scimError('mutability'));
    assert.throws(() => patchUser(user, { op: 'remove', path: 'meta' }), scimError('mutability'));
    assert.throws(() => patchUser(user, { op: 'add', path: 'groups', value: [{ value: 'g' }] }), scimError('mutability'));
    assert.throws(() => patchUser(user, { op: 'replace', path: 'title[value eq "x"]', value: 'y' }), scimError('invalidPath'));
    assert.throws(() => patchUser(user, { op: 'replace', path: 'active', value: 'maybe' }), scimError('invalidValue'));
    assert.throws(() => patchUser(user, { op: 'replace', path: 'userName', value: '' }), scimError('invalidValue'));
    assert.throws(() => patchUser(user, { op: 'replace', value: 'x' }), scimError('invalidValue'));
  });

  test('pathless values wrapped in the core URN, or with a value-filtered key', () => {
    const user = patchUser(
      stored(oktaPost),
      { op: 'replace', value: { [URN.user]: { displayName: 'Wrapped', 'name.givenName': 'W' } } },
      { op: 'add', value: { 'emails[type eq "work"].display': 'Work mail' } },
      { op: 'replace', path: URN.user, value: { title: 'T' } },
    );
    assert.equal(user.displayName, 'Wrapped');
    assert.equal(user.title, 'T');
    assert.equal((user.name as Record<string, unknown>).givenName, 'W');
    assert.deepEqual(user.emails, [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'Work mail' }]);
    assert.equal(user[URN.user], undefined);
    assert.throws(() => patchUser(user, { op: 'remove', path: URN.user }), scimError('invalidPath'));
  });

  test('a PATCH that changes nothing returns the same JSON (no spurious version)', () => {
    const user = stored(entraPost);
    const same = patchUser(user, { op: 'add', path: 'emails', value: entraPost.emails }, { op: 'replace', path: 'active', value: 'True' }, { op: 'remove', path: 'title' });
    assert.deepEqual(same, user);
  });

  test('a password sent by PATCH is not stored', () => {
    assert.equal(patchUser(stored(oktaPost), { op: 'replace', path: 'password', value: 'secret' }).password, undefined);
  });
});

describe('planGroupPatch', () => {
  const group: GroupResource = { schemas: [URN.group], displayName: 'Sales', id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b' };

  test('every member form, in operation order, without the current members', () => {
    const plan = patchGroup(
      group,
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] },
      { op: 'Add', value: { members: [{ value: 'c' }] } },
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'Remove', path: 'members', value: [{ value: 'b' }] },
      { op: 'remove', path: 'members[value eq "x" or value eq "y"]' },
      { op: 'remove', path: 'members' },
      { op: 'replace', path: 'members', value: [{ value: 'd' }] },
      { op: 'replace', value: { displayName: 'Sales EMEA', members: [{ value: 'e' }] } },
    );
    assert.deepEqual(plan.members, [
      { kind: 'add', ids: ['a', 'b'] },
      { kind: 'add', ids: ['c'] },
      { kind: 'remove', ids: ['a'] },
      { kind: 'remove', ids: ['b'] },
      { kind: 'remove', ids: ['x', 'y'] },
      { kind: 'removeAll' },
      { kind: 'replaceAll', ids: ['d'] },
      { kind: 'replaceAll', ids: ['e'] },
    ]);
    assert.deepEqual(plan.group, { ...group, displayName: 'Sales EMEA' });
  });

  test("Okta's rename sends the group's own id: accepted; another id is a mutability error", () => {
    const plan = patchGroup(group, { op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } });
    assert.deepEqual(plan, { group: { ...group, displayName: 'Test SCIMv2' }, members: [] });
    assert.throws(() => patchGroup(group, { op: 'replace', value: { id: 'other', displayName: 'x' } }), scimError('mutability'));
  });

  test('other attributes are patched like users; displayName stays required', () => {
    const plan = patchGroup(group, { op: 'add', path: 'externalId', value: 'ext' }, { op: 'add', path: 'custom', value: 1 });
    assert.deepEqual(plan.group, { ...group, externalId: 'ext', custom: 1 });
    assert.throws(() => patchGroup(group, { op: 'remove', path: 'displayName' }), scimError('invalidValue'));
  });

  test('refusals: other member filters, member sub-attributes, nested groups, too many ids', () => {
    assert.throws(() => patchGroup(group, { op: 'remove', path: 'members[display eq "x"]' }), scimError('invalidFilter'));
    assert.throws(() => patchGroup(group, { op: 'remove', path: 'members[value eq "a" and value eq "b"]' }), scimError('invalidFilter'));
    assert.throws(() => patchGroup(group, { op: 'replace', path: 'members[value eq "a"]', value: { value: 'b' } }), scimError('invalidPath'));
    assert.throws(() => patchGroup(group, { op: 'replace', path: 'members[value eq "a"].display', value: 'x' }), scimError('invalidPath'));
    assert.throws(() => patchGroup(group, { op: 'add', path: 'members', value: [{ value: 'g', type: 'Group' }] }), scimError('invalidValue'));
    assert.throws(() => patchGroup(group, { op: 'add', path: 'members', value: [{ display: 'x' }] }), scimError('invalidValue'));
    const many = Array.from({ length: 6000 }, (_, i) => ({ value: `u${i}` }));
    assert.throws(() => patchGroup(group, { op: 'add', path: 'members', value: many }, { op: 'replace', path: 'members', value: many }), scimError('tooMany'));
  });
});

describe('projectAttributes', () => {
  const user: UserResource = { ...normalizeUser({ ...entraPost, title: 'T', [ENT]: { department: 'D', manager: 'm' } }), id: 'u1', meta: { resourceType: 'User' } };

  test('attributes narrows (id and schemas always stay), with sub-attributes and URN prefixes', () => {
    assert.deepEqual(projectAttributes(user, { attributes: ['userName'] }, 'User'), { schemas: user.schemas, userName: user.userName, id: 'u1' });
    const picked = projectAttributes(user, { attributes: ['NAME.givenName', 'emails.value', `${ENT}:department`, `${URN.user}:title`] }, 'User');
    assert.deepEqual(picked, { schemas: user.schemas, name: { givenName: 'givenName' }, emails: [{ value: entraPost.emails[0]!.value }], id: 'u1', title: 'T', [ENT]: { department: 'D' } });
    assert.deepEqual(Object.keys(projectAttributes(user, { attributes: [ENT] }, 'User')).sort(), ['id', 'schemas', ENT].sort());
  });

  test('excludedAttributes removes, never id or schemas', () => {
    const out = projectAttributes(user, { excludedAttributes: ['emails', 'ID', 'schemas', 'name.formatted', `${ENT}:manager`] }, 'User');
    assert.equal(out.emails, undefined);
    assert.equal(out.id, 'u1');
    assert.deepEqual(out.schemas, user.schemas);
    assert.deepEqual(out.name, { familyName: 'familyName', givenName: 'givenName' });
    assert.deepEqual(out[ENT], { department: 'D' });
  });

  test('group members', () => {
    const group = { schemas: [URN.group], id: 'g', displayName: 'G', members: [{ value: 'u', display: 'U' }] };
    assert.deepEqual(projectAttributes(group, { excludedAttributes: ['members'] }, 'Group'), { schemas: [URN.group], id: 'g', displayName: 'G' });
    assert.deepEqual(projectAttributes(group, { attributes: ['members.value'] }, 'Group'), { schemas: [URN.group], id: 'g', members: [{ value: 'u' }] });
  });

  test('parseAttributeList', () => {
    assert.deepEqual(parseAttributeList(' userName, emails.value ,,'), ['userName', 'emails.value']);
    assert.equal(parseAttributeList(''), undefined);
    assert.equal(parseAttributeList(undefined), undefined);
  });
});

describe('discovery', () => {
  const base = 'https://gw.example/scim/v2/dir_123';

  test('ServiceProviderConfig: patch and etag supported, no bulk, filter with maxResults', () => {
    const config = serviceProviderConfig(base);
    assert.deepEqual(config.patch, { supported: true });
    assert.deepEqual(config.etag, { supported: true });
    assert.deepEqual(config.bulk, { supported: false, maxOperations: 0, maxPayloadSize: 0 });
    assert.deepEqual(config.filter, { supported: true, maxResults: MAX_RESULTS });
    assert.deepEqual([config.changePassword.supported, config.sort.supported], [false, false]);
    assert.equal(config.authenticationSchemes[0]!.type, 'oauthbearertoken');
    assert.equal(config.meta.location, `${base}/ServiceProviderConfig`);
  });

  test('ResourceTypes: User with the optional enterprise extension, Group', () => {
    const [user, group] = resourceTypes(base);
    assert.deepEqual(user!.schemaExtensions, [{ schema: ENT, required: false }]);
    assert.equal(user!.meta.location, `${base}/ResourceTypes/User`);
    assert.equal(group!.endpoint, '/Groups');
  });

  test('Schemas describe what we accept', () => {
    const all = schemas(base);
    assert.deepEqual(all.map((s) => s.id), [URN.user, ENT, URN.group]);
    const userSchema = all[0]!;
    assert.equal(userSchema.meta.location, `${base}/Schemas/${URN.user}`);
    const password = userSchema.attributes.find((a) => a.name === 'password')!;
    assert.deepEqual([password.mutability, password.returned], ['writeOnly', 'never']);
    assert.ok(String(userSchema.attributes[0]!.description).length > 0);
    const displayName = all[2]!.attributes.find((a) => a.name === 'displayName')!;
    assert.equal(displayName.required, true);
  });

  test('findAttribute: case-insensitive, URN-prefix aware', () => {
    assert.equal(findAttribute('User', { attribute: 'USERNAME' })?.attribute.name, 'userName');
    assert.equal(findAttribute('User', { schema: ENT.toLowerCase(), attribute: 'manager', subAttribute: 'value' })?.subAttribute?.name, 'value');
    assert.equal(findAttribute('User', { schema: URN.user, attribute: 'id' })?.attribute.mutability, 'readOnly');
    assert.equal(findAttribute('User', { attribute: 'department' }), undefined);
    assert.equal(findAttribute('Group', { attribute: 'members' })?.attribute.multiValued, true);
  });
});

describe('PATCH operations are not changed by being applied', () => {
  test('a later primary clears an earlier one in the result, never in the request: applied again, the same result', () => {
    const user = stored({ schemas: [URN.user], userName: 'ada', emails: [{ value: 'old@x.test', primary: true }] });
    const operations = parsePatchRequest(patchBody(
      { op: 'add', path: 'emails', value: [{ value: 'a@x.test', type: 'work', primary: true }] },
      { op: 'add', path: 'emails', value: [{ value: 'b@x.test', type: 'home', primary: true }] },
    ));
    const sent = structuredClone(operations);
    const first = applyUserPatch(user, operations);
    assert.deepEqual(operations, sent);
    assert.deepEqual(applyUserPatch(user, operations), first);
    assert.deepEqual((first.emails as Array<{ value: string; primary?: boolean }>).filter((e) => e.primary).map((e) => e.value), ['b@x.test']);
  });
});
