import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idpPresets } from '../../connectors/index.js';
import { applyAttributeMapping, effectiveMapping } from '../../src/sso/attribute-mapping.js';
import type { UpstreamIdentity } from '../../src/sso/connector.js';

const identity: UpstreamIdentity = {
  idpId: 'u1',
  email: 'ada@acme.test',
  emailVerified: true,
  firstName: 'Ada',
  groups: ['eng'],
  roles: [],
  amr: ['pwd'],
  rawAttributes: { mail: ['Ada.L@acme.test', 'second@acme.test'], memberOf: ['admins', 'eng'], dept: 'R&D', givenName: 'Augusta', empty: [] },
};

test('standard targets override what the connector derived; others become custom attributes', () => {
  const mapped = applyAttributeMapping(identity, { email: 'mail', groups: 'memberOf', given_name: 'givenName', department: 'dept', missing: 'nope' });
  assert.equal(mapped.email, 'Ada.L@acme.test', 'first value of a multi-valued attribute');
  assert.deepEqual(mapped.groups, ['admins', 'eng']);
  assert.equal(mapped.firstName, 'Augusta');
  assert.deepEqual(mapped.customAttributes, { department: 'R&D' });
});

test('no mapping keeps the connector’s values; an unusable value does not erase one', () => {
  assert.equal(applyAttributeMapping(identity, {}).email, 'ada@acme.test');
  assert.equal(applyAttributeMapping(identity, { email: 'empty' }).email, 'ada@acme.test');
  assert.deepEqual(applyAttributeMapping(identity, { groups: 'dept' }).groups, ['R&D'], 'a single value is a one-element list');
});

test('a preset supplies the IdP’s attribute names; the connection’s mapping overrides them', () => {
  const entra = effectiveMapping(idpPresets, { preset: 'entra', attributeMapping: { groups: 'roles' } }, 'saml');
  assert.equal(entra.email, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress');
  assert.equal(entra.groups, 'roles');
  const fromEntra = applyAttributeMapping({ ...identity, rawAttributes: { [entra.email!]: 'grace@contoso.test' } }, entra);
  assert.equal(fromEntra.email, 'grace@contoso.test');
  assert.deepEqual(effectiveMapping(idpPresets, { preset: null, attributeMapping: { team: 'dept' } }, 'saml'), { team: 'dept' });
  for (const preset of Object.values(idpPresets)) assert.ok(preset.label.length > 0);
});

test('over OIDC a preset maps the IdP’s own claims, not its SAML attribute names', () => {
  const entra = effectiveMapping(idpPresets, { preset: 'entra', attributeMapping: {} }, 'oidc');
  assert.deepEqual(entra, { object_id: 'oid', tenant_id: 'tid', upn: 'upn', preferred_username: 'preferred_username' });
  const claims = { sub: 'x', oid: '00000000-0000-0000-0000-0000000000aa', tid: '11111111-2222-3333-4444-555555555555', upn: 'grace@contoso.test' };
  const mapped = applyAttributeMapping({ ...identity, rawAttributes: claims }, entra);
  assert.deepEqual(mapped.customAttributes, { object_id: claims.oid, tenant_id: claims.tid, upn: claims.upn });
  assert.equal(mapped.email, identity.email, 'standard claims stay as the connector read them');
  assert.deepEqual(effectiveMapping(idpPresets, { preset: 'google', attributeMapping: {} }, 'oidc'), { hosted_domain: 'hd' });
});
