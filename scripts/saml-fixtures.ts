// Writes the recorded-shape SAML fixtures: Responses shaped like what Okta, Entra, Google, ADFS,
// OneLogin and Keycloak really send, signed by the committed test IdP key and pinned to one instant.
//
//   node --import tsx scripts/saml-fixtures.ts          rewrite test/fixtures/saml/responses/*.json
//   node --import tsx scripts/saml-fixtures.ts --keys   new keys in test/fixtures/saml/keys first
//                                                       (then the responses, which the old keys signed)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { keys, writeTestKeyFiles } from '../test/support/saml-idp/keys.js';
import { ATTRNAME_FORMAT, FIXTURE_SP, NAMEID, buildSamlResponse, encodeSamlResponse, type ResponseOptions } from '../test/support/saml-idp/response.js';

const ISSUED_AT = new Date('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const later = (minutes: number) => new Date(ISSUED_AT.getTime() + minutes * MINUTE);
const outDir = new URL('../test/fixtures/saml/responses/', import.meta.url);

interface Fixture {
  name: string;
  description: string;
  idp: 'okta' | 'entra' | 'google' | 'adfs' | 'onelogin' | 'generic';
  sp?: { entity_id: string; acs_url: string };
  relay_state?: string;
  in_response_to?: string;
  expect: { idp_id: string; email?: string; groups?: string[]; name_id_format: string | null };
  response: ResponseOptions;
}

const WS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS = 'http://schemas.microsoft.com/identity/claims';
const ENTRA_TENANT = '7d1c3f0e-2b4a-4c6d-8e9f-a0b1c2d3e4f5';
const ENTRA_GROUPS = ['3f0d6a8e-41b2-4c59-9d1e-7a2b4c6d8e0f', 'b5e2c7a1-9f34-4d08-a6b3-2c1d0e9f8a7b'];
const GROUPS = ['Everyone', 'Engineering', 'gatehouse-admins'];

/** Okta: saml2p/saml2 prefixes, "id"+digits IDs, typed values, NameFormat unspecified, a 5-minute window. */
const okta = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: 'http://www.okta.com/exk1fxd8cyvWcVBFr0h8',
  prefixes: { protocol: 'saml2p', assertion: 'saml2' },
  responseId: 'id27461593846518322115283091',
  assertionId: 'id2746159384656862007419846',
  sessionIndex: 'id1780315200000.482913',
  nameId: 'ada.lovelace@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributeNameFormat: ATTRNAME_FORMAT.unspecified,
  attributes: { email: 'ada.lovelace@acme.test', firstName: 'Ada', lastName: 'Lovelace', groups: GROUPS },
  ...extra,
});

/** Entra ID: assertion and Signature in the default namespace, GUID IDs, no NameFormat, untyped values. */
const entra = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: `https://sts.windows.net/${ENTRA_TENANT}/`,
  prefixes: { protocol: 'samlp', assertion: '', signature: '' },
  responseId: '_5f8c2a4e-1b3d-4e6f-9a7b-0c1d2e3f4a5b',
  assertionId: '_9a7b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
  sessionIndex: '_9a7b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
  notOnOrAfter: later(60),
  subjectNotOnOrAfter: later(5),
  authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
  nameId: 'ada.lovelace@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributeNameFormat: null,
  typedAttributeValues: false,
  attributes: {
    [`${MS}/tenantid`]: ENTRA_TENANT,
    [`${MS}/objectidentifier`]: 'c0ffee00-1234-4abc-8def-0123456789ab',
    [`${MS}/displayname`]: 'Ada Lovelace',
    [`${MS}/identityprovider`]: `https://sts.windows.net/${ENTRA_TENANT}/`,
    'http://schemas.microsoft.com/claims/authnmethodsreferences': 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
    [`${WS}/emailaddress`]: 'ada.lovelace@acme.test',
    [`${WS}/givenname`]: 'Ada',
    [`${WS}/surname`]: 'Lovelace',
    [`${WS}/name`]: 'ada.lovelace@acme.test',
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ENTRA_GROUPS,
  },
  ...extra,
});

