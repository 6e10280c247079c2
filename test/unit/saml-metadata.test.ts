import assert from 'node:assert/strict';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import {
  certificateBody,
  describeCertificate,
  EXPIRY_WARNING_DAYS,
  normalizeCertificate,
  publicKeyOf,
} from '../../connectors/shared/certificates.js';
import { MAX_METADATA_BYTES, parseIdpMetadata } from '../../connectors/saml/idp-metadata.js';
import { assertKeyMatchesCertificate } from '../../connectors/saml/sp-keys.js';
import { CERT_VALIDITY_YEARS, generateOwnedKeyPair } from '../../connectors/shared/self-signed.js';
import { buildSpMetadata, escapeXml } from '../../connectors/saml/sp-metadata.js';
import { childrenNS, NS } from '../../connectors/saml/xml.js';
import { InvalidRequest } from '../../src/errors.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);

// Real keys and certificates: the IdP samples below embed them, so the parser's certificate
// checks run against the real thing, not a placeholder string.
const sp = generateOwnedKeyPair('gatehouse.example.test', T0);
const idpA = generateOwnedKeyPair('idp-signing-a', T0);
const idpB = generateOwnedKeyPair('idp-signing-b', T0);
const idpEnc = generateOwnedKeyPair('idp-encryption', T0);
const A = certificateBody(idpA.certificate);
const B = certificateBody(idpB.certificate);
const ENC = certificateBody(idpEnc.certificate);
const SIG = certificateBody(sp.certificate); // stands in for a metadata-signing certificate

/** Wrapped at 76 like a MIME encoder (Okta, ADFS exports), with indentation. */
const wrapped = (body: string) => `\n          ${(body.match(/.{1,76}/g) ?? []).join('\n          ')}\n        `;

