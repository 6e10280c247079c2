// Proves the SAML test IdP itself is right, independently of Gatehouse: its signatures verify with
// xml-crypto, its encryption decrypts with xml-encryption (what node-saml uses), its attacks have
// the shape they claim, its server speaks both bindings, and the recorded fixtures decode.
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import request from 'supertest';
import { SignedXml } from 'xml-crypto';
import xmlenc from 'xml-encryption';
import * as attacks from '../support/saml-idp/attacks.js';
import { keys } from '../support/saml-idp/keys.js';
import { buildIdpMetadata } from '../support/saml-idp/metadata.js';
import { FIXTURE_SP, buildSamlResponse, encodeSamlResponse, type ResponseOptions } from '../support/saml-idp/response.js';
import { createTestSamlIdp, readAutoPostForm } from '../support/saml-idp/server.js';
import { EXC_C14N, NS, SIGNATURE_ALGORITHMS, parseXml, serializeXml, signXml } from '../support/saml-idp/xml.js';

const elements = (root: Document | Element, ns: string, local: string) => Array.from(root.getElementsByTagNameNS(ns, local));
const text = (root: Document | Element, ns: string, local: string) => elements(root, ns, local)[0]?.textContent ?? undefined;

/** Verifies one Signature element; returns the URIs it signed, or null when it does not verify. */
function verifySignature(xml: string, signature: Element, certificate: string): string[] | null {
  const checker = new SignedXml({ publicCert: certificate });
  checker.loadSignature(signature);
  try {
    return checker.checkSignature(xml) ? checker.getReferences().map((ref) => ref.uri) : null;
  } catch {
    return null;
  }
}

function signaturesOf(xml: string): Element[] {
  return elements(parseXml(xml), NS.ds, 'Signature');
}