/** Google Workspace: saml2p/saml2, a non-URL SP entity ID, attributes named as its setup guide says. */
const google = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: 'https://accounts.google.com/o/saml2?idpid=C01x2y3z4',
  prefixes: { protocol: 'saml2p', assertion: 'saml2' },
  audience: 'gatehouse-sp',
  responseId: '_0d5e1f2a3b4c5d6e7f8091a2b3c4d5e6',
  assertionId: '_7c4e9a1b2c3d4e5f60718293a4b5c6d7',
  sessionIndex: '_7c4e9a1b2c3d4e5f60718293a4b5c6d7',
  authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  nameId: 'ada@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributes: { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' },
  ...extra,
});

/** ADFS: default-namespace assertion, ds signatures, URI claims with NameFormat uri, SessionIndex = assertion ID. */
const adfs = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: 'http://adfs.acme.test/adfs/services/trust',
  prefixes: { protocol: 'samlp', assertion: '' },
  responseId: '_2b7e4c1a-9d3f-4e8a-b6c5-1f0e9d8c7b6a',
  assertionId: '_e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b',
  sessionIndex: '_e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b',
  notBefore: ISSUED_AT,
  notOnOrAfter: later(60),
  nameId: 'ada.lovelace@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributeNameFormat: ATTRNAME_FORMAT.uri,
  typedAttributeValues: false,
  sign: 'both',
  attributes: {
    [`${WS}/upn`]: 'ada.lovelace@corp.acme.test',
    [`${WS}/emailaddress`]: 'ada.lovelace@acme.test',
    [`${WS}/givenname`]: 'Ada',
    [`${WS}/surname`]: 'Lovelace',
    'http://schemas.xmlsoap.org/claims/Group': ['Domain Users', 'Gatehouse Admins'],
  },
  ...extra,
});

/** OneLogin: "R…"/"pfx…" IDs, User.* attribute names, memberOf groups. */
const onelogin = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: 'https://app.onelogin.com/saml/metadata/3f2a9c4e-7b1d-4e8f-a6c5-0d9e8f7a6b5c',
  responseId: 'R8f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e',
  assertionId: 'pfx4a3b2c1d-0e9f-8a7b-6c5d-4e3f2a1b0c9d',
  sessionIndex: '_5c4b3a29-1817-4e6d-9c8b-7a6f5e4d3c2b',
  nameId: 'ada@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributes: { 'User.email': 'ada@acme.test', 'User.FirstName': 'Ada', 'User.LastName': 'Lovelace', memberOf: ['Engineering', 'Gatehouse Admins'] },
  ...extra,
});