function refusal(fn: () => unknown, code: string, message?: RegExp): InvalidRequest {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InvalidRequest, `expected InvalidRequest, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (message) assert.match(caught.message, message);
  return caught;
}

const metadataRefusal = (xml: string, message: RegExp, options?: { allowInsecure: boolean }) =>
  refusal(() => parseIdpMetadata(xml, options), 'saml_metadata_invalid', message);

const OKTA_SSO = 'https://dev-123456.okta.com/app/dev-123456_gatehouse_1/exk1abcdEFGH2345/sso/saml';
const okta = (parts: { keys?: string; sso?: string; prolog?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>${parts.prolog ?? ''}
<md:EntityDescriptor entityID="http://www.okta.com/exk1abcdEFGH2345" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${parts.keys ?? `<md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>${wrapped(A)}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>`}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    ${parts.sso ?? `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${OKTA_SSO}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${OKTA_SSO}"/>`}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

const signatureBlock = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>
    <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
    <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
    <Reference URI="#_e1f2"><DigestValue>AAAA</DigestValue></Reference></SignedInfo>
    <SignatureValue>AAAA</SignatureValue>
    <KeyInfo><X509Data><X509Certificate>${SIG}</X509Certificate></X509Data></KeyInfo></Signature>`;

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const entra = `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_e1f2" entityID="https://sts.windows.net/${TENANT}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${signatureBlock}
  <RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${SIG}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>https://login.microsoftonline.com/${TENANT}/wsfed</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint>
  </RoleDescriptor>
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${A}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${B}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
  </IDPSSODescriptor>
</EntityDescriptor>`;

const adfsKey = (use: string, body: string) =>
  `<KeyDescriptor use="${use}"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${wrapped(body)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`;
const adfs = `<?xml version="1.0" encoding="utf-8"?>
<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2020-01-01T00:00:00Z" Name="contoso">
  <EntityDescriptor ID="_9b2c" entityID="http://adfs.contoso.com/adfs/services/trust">${signatureBlock}
    <RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">
      ${adfsKey('signing', SIG)}
    </RoleDescriptor>
    <RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">
      ${adfsKey('signing', SIG)}
    </RoleDescriptor>
    <SPSSODescriptor WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      ${adfsKey('encryption', SIG)}
      <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://adfs.contoso.com/adfs/ls/" index="0" isDefault="true"/>
    </SPSSODescriptor>
    <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      ${adfsKey('encryption', ENC)}
      ${adfsKey('signing', A)}
      <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
      <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
      <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>
      <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://adfs.contoso.com/adfs/ls/"/>
      <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://adfs.contoso.com/adfs/ls/"/>
    </IDPSSODescriptor>
  </EntityDescriptor>
  <EntityDescriptor entityID="https://wiki.contoso.com/sp">
    <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://wiki.contoso.com/acs" index="0"/>
    </SPSSODescriptor>
  </EntityDescriptor>
</EntitiesDescriptor>`;

const shibboleth = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Shibboleth IdP v5 generated metadata -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" validUntil="2031-01-01T00:00:00Z" entityID="https://idp.example.edu/idp/shibboleth">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="1" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0">
    <md:Extensions>
      <shibmd:Scope regexp="false">example.edu</shibmd:Scope>
      <mdui:UIInfo><mdui:DisplayName xml:lang="en">Example University</mdui:DisplayName></mdui:UIInfo>
    </md:Extensions>
    <md:KeyDescriptor>
      <ds:KeyInfo><ds:KeyName>idp.example.edu</ds:KeyName><ds:X509Data><ds:X509Certificate>${wrapped(A)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${A}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:KeyDescriptor use="encryption">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${ENC}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example.edu:8443/idp/profile/SAML2/SOAP/ArtifactResolution" index="2"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:mace:shibboleth:1.0:profiles:AuthnRequest" Location="https://idp.example.edu/idp/profile/Shibboleth/SSO"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.edu/idp/profile/SAML2/POST/SSO"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign" Location="https://idp.example.edu/idp/profile/SAML2/POST-SimpleSign/SSO"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.edu/idp/profile/SAML2/Redirect/SSO?x=1&amp;y=2"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

describe('SAML SP key pair', () => {
  const cert = new X509Certificate(sp.certificate);

  it('is a self-signed certificate for the named SP, valid for five years from a minute ago', () => {
    assert.equal(cert.subject, 'CN=gatehouse.example.test\nO=Gatehouse');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey), 'signed by its own key');
    assert.equal(new Date(cert.validFrom).toISOString(), '2026-03-01T11:59:00.000Z');
    assert.equal(new Date(cert.validTo).toISOString(), `${2026 + CERT_VALIDITY_YEARS}-03-01T12:00:00.000Z`);
    assert.match(sp.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('signs with sha256WithRSAEncryption, has a 16-byte positive serial and the key usages IdPs expect', () => {
    const der = cert.raw.toString('hex');
    assert.ok(der.includes('06092a864886f70d01010b'), 'sha256WithRSAEncryption OID');
    assert.match(cert.serialNumber, /^[0-7][0-9A-F]{31}$/);
    // keyUsage, critical, digitalSignature + keyEncipherment (bits 0 and 2: 0xa0, 5 unused bits)
    assert.ok(der.includes('0603551d0f0101ff0404030205a0'), 'keyUsage extension');
    assert.notEqual(generateOwnedKeyPair('x', T0).certificate.split('\n')[1], sp.certificate.split('\n')[1], 'fresh serial and key');
  });

  it('carries the private key that matches the certificate, and refuses a mismatched pair', () => {
    const fromPrivate = createPublicKey(sp.private_key).export({ type: 'spki', format: 'der' });
    assert.deepEqual(fromPrivate, publicKeyOf(sp.certificate).export({ type: 'spki', format: 'der' }));
    assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assertKeyMatchesCertificate(sp.private_key, sp.certificate);
    refusal(() => assertKeyMatchesCertificate(idpA.private_key, sp.certificate), 'saml_sp_key_invalid', /does not belong/);
    refusal(() => assertKeyMatchesCertificate('not a key', sp.certificate), 'saml_sp_key_invalid', /not an unencrypted PEM private key/);
  });

  it('truncates a long common name to 64 characters and keeps non-ASCII intact', () => {
    const long = new X509Certificate(generateOwnedKeyPair(`é_${'a'.repeat(100)}`, T0).certificate);
    assert.equal(long.subject, `CN=é_${'a'.repeat(62)}\nO=Gatehouse`);
  });
});

describe('SAML SP metadata', () => {
  const next = generateOwnedKeyPair('gatehouse.example.test', T0).certificate;
  const input = {
    entityId: 'https://sso.example.test/saml/conn_01',
    acsUrl: 'https://sso.example.test/saml/conn_01/acs',
    certificates: [sp.certificate, next],
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
  };
  const parse = (xml: string) => {
    const doc = new DOMParser({ errorHandler: (level: string, msg: unknown) => assert.fail(`${level}: ${String(msg)}`) }).parseFromString(xml, 'text/xml');
    return doc.documentElement as unknown as Element;
  };

  it('is an EntityDescriptor with one SPSSODescriptor in schema order', () => {
    const root = parse(buildSpMetadata(input));
    assert.equal(root.namespaceURI, NS.md);
    assert.equal(root.localName, 'EntityDescriptor');
    assert.equal(root.getAttribute('entityID'), input.entityId);
    const [descriptor, ...others] = childrenNS(root, NS.md, 'SPSSODescriptor');
    assert.ok(descriptor);
    assert.equal(others.length, 0);
    assert.equal(descriptor.getAttribute('protocolSupportEnumeration'), 'urn:oasis:names:tc:SAML:2.0:protocol');
    assert.equal(descriptor.getAttribute('AuthnRequestsSigned'), 'true');
    assert.equal(descriptor.getAttribute('WantAssertionsSigned'), 'true');
    const order = Array.from(descriptor.childNodes).filter((n) => n.nodeType === 1).map((n) => (n as Element).localName);
    assert.deepEqual(order, ['KeyDescriptor', 'KeyDescriptor', 'KeyDescriptor', 'KeyDescriptor', 'NameIDFormat', 'NameIDFormat', 'NameIDFormat', 'AssertionConsumerService']);
  });

  it('publishes each certificate for signing and for encryption, current first', () => {
    const descriptor = childrenNS(parse(buildSpMetadata(input)), NS.md, 'SPSSODescriptor')[0];
    const keys = childrenNS(descriptor, NS.md, 'KeyDescriptor');
    assert.deepEqual(keys.map((k) => k.getAttribute('use')), ['signing', 'encryption', 'signing', 'encryption']);
    const bodies = keys.map((k) => k.getElementsByTagNameNS(NS.ds, 'X509Certificate')[0]?.textContent);
    assert.deepEqual(bodies, [certificateBody(sp.certificate), certificateBody(sp.certificate), certificateBody(next), certificateBody(next)]);
    const methods = childrenNS(keys[1], NS.md, 'EncryptionMethod').map((m) => m.getAttribute('Algorithm'));
    assert.deepEqual(methods, [
      'http://www.w3.org/2009/xmlenc11#aes256-gcm',
      'http://www.w3.org/2009/xmlenc11#aes128-gcm',
      'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
      'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    ]);
    assert.equal(childrenNS(keys[0], NS.md, 'EncryptionMethod').length, 0);
    const once = childrenNS(parse(buildSpMetadata({ ...input, certificates: [sp.certificate, sp.certificate] })), NS.md, 'SPSSODescriptor')[0];
    assert.equal(childrenNS(once, NS.md, 'KeyDescriptor').length, 2, 'the same certificate twice is published once');
  });

  it('has exactly one default HTTP-POST AssertionConsumerService and the default NameID formats', () => {
    const descriptor = childrenNS(parse(buildSpMetadata({ ...input, authnRequestsSigned: false })), NS.md, 'SPSSODescriptor')[0];
    assert.equal(descriptor?.getAttribute('AuthnRequestsSigned'), 'false');
    const [acs, ...more] = childrenNS(descriptor, NS.md, 'AssertionConsumerService');
    assert.equal(more.length, 0);
    assert.equal(acs?.getAttribute('Binding'), 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    assert.equal(acs?.getAttribute('Location'), input.acsUrl);
    assert.equal(acs?.getAttribute('index'), '0');
    assert.equal(acs?.getAttribute('isDefault'), 'true');
    assert.deepEqual(childrenNS(descriptor, NS.md, 'NameIDFormat').map((f) => f.textContent), [
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ]);
  });

  it('escapes hostile values in attributes and text', () => {
    const hostile = 'https://x/"><evil/>';
    const xml = buildSpMetadata({ ...input, entityId: hostile, acsUrl: `${hostile}'&`, organizationName: `<evil/> & "Co" 'n'\n`, nameIdFormats: ['<evil/>'] });
    const root = parse(xml);
    assert.equal(root.getElementsByTagName('evil').length, 0);
    assert.equal(root.getAttribute('entityID'), hostile);
    assert.equal(root.getElementsByTagNameNS(NS.md, 'AssertionConsumerService')[0]?.getAttribute('Location'), `${hostile}'&`);
    assert.equal(root.getElementsByTagNameNS(NS.md, 'OrganizationName')[0]?.textContent, `<evil/> & "Co" 'n'`);
    assert.equal(root.getElementsByTagNameNS(NS.md, 'NameIDFormat')[0]?.textContent, '<evil/>');
    assert.equal(escapeXml('a\nb'), 'a&#xA;b');
    assert.throws(() => escapeXml('nul\u0000'), TypeError);
  });

  it('puts Organization after the SPSSODescriptor, with the gateway origin as its URL', () => {
    const root = parse(buildSpMetadata({ ...input, organizationName: 'Acme' }));
    const order = Array.from(root.childNodes).filter((n) => n.nodeType === 1).map((n) => (n as Element).localName);
    assert.deepEqual(order, ['SPSSODescriptor', 'Organization']);
    assert.equal(root.getElementsByTagNameNS(NS.md, 'OrganizationURL')[0]?.textContent, 'https://sso.example.test/');
    assert.equal(parse(buildSpMetadata(input)).getElementsByTagNameNS(NS.md, 'Organization').length, 0);
  });

  it('is refused as IdP metadata, with a message that says what it is', () => {
    metadataRefusal(buildSpMetadata(input), /looks like service-provider metadata/);
  });
});