function decrypt(encryptedAssertionXml: string): Promise<string> {
  return new Promise((resolve, reject) =>
    xmlenc.decrypt(encryptedAssertionXml, { key: keys.sp.privateKey }, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}

describe('SAML test IdP: responses', () => {
  const T0 = new Date('2026-06-01T12:00:00.000Z');

  it('signs the assertion, the Response or both so xml-crypto verifies them with keys.idp (exc-c14n, after Issuer)', () => {
    for (const mode of ['assertion', 'response', 'both'] as const) {
      const xml = buildSamlResponse({ sign: mode, responseId: '_resp', assertionId: '_asrt', issueInstant: T0 });
      const expected = { assertion: ['#_asrt'], response: ['#_resp'], both: ['#_resp', '#_asrt'] }[mode];
      const signatures = signaturesOf(xml);
      assert.deepEqual(signatures.map((s) => verifySignature(xml, s, keys.idp.certificate)?.[0]), expected, mode);
      for (const signature of signatures) {
        const previous = signature.previousSibling as Element;
        assert.equal(previous.localName, 'Issuer', 'Signature comes right after Issuer');
        assert.equal(elements(signature, NS.ds, 'CanonicalizationMethod')[0]!.getAttribute('Algorithm'), EXC_C14N);
        assert.deepEqual(elements(signature, NS.ds, 'Transform').map((t) => t.getAttribute('Algorithm')), ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N]);
        assert.ok(elements(signature, NS.ds, 'X509Certificate').length === 1, 'KeyInfo carries the signing certificate');
      }
    }
    assert.equal(signaturesOf(buildSamlResponse({ sign: 'none' })).length, 0);
  });

  it('honours algorithm, KeyInfo, reference and namespace-prefix options', () => {
    const sha1 = buildSamlResponse({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1', includeKeyInfo: false, prefixes: { assertion: '', signature: '' } });
    const [signature] = signaturesOf(sha1);
    assert.equal(elements(signature!, NS.ds, 'SignatureMethod')[0]!.getAttribute('Algorithm'), SIGNATURE_ALGORITHMS['rsa-sha1']);
    assert.equal(signature!.prefix, null, 'default-namespace Signature');
    assert.equal(elements(signature!, NS.ds, 'KeyInfo').length, 0);
    assert.ok(verifySignature(sha1, signature!, keys.idp.certificate));
    const sha512 = buildSamlResponse({ signatureAlgorithm: 'rsa-sha512', digestAlgorithm: 'sha512' });
    assert.ok(verifySignature(sha512, signaturesOf(sha512)[0]!, keys.idp.certificate));
    const whole = buildSamlResponse({ referenceUri: '' });
    assert.deepEqual(verifySignature(whole, signaturesOf(whole)[0]!, keys.idp.certificate), ['']);
    const digits = buildSamlResponse({ responseId: '0abc', assertionId: '1def', sign: 'both' });
    assert.ok(signaturesOf(digits).every((s) => verifySignature(digits, s, keys.idp.certificate)));
  });

  it('escapes values and omits what is set to null', () => {
    const xml = buildSamlResponse({ nameId: `a<b>&"c'@x.test`, attributes: { groups: ['x & y', '<z>'] }, destination: null, audience: ['a', 'b'], subjectConfirmationMethod: ['urn:1', 'urn:2'] });
    const doc = parseXml(xml);
    assert.equal(text(doc, NS.saml, 'NameID'), `a<b>&"c'@x.test`);
    assert.deepEqual(elements(doc, NS.saml, 'AttributeValue').map((v) => v.textContent), ['x & y', '<z>']);
    assert.equal(doc.documentElement.hasAttribute('Destination'), false);
    assert.equal(elements(doc, NS.saml, 'Audience').length, 2);
    assert.equal(elements(doc, NS.saml, 'SubjectConfirmation').length, 2);
    const none = parseXml(buildSamlResponse({ nameId: null, authnStatement: false }));
    assert.equal(elements(none, NS.saml, 'NameID').length + elements(none, NS.saml, 'AuthnStatement').length, 0);
    const failed = parseXml(buildSamlResponse({ status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', message: 'nope' } }));
    assert.equal(elements(failed, NS.samlp, 'StatusCode').length, 2);
    assert.equal(elements(failed, NS.saml, 'Assertion').length, 0, 'no assertion on a failure status');
  });

  it('an attacker-resigned response verifies only with the attacker certificate', () => {
    const xml = attacks.resignWithAttackerKey({ sign: 'both' });
    for (const signature of signaturesOf(xml)) {
      assert.equal(verifySignature(xml, signature, keys.idp.certificate), null);
      assert.ok(verifySignature(xml, signature, keys.attacker.certificate));
    }
  });

  for (const algorithm of ['aes256-gcm', 'aes128-gcm', 'aes256-cbc', 'aes128-cbc'] as const) {
    it(`an ${algorithm} encrypted assertion decrypts with xml-encryption and its signature verifies`, async () => {
      const xml = buildSamlResponse({ sign: 'both', assertionId: '_enc', encrypt: { certificate: keys.sp.certificate, algorithm } });
      const doc = parseXml(xml);
      assert.equal(elements(doc, NS.saml, 'Assertion').length, 0, 'no plaintext assertion left');
      const response = signaturesOf(xml)[0]!;
      assert.ok(verifySignature(xml, response, keys.idp.certificate), 'Response signed over the ciphertext');
      const assertion = await decrypt(serializeXml(elements(doc, NS.saml, 'EncryptedAssertion')[0]!));
      assert.deepEqual(verifySignature(assertion, signaturesOf(assertion)[0]!, keys.idp.certificate), ['#_enc']);
      assert.equal(text(parseXml(assertion), NS.saml, 'NameID'), 'ada@acme.test');
    });
  }
});

describe('SAML test IdP: attacks', () => {
  const signed = (options: ResponseOptions = {}) => buildSamlResponse({ nameId: 'user@evil.test.attacker.test', attributes: { email: 'user@evil.test.attacker.test' }, ...options });

  it('every XSW variant claims the evil NameID while still carrying the genuinely signed original', () => {
    for (const [name, apply] of Object.entries(attacks.XSW)) {
      const xml = apply(signed({ sign: name === 'xsw1' || name === 'xsw2' ? 'response' : 'assertion' }));
      const names = elements(parseXml(xml), NS.saml, 'NameID').map((n) => n.textContent);
      assert.ok(names.includes(attacks.EVIL_NAME_ID), `${name} has the evil NameID`);
      assert.ok(names.includes('user@evil.test.attacker.test'), `${name} keeps the original`);
    }
    assert.throws(() => attacks.xsw1(signed({ sign: 'assertion' })), /needs a signed Response/);
    assert.throws(() => attacks.xsw3(signed({ sign: 'response' })), /needs a signed Assertion/);
  });

  it('a comment in the NameID keeps the signature valid; editing after signing breaks it', () => {
    const injected = attacks.injectCommentInNameId(signed(), '.attacker.test');
    assert.match(injected, /user@evil\.test<!---->\.attacker\.test/);
    assert.ok(verifySignature(injected, signaturesOf(injected)[0]!, keys.idp.certificate));
    for (const tampered of [attacks.tamperAttribute(signed()), attacks.tamperNameId(signed())]) {
      assert.equal(verifySignature(tampered, signaturesOf(tampered)[0]!, keys.idp.certificate), null);
    }
    assert.equal(signaturesOf(attacks.stripSignatures(signed({ sign: 'both' }))).length, 0);
  });

  it('DTDs, entity expansion and padding have the promised shape', () => {
    assert.match(attacks.addDoctype(signed()), /^<\?xml[^>]*\?><!DOCTYPE samlp:Response \[/);
    const bomb = attacks.entityExpansion(signed(), 3);
    assert.match(bomb, /<!ENTITY lol3 "(&lol2;){10}">/);
    assert.match(bomb, /<saml:NameID[^>]*>&lol3;<\/saml:NameID>/);
    const padded = attacks.pad(signed(), 300_000);
    assert.equal(Buffer.byteLength(padded), 300_000);
    assert.ok(verifySignature(padded, signaturesOf(padded)[0]!, keys.idp.certificate));
  });
});

describe('SAML test IdP: metadata and server', () => {
  const SP_ISSUER = 'https://gatehouse.test/saml/conn_01TEST';
  const ACS = `${SP_ISSUER}/acs`;
  const authnRequest = (id = '_req_1') =>
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" IssueInstant="2026-06-01T12:00:00.000Z" ` +
    `Destination="https://idp.test/sso" AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${SP_ISSUER}</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/></samlp:AuthnRequest>`;
  const newIdp = () => createTestSamlIdp({ entityId: 'https://idp.test/metadata', user: { nameId: 'ada@acme.test', attributes: { email: 'ada@acme.test' } }, spCertificate: keys.sp.certificate });

  it('metadata lists one signing KeyDescriptor per certificate and both SSO bindings', () => {
    const doc = parseXml(buildIdpMetadata({ entityId: 'https://idp.test/metadata', ssoUrl: 'https://idp.test/sso', certificates: [keys.idp.certificate, keys.idpNext.certificate] }));
    assert.deepEqual(elements(doc, NS.md, 'KeyDescriptor').map((k) => k.getAttribute('use')), ['signing', 'signing']);
    assert.equal(elements(doc, NS.md, 'SingleSignOnService').length, 2);
  });

  it('HTTP-Redirect: inflates and parses the AuthnRequest, verifies its query signature, posts a Response back', async () => {
    const idp = newIdp();
    const octets = `SAMLRequest=${encodeURIComponent(deflateRawSync(authnRequest()).toString('base64'))}&RelayState=${encodeURIComponent('rs/1+2')}&SigAlg=${encodeURIComponent(SIGNATURE_ALGORITHMS['rsa-sha256'])}`;
    const signature = encodeURIComponent(sign('sha256', Buffer.from(octets), keys.sp.privateKey).toString('base64'));
    const res = await request(idp.app).get(`/sso?${octets}&Signature=${signature}`).expect(200);
    assert.deepEqual({ ...idp.lastRequest, xml: undefined }, {
      binding: 'redirect', xml: undefined, id: '_req_1', issuer: SP_ISSUER, acsUrl: ACS, protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', destination: 'https://idp.test/sso',
      forceAuthn: false, isPassive: false, nameIdPolicyFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', relayState: 'rs/1+2', signed: true, sigAlg: SIGNATURE_ALGORITHMS['rsa-sha256'], signatureValid: true,
    });
    const form = readAutoPostForm(res.text);
    assert.equal(form.action, ACS);
    assert.equal(form.fields.RelayState, 'rs/1+2');
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8');
    const doc = parseXml(xml);
    assert.equal(doc.documentElement.getAttribute('InResponseTo'), '_req_1');
    assert.equal(doc.documentElement.getAttribute('Destination'), ACS);
    assert.equal(text(doc, NS.saml, 'Audience'), SP_ISSUER);
    assert.equal(elements(doc, NS.saml, 'SubjectConfirmationData')[0]!.getAttribute('Recipient'), ACS);
    assert.ok(verifySignature(xml, signaturesOf(xml)[0]!, keys.idp.certificate));

    await request(idp.app).get(`/sso?${octets.replace('rs%2F1', 'rs%2F9')}&Signature=${signature}`).expect(200);
    assert.equal(idp.lastRequest?.signatureValid, false, 'a changed RelayState breaks the query signature');
    await request(idp.app).get(`/sso?SAMLRequest=${encodeURIComponent(Buffer.from(authnRequest()).toString('base64'))}`).expect(400);
  });

  it('HTTP-POST: takes plain base64, rejects a deflated body, verifies an enveloped signature', async () => {
    const idp = newIdp();
    const plain = await request(idp.app).post('/sso').type('form').send({ SAMLRequest: Buffer.from(authnRequest()).toString('base64'), RelayState: 'x' }).expect(200);
    assert.equal(readAutoPostForm(plain.text).fields.RelayState, 'x');
    assert.equal(idp.lastRequest?.binding, 'post');
    assert.equal(idp.lastRequest?.signatureValid, null);
    const deflated = await request(idp.app).post('/sso').type('form').send({ SAMLRequest: deflateRawSync(authnRequest('_req_2')).toString('base64') }).expect(400);
    assert.match(deflated.text, /deflated/);
    assert.equal(idp.requests.length, 1, 'a refused request is not recorded');
    const signedXml = signXml(authnRequest('_req_3'), { elementId: '_req_3', privateKey: keys.sp.privateKey, certificate: keys.sp.certificate });
    await request(idp.app).post('/sso').type('form').send({ SAMLRequest: Buffer.from(signedXml).toString('base64') }).expect(200);
    assert.deepEqual([idp.lastRequest?.id, idp.lastRequest?.signed, idp.lastRequest?.signatureValid], ['_req_3', true, true]);
  });

  it('IdP-initiated: a Response without InResponseTo, addressed to the given ACS and audience', () => {
    const { acsUrl, fields } = newIdp().idpInitiated({ acsUrl: ACS, audience: SP_ISSUER, relayState: 'go' });
    const doc = parseXml(Buffer.from(fields.SAMLResponse, 'base64').toString('utf8'));
    assert.equal(acsUrl, ACS);
    assert.equal(fields.RelayState, 'go');
    assert.equal(doc.documentElement.hasAttribute('InResponseTo'), false);
    assert.equal(text(doc, NS.saml, 'Audience'), SP_ISSUER);
    assert.equal(encodeSamlResponse('<x/>'), 'PHgvPg==');
  });
});

describe('SAML recorded fixtures', () => {
  const dir = new URL('../fixtures/saml/responses/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('each parses, decodes to a Response from idp_entity_id, and (when readable) verifies with keys.idp', () => {
    assert.ok(files.length >= 17, 'fixtures exist: node --import tsx scripts/saml-fixtures.ts');
    for (const file of files) {
      const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      assert.ok(['okta', 'entra', 'google', 'adfs', 'onelogin', 'generic'].includes(fixture.idp), file);
      assert.equal(fixture.issued_at, '2026-06-01T12:00:00.000Z');
      assert.ok(fixture.sp.acs_url === FIXTURE_SP.acsUrl && typeof fixture.expect.idp_id === 'string', file);
      const xml = Buffer.from(fixture.saml_response, 'base64').toString('utf8');
      const doc = parseXml(xml);
      const issuers = Array.from(doc.documentElement.childNodes).filter((n) => (n as Element).localName === 'Issuer');
      assert.equal(issuers[0]?.textContent, fixture.idp_entity_id, file);
      assert.equal(doc.documentElement.getAttribute('InResponseTo') || undefined, fixture.in_response_to, file);
      for (const signature of signaturesOf(xml)) assert.ok(verifySignature(xml, signature, keys.idp.certificate), `${file} signature`);
    }
  });
});