/** A plain IdP (Keycloak-like), for shapes no single vendor owns. */
const generic = (extra: ResponseOptions = {}): ResponseOptions => ({
  issuer: 'https://keycloak.acme.test/realms/acme',
  responseId: 'ID_4d3c2b1a-0f9e-4d8c-b7a6-958473625140',
  assertionId: 'ID_a0b1c2d3-e4f5-4a6b-9c8d-7e6f5a4b3c2d',
  sessionIndex: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f::a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  nameId: 'ada@acme.test',
  nameIdFormat: NAMEID.emailAddress,
  attributes: { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' },
  ...extra,
});

const sp = { entity_id: FIXTURE_SP.entityId, acs_url: FIXTURE_SP.acsUrl };
const email = (format: string = NAMEID.emailAddress, id = 'ada.lovelace@acme.test') => ({ idp_id: id, email: id, name_id_format: format });

const fixtures = (): Fixture[] => [
  { name: 'okta-assertion-signed', idp: 'okta', description: 'Okta, SP-initiated; only the assertion is signed (Okta default).', in_response_to: '_req_fixture_1', relay_state: 'rs_fixture_1', expect: { ...email(), groups: GROUPS }, response: okta() },
  { name: 'okta-response-signed', idp: 'okta', description: 'Okta, IdP-initiated; only the Response is signed, the assertion is not.', expect: { ...email(), groups: GROUPS }, response: okta({ sign: 'response' }) },
  { name: 'okta-encrypted-gcm', idp: 'okta', description: 'Okta, SP-initiated; assertion signed, then encrypted to keys.sp (aes256-gcm, rsa-oaep-mgf1p).', in_response_to: '_req_fixture_6', expect: { ...email(), groups: GROUPS }, response: okta({ encrypt: { certificate: keys.sp.certificate, algorithm: 'aes256-gcm', keyTransport: 'rsa-oaep-mgf1p' } }) },
  { name: 'entra', idp: 'entra', description: 'Entra ID, SP-initiated; assertion signed, default-namespace Assertion and Signature, URI claim names without NameFormat.', in_response_to: '_req_fixture_2', expect: { ...email(), groups: ENTRA_GROUPS }, response: entra() },
  {
    name: 'entra-guest',
    idp: 'entra',
    description: 'Entra ID B2B guest: #EXT# UPN as an unspecified-format NameID; the real address only in the emailaddress claim.',
    expect: { idp_id: 'ada_partner.test#EXT#@acme.onmicrosoft.com', email: 'ada@partner.test', groups: ENTRA_GROUPS, name_id_format: NAMEID.unspecified },
    response: entra({
      nameId: 'ada_partner.test#EXT#@acme.onmicrosoft.com',
      nameIdFormat: NAMEID.unspecified,
      attributes: { ...entra().attributes, [`${WS}/emailaddress`]: 'ada@partner.test', [`${WS}/name`]: 'ada_partner.test#EXT#@acme.onmicrosoft.com', [`${MS}/identityprovider`]: 'https://sts.windows.net/0c1d2e3f-4a5b-4c6d-9e8f-7a6b5c4d3e2f/' },
    }),
  },
  { name: 'entra-encrypted-cbc', idp: 'entra', description: 'Entra ID, IdP-initiated; assertion signed, then encrypted to keys.sp (aes256-cbc, rsa-oaep-mgf1p).', expect: { ...email(), groups: ENTRA_GROUPS }, response: entra({ encrypt: { certificate: keys.sp.certificate, algorithm: 'aes256-cbc', keyTransport: 'rsa-oaep-mgf1p' } }) },
  { name: 'google', idp: 'google', description: 'Google Workspace, SP-initiated; Response signed; the SP entity ID is "gatehouse-sp", not a URL on the ACS host.', sp: { entity_id: 'gatehouse-sp', acs_url: FIXTURE_SP.acsUrl }, in_response_to: '_req_fixture_3', expect: email(NAMEID.emailAddress, 'ada@acme.test'), response: google({ sign: 'response' }) },
  { name: 'google-no-destination', idp: 'google', description: 'Google-shaped, IdP-initiated; no Destination on the unsigned Response (allowed), assertion signed.', sp: { entity_id: 'gatehouse-sp', acs_url: FIXTURE_SP.acsUrl }, expect: email(NAMEID.emailAddress, 'ada@acme.test'), response: google({ destination: null }) },
  { name: 'keycloak-no-authn-statement', idp: 'generic', description: 'Keycloak-shaped, IdP-initiated; assertion signed but carries no AuthnStatement.', expect: email(NAMEID.emailAddress, 'ada@acme.test'), response: generic({ authnStatement: false }) },
  { name: 'adfs', idp: 'adfs', description: 'ADFS, SP-initiated; Response and assertion both signed (rsa-sha256), URI-format claims.', in_response_to: '_req_fixture_4', expect: { ...email(), groups: ['Domain Users', 'Gatehouse Admins'] }, response: adfs() },
  { name: 'adfs-sha1', idp: 'adfs', description: 'Legacy ADFS, IdP-initiated; both signed with rsa-sha1 and sha1 digests.', expect: { ...email(), groups: ['Domain Users', 'Gatehouse Admins'] }, response: adfs({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }) },
  { name: 'onelogin', idp: 'onelogin', description: 'OneLogin, SP-initiated; assertion signed; User.* attributes and memberOf.', in_response_to: '_req_fixture_5', expect: { ...email(NAMEID.emailAddress, 'ada@acme.test'), groups: ['Engineering', 'Gatehouse Admins'] }, response: onelogin() },
  { name: 'onelogin-sha1', idp: 'onelogin', description: 'OneLogin, IdP-initiated; assertion signed with rsa-sha1 and sha1 digests.', expect: { ...email(NAMEID.emailAddress, 'ada@acme.test'), groups: ['Engineering', 'Gatehouse Admins'] }, response: onelogin({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }) },
  { name: 'digit-leading-ids', idp: 'generic', description: 'Response and assertion IDs start with a digit (not valid xs:ID, yet sent by some IdPs); assertion signed.', in_response_to: '_req_fixture_7', expect: email(NAMEID.emailAddress, 'ada@acme.test'), response: generic({ responseId: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', assertionId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }) },
  {
    name: 'nameid-transient',
    idp: 'generic',
    description: 'Transient NameID (useless as a subject); the stable identity is the uid attribute.',
    expect: { idp_id: 'u-1842', email: 'ada@acme.test', name_id_format: NAMEID.transient },
    response: generic({ nameId: '_3c9f1e7a5b2d4c8e6a0f1b3d5c7e9a2b', nameIdFormat: NAMEID.transient, attributes: { uid: 'u-1842', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' } }),
  },
  { name: 'nameid-unspecified', idp: 'generic', description: 'Unspecified-format NameID holding a username; the address only in the email attribute.', expect: { idp_id: 'ada', email: 'ada@acme.test', name_id_format: NAMEID.unspecified }, response: generic({ nameId: 'ada', nameIdFormat: NAMEID.unspecified }) },
  { name: 'nameid-none', idp: 'generic', description: 'No NameID at all; the identity must come from the uid attribute.', expect: { idp_id: 'u-1843', email: 'ada@acme.test', name_id_format: null }, response: generic({ nameId: null, attributes: { uid: 'u-1843', email: 'ada@acme.test' } }) },
];

function record(fixture: Fixture) {
  const target = fixture.sp ?? sp;
  const xml = buildSamlResponse({
    issueInstant: ISSUED_AT,
    recipient: target.acs_url,
    audience: target.entity_id,
    inResponseTo: fixture.in_response_to,
    ...fixture.response,
  });
  return {
    description: fixture.description,
    idp: fixture.idp,
    issued_at: ISSUED_AT.toISOString(),
    sp: target,
    idp_entity_id: fixture.response.issuer,
    saml_response: encodeSamlResponse(xml),
    ...(fixture.relay_state === undefined ? {} : { relay_state: fixture.relay_state }),
    ...(fixture.in_response_to === undefined ? {} : { in_response_to: fixture.in_response_to }),
    expect: fixture.expect,
  };
}

function main(): void {
  if (process.argv.includes('--keys')) writeTestKeyFiles();
  mkdirSync(outDir, { recursive: true });
  const list = fixtures();
  const names = new Set(list.map((f) => `${f.name}.json`));
  // Drop fixtures this script no longer makes, so the folder is exactly what the list says.
  for (const file of readdirSync(outDir)) if (file.endsWith('.json') && !names.has(file)) rmSync(new URL(file, outDir));
  for (const fixture of list) writeFileSync(new URL(`${fixture.name}.json`, outDir), `${JSON.stringify(record(fixture), null, 2)}\n`);
  console.log(`wrote ${list.length} fixtures to ${outDir.pathname}`);
}

main();