describe('SAML IdP metadata', () => {
  const pem = (body: string) => normalizeCertificate(body);

  it('reads Okta-style metadata: one wrapped certificate, Redirect and POST', () => {
    assert.deepEqual(parseIdpMetadata(okta()), {
      entityId: 'http://www.okta.com/exk1abcdEFGH2345',
      ssoUrls: { redirect: OKTA_SSO, post: OKTA_SSO },
      certificates: [idpA.certificate],
      wantAuthnRequestsSigned: false,
      nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    });
  });

  it('reads Entra-style metadata: both rollover certificates, not the ones of the signature or the WS-Fed role', () => {
    const metadata = parseIdpMetadata(entra);
    assert.equal(metadata.entityId, `https://sts.windows.net/${TENANT}/`);
    assert.deepEqual(metadata.certificates, [pem(A), pem(B)]);
    assert.equal(metadata.wantAuthnRequestsSigned, false);
    assert.deepEqual(metadata.ssoUrls, { redirect: `https://login.microsoftonline.com/${TENANT}/saml2`, post: `https://login.microsoftonline.com/${TENANT}/saml2` });
    assert.deepEqual(metadata.nameIdFormats, []);
    assert.equal(metadata.validUntil, undefined);
  });

  it('reads ADFS-style metadata: the single IdP inside an EntitiesDescriptor, signing keys only', () => {
    const metadata = parseIdpMetadata(adfs);
    assert.equal(metadata.entityId, 'http://adfs.contoso.com/adfs/services/trust');
    assert.deepEqual(metadata.certificates, [pem(A)], 'the use="encryption" key is not a signing key');
    assert.deepEqual(metadata.ssoUrls, { redirect: 'https://adfs.contoso.com/adfs/ls/', post: 'https://adfs.contoso.com/adfs/ls/' });
    assert.equal(metadata.nameIdFormats.length, 3);
    assert.equal(metadata.validUntil, '2020-01-01T00:00:00.000Z', 'reported from the wrapper, and not enforced');
  });

  it('reads Shibboleth-style md:-prefixed metadata: a KeyDescriptor without use signs, duplicates collapse', () => {
    const metadata = parseIdpMetadata(shibboleth);
    assert.equal(metadata.entityId, 'https://idp.example.edu/idp/shibboleth');
    assert.deepEqual(metadata.certificates, [pem(A)]);
    assert.equal(metadata.wantAuthnRequestsSigned, true);
    assert.deepEqual(metadata.ssoUrls, {
      redirect: 'https://idp.example.edu/idp/profile/SAML2/Redirect/SSO?x=1&y=2',
      post: 'https://idp.example.edu/idp/profile/SAML2/POST/SSO',
    });
    assert.deepEqual(metadata.nameIdFormats, ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient']);
    assert.equal(metadata.validUntil, '2031-01-01T00:00:00.000Z');
  });

  it('refuses a DOCTYPE or an ENTITY declaration before parsing', () => {
    metadataRefusal(okta({ prolog: '<!DOCTYPE md:EntityDescriptor [<!ENTITY x "y">]>' }), /DOCTYPE or ENTITY declaration/);
    metadataRefusal(okta({ prolog: '<!doctype md:EntityDescriptor SYSTEM "http://attacker.test/x.dtd">' }), /DOCTYPE or ENTITY declaration/);
    metadataRefusal(okta({ prolog: '<!ENTITY lol "lol">' }), /DOCTYPE or ENTITY declaration/);
    metadataRefusal('<!DOCTYPE html><html><body>Sign in</body></html>', /HTML web page/);
  });

  it('refuses metadata without a signing certificate', () => {
    metadataRefusal(okta({ keys: '' }), /^This metadata has no signing certificate$/);
    const encryptionOnly = `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${A}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    metadataRefusal(okta({ keys: encryptionOnly }), /no signing certificate/);
    const broken = `<md:KeyDescriptor><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    metadataRefusal(okta({ keys: broken }), /Signing certificate 1 in this metadata is not a valid X\.509 certificate/);
  });

  it('refuses metadata with no usable SingleSignOnService', () => {
    const soapOnly = `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="${OKTA_SSO}"/>`;
    metadataRefusal(okta({ sso: soapOnly }), /^This metadata has no HTTP-Redirect or HTTP-POST SingleSignOnService$/);
  });

  it('refuses an http or relative SSO URL unless insecure URLs are allowed', () => {
    const http = `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://localhost:7000/sso"/>`;
    metadataRefusal(okta({ sso: http }), /HTTP-Redirect SingleSignOnService Location "http:\/\/localhost:7000\/sso" is not an absolute https URL/);
    assert.deepEqual(parseIdpMetadata(okta({ sso: http }), { allowInsecure: true }).ssoUrls, { redirect: 'http://localhost:7000/sso' });
    const relative = `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="/sso"/>`;
    metadataRefusal(okta({ sso: relative }), /HTTP-POST SingleSignOnService Location "\/sso" is not an absolute http\(s\) URL/, { allowInsecure: true });
    const script = `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="javascript:alert(1)"/>`;
    metadataRefusal(okta({ sso: script }), /not an absolute http\(s\) URL/, { allowInsecure: true });
  });

  it('refuses oversized metadata before parsing, counting bytes not characters', () => {
    const error = metadataRefusal(`<a>${' '.repeat(MAX_METADATA_BYTES)}</a>`, /too large/);
    assert.equal(error.status, 413);
    // Under the limit in characters, over it in UTF-8 bytes; and not even XML, so only the cap can refuse it.
    metadataRefusal('é'.repeat(MAX_METADATA_BYTES / 2 + 1), /too large/);
  });

  it('refuses what is not XML or not SAML metadata', () => {
    metadataRefusal('', /empty or is not XML/);
    metadataRefusal('hello', /empty or is not XML/);
    metadataRefusal('{"entityID": "x"}', /empty or is not XML/);
    metadataRefusal(okta().slice(0, 400), /not well-formed XML \(near line \d+\)/);
    metadataRefusal(`${okta()}<md:EntityDescriptor/>`, /not well-formed XML/);
    metadataRefusal(`${okta()} trailing words`, /text outside the root element/);
    metadataRefusal('<html><body>Sign in</body></html>', /^This is not SAML metadata \(expected an EntityDescriptor, found an HTML page\)$/);
    metadataRefusal('<EntityDescriptor entityID="x"/>', /not in the urn:oasis:names:tc:SAML:2\.0:metadata namespace/);
    metadataRefusal(`<EntitiesDescriptor xmlns="${NS.md}"/>`, /lists no EntityDescriptor/);
  });

  it('refuses a feed with two identity providers', () => {
    const inner = (xml: string) => xml.replace(/^<\?xml[^>]*\?>/, '');
    const feed = `<md:EntitiesDescriptor xmlns:md="${NS.md}">${inner(okta())}<md:EntitiesDescriptor>${inner(shibboleth)}</md:EntitiesDescriptor></md:EntitiesDescriptor>`;
    metadataRefusal(feed, /describes 2 identity providers.*paste the metadata of your single identity provider/);
  });

  it('refuses an IdP descriptor without SAML 2.0 or an EntityDescriptor without an entityID', () => {
    metadataRefusal(okta().replace('protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"', 'protocolSupportEnumeration="urn:mace:shibboleth:1.0"'), /does not support SAML 2\.0/);
    metadataRefusal(okta().replace('entityID="http://www.okta.com/exk1abcdEFGH2345"', ''), /no entityID/);
  });
});

describe('SAML certificates', () => {
  const canonical = idpA.certificate;

  it('round-trips PEM, CRLF PEM and bare base64 with whitespace anywhere to one canonical PEM', () => {
    assert.equal(normalizeCertificate(canonical), canonical);
    assert.equal(normalizeCertificate(canonical.replace(/\n/g, '\r\n')), canonical);
    assert.equal(normalizeCertificate(`Bag Attributes\n  friendlyName: idp\n${canonical}`), canonical);
    assert.equal(normalizeCertificate(wrapped(A)), canonical);
    assert.equal(normalizeCertificate(` ${A.slice(0, 10)} \n\t${A.slice(10)} `), canonical);
    const lines = canonical.trimEnd().split('\n');
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.equal(lines.at(-1), '-----END CERTIFICATE-----');
    assert.ok(lines.slice(1, -2).every((line) => line.length === 64));
  });

  it('refuses a private key without echoing it, other PEM types, chains and garbage', () => {
    const error = refusal(() => normalizeCertificate(sp.private_key), 'saml_certificate_invalid', /private key, not a certificate/);
    assert.ok(!error.message.includes(sp.private_key.split('\n')[1] ?? '-'), 'the key is not echoed');
    const publicPem = createPublicKey(sp.private_key).export({ type: 'spki', format: 'pem' }).toString();
    refusal(() => normalizeCertificate(publicPem), 'saml_certificate_invalid', /^This is not an X\.509 certificate \(expected -----BEGIN CERTIFICATE-----\)$/);
    refusal(() => normalizeCertificate(`${canonical}${idpB.certificate}`), 'saml_certificate_invalid', /holds 2 certificates/);
    refusal(() => normalizeCertificate('not a certificate!'), 'saml_certificate_invalid', /not an X\.509 certificate/);
    refusal(() => normalizeCertificate(Buffer.from('hello world').toString('base64')), 'saml_certificate_invalid', /could not be decoded/);
    refusal(() => normalizeCertificate('  \n '), 'saml_certificate_invalid', /empty/);
  });

  it('describes fingerprint, subject and validity', () => {
    const summary = describeCertificate(canonical, T0);
    const digest = createHash('sha256').update(new X509Certificate(canonical).raw).digest('hex').toUpperCase();
    assert.equal(summary.fingerprint_sha256, digest.match(/../g)?.join(':'));
    assert.equal(summary.subject, 'CN=idp-signing-a, O=Gatehouse');
    assert.equal(summary.not_before, '2026-03-01T11:59:00.000Z');
    assert.equal(summary.not_after, '2031-03-01T12:00:00.000Z');
    assert.deepEqual([summary.expired, summary.expires_soon], [false, false]);
  });

  it('warns within 30 days of expiry and reports expiry after notAfter', () => {
    const notAfter = at('2031-03-01T12:00:00.000Z').getTime();
    const state = (ms: number) => {
      const { expired, expires_soon } = describeCertificate(canonical, new Date(ms));
      return { expired, expires_soon };
    };
    assert.equal(EXPIRY_WARNING_DAYS, 30);
    assert.deepEqual(state(notAfter - 30 * DAY - 1000), { expired: false, expires_soon: false });
    assert.deepEqual(state(notAfter - 30 * DAY), { expired: false, expires_soon: true });
    assert.deepEqual(state(notAfter - 1000), { expired: false, expires_soon: true });
    assert.deepEqual(state(notAfter), { expired: false, expires_soon: true }, 'notAfter itself is still valid');
    assert.deepEqual(state(notAfter + 1000), { expired: true, expires_soon: false });
  });
});
