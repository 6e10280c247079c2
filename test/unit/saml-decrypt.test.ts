// The fast verifier's XML Encryption: it must decrypt byte for byte what xml-encryption (node-saml's
// decrypter, used here only as the oracle) decrypts, and refuse every insecure, unsupported or
// ambiguous input with saml_decryption_failed. Extra inputs are encrypted here with node:crypto.
import assert from 'node:assert/strict';
import { X509Certificate, constants, createCipheriv, createPrivateKey, publicEncrypt, randomBytes, type CipherGCM, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import xmlenc from 'xml-encryption';
import { CheckFailure } from '../../connectors/saml/response/failure.js';
import { decryptAssertion } from '../../connectors/saml/verify/decrypt.js';
import { parseTree, type XmlElement } from '../../connectors/saml/verify/tree.js';
import { keys } from '../support/saml-idp/keys.js';
import { buildSamlResponse } from '../support/saml-idp/response.js';
import { NS, parseXml, serializeXml, type ContentEncryption } from '../support/saml-idp/xml.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const SHA256 = `${XENC}sha256`;
const MGF1P = `${XENC}rsa-oaep-mgf1p`;
const ASSERTION = `<saml:Assertion xmlns:saml="${NS.saml}" ID="_a1"><saml:Issuer>https://idp.test</saml:Issuer><!-- c --> Zoë ✓ &amp; </saml:Assertion>`;

function fixtureXml(name: string): string {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/saml/responses/${name}.json`, import.meta.url), 'utf8')) as { saml_response: string };
  return Buffer.from(fixture.saml_response, 'base64').toString('utf8');
}

/** What node-saml does: serialize the EncryptedAssertion with xmldom and hand it to xml-encryption. */
function oracle(responseXml: string, key = keys.sp.privateKey): Promise<string> {
  const encrypted = serializeXml(parseXml(responseXml).getElementsByTagNameNS(NS.saml, 'EncryptedAssertion').item(0)!);
  return new Promise((resolve, reject) => xmlenc.decrypt(encrypted, { key }, (error, result) => (error ? reject(error) : resolve(result!))));
}

function encryptedAssertionOf(xml: string): XmlElement {
  const tree = parseTree(xml).documentElement;
  return tree.localName === 'EncryptedAssertion' ? tree : tree.getElementsByTagNameNS(NS.saml, 'EncryptedAssertion')[0]!;
}

const CIPHERS: Record<string, { cipher: string; key: number; iv: number }> = {
  [`${XENC}aes128-cbc`]: { cipher: 'aes-128-cbc', key: 16, iv: 16 },
  [`${XENC}aes192-cbc`]: { cipher: 'aes-192-cbc', key: 24, iv: 16 },
  [`${XENC}aes256-cbc`]: { cipher: 'aes-256-cbc', key: 32, iv: 16 },
  [`${XENC11}aes128-gcm`]: { cipher: 'aes-128-gcm', key: 16, iv: 12 },
  [`${XENC11}aes192-gcm`]: { cipher: 'aes-192-gcm', key: 24, iv: 12 },
  [`${XENC11}aes256-gcm`]: { cipher: 'aes-256-gcm', key: 32, iv: 12 },
};

interface Shape {
  data?: string;
  /** Declared in the XML; defaults to `data`. */
  declaredData?: string;
  transport?: string;
  /** Attribute value of ds:DigestMethod; null leaves the element out. */
  digest?: string | null;
  mgf?: string | null;
  /** Hash node:crypto really wraps with. */
  wrapHash?: 'sha1' | 'sha256';
  pkcs1?: boolean;
  contentKey?: Buffer;
  placement?: 'inline' | 'sibling' | 'retrieval' | 'none';
  retrievalUri?: string;
  /** Raw plaintext already padded: CBC is then encrypted without automatic padding. */
  padded?: Buffer;
  type?: string | null;
  certificate?: string;
  extraData?: boolean;
  mutateCiphertext?: (data: Buffer) => Buffer;
}

/** An EncryptedAssertion in whichever layout and algorithms the test asks for. */
function build(shape: Shape = {}): string {
  const data = shape.data ?? `${XENC11}aes256-gcm`;
  const spec = CIPHERS[data]!;
  const contentKey = shape.contentKey ?? randomBytes(spec.key);
  const iv = randomBytes(spec.iv);
  const cipher = createCipheriv(spec.cipher, contentKey, iv);
  if (shape.padded) cipher.setAutoPadding(false);
  const parts = [iv, cipher.update(shape.padded ?? Buffer.from(ASSERTION, 'utf8')), cipher.final()];
  if (spec.cipher.endsWith('gcm')) parts.push((cipher as CipherGCM).getAuthTag());
  const ciphertext = (shape.mutateCiphertext ?? ((b) => b))(Buffer.concat(parts));
  const publicKey = new X509Certificate(shape.certificate ?? keys.sp.certificate).publicKey;
  const padding = shape.pkcs1 ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING;
  const wrapped = publicEncrypt({ key: publicKey, padding, oaepHash: shape.wrapHash ?? 'sha1' }, contentKey).toString('base64');
  const digest = shape.digest === undefined ? SHA1 : shape.digest;
  const method =
    `<xenc:EncryptionMethod Algorithm="${shape.transport ?? MGF1P}">` +
    (digest === null ? '' : `<ds:DigestMethod Algorithm="${digest}"/>`) +
    (shape.mgf ? `<xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${shape.mgf}"/>` : '') +
    `</xenc:EncryptionMethod>`;
  const placement = shape.placement ?? 'inline';
  const encryptedKey = `<xenc:EncryptedKey Id="_k1">${method}<xenc:CipherData><xenc:CipherValue>${wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>`;
  const keyInfo =
    placement === 'inline' ? `<ds:KeyInfo>${encryptedKey}</ds:KeyInfo>`
    : placement === 'retrieval' ? `<ds:KeyInfo><ds:RetrievalMethod Type="${XENC}EncryptedKey" URI="${shape.retrievalUri ?? '#_k1'}"/></ds:KeyInfo>`
    : '';
  const type = shape.type === undefined ? `${XENC}Element` : shape.type;
  const encryptedData =
    `<xenc:EncryptedData${type === null ? '' : ` Type="${type}"`}><xenc:EncryptionMethod Algorithm="${shape.declaredData ?? data}"/>${keyInfo}` +
    `<xenc:CipherData><xenc:CipherValue>\n${ciphertext.toString('base64').replace(/.{76}/g, '$&\n')}\n</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`;
  const siblings = placement === 'sibling' || placement === 'retrieval' ? encryptedKey : '';
  return (
    `<saml:EncryptedAssertion xmlns:saml="${NS.saml}" xmlns:xenc="${XENC}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
    `${encryptedData}${shape.extraData ? encryptedData : ''}${siblings}</saml:EncryptedAssertion>`
  );
}

function decrypt(xml: string, privateKeys: readonly (string | KeyObject)[] = [keys.sp.privateKey]): string {
  return decryptAssertion(encryptedAssertionOf(xml), privateKeys);
}

/** Refused with saml_decryption_failed, and (when given) a detail matching `why`. */
function assertRefused(run: () => unknown, why?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CheckFailure, `expected a CheckFailure, got ${String(error)}`);
    assert.equal(error.code, 'saml_decryption_failed');
    if (why) assert.match(error.detail, why);
    return true;
  });
}

describe('SAML fast verifier: XML decryption', () => {
  for (const name of ['entra-encrypted-cbc', 'okta-encrypted-gcm']) {
    it(`decrypts the ${name} fixture to exactly what xml-encryption returns`, async () => {
      const xml = fixtureXml(name);
      const expected = await oracle(xml);
      assert.ok(expected.includes('Assertion'));
      assert.equal(decryptAssertion(encryptedAssertionOf(xml), [keys.sp.privateKey]), expected);
      assert.equal(decryptAssertion(encryptedAssertionOf(xml), [createPrivateKey(keys.sp.privateKey)]), expected);
    });
  }

  for (const algorithm of ['aes128-cbc', 'aes256-cbc', 'aes128-gcm', 'aes256-gcm'] as ContentEncryption[]) {
    it(`agrees with xml-encryption on a test IdP response encrypted with ${algorithm}`, async () => {
      const xml = buildSamlResponse({ encrypt: { certificate: keys.sp.certificate, algorithm } });
      assert.equal(decrypt(xml), await oracle(xml));
    });
  }

  it('decrypts the algorithms xml-encryption lacks: AES-192, xmlenc11 rsa-oaep (sha1 and sha256 pairs)', () => {
    for (const data of [`${XENC}aes192-cbc`, `${XENC11}aes192-gcm`]) assert.equal(decrypt(build({ data })), ASSERTION);
    assert.equal(decrypt(buildSamlResponse({ encrypt: { certificate: keys.sp.certificate, keyTransport: 'rsa-oaep' } })).includes('Assertion'), true);
    const oaep11 = `${XENC11}rsa-oaep`;
    assert.equal(decrypt(build({ transport: oaep11, digest: null, mgf: null })), ASSERTION);
    assert.equal(decrypt(build({ transport: oaep11, digest: SHA256, mgf: `${XENC11}mgf1sha256`, wrapHash: 'sha256' })), ASSERTION);
    assert.equal(decrypt(build({ transport: MGF1P, digest: null })), ASSERTION);
  });

  it('refuses OAEP hash pairs node:crypto cannot do, and unknown digests', () => {
    const oaep11 = `${XENC11}rsa-oaep`;
    assertRefused(() => decrypt(build({ transport: oaep11, digest: SHA256, mgf: null, wrapHash: 'sha256' })), /MGF1-sha1.*node:crypto/);
    assertRefused(() => decrypt(build({ transport: oaep11, digest: null, mgf: `${XENC11}mgf1sha256` })), /node:crypto/);
    assertRefused(() => decrypt(build({ transport: MGF1P, digest: SHA256, wrapHash: 'sha256' })), /sha256 and MGF1-sha1/);
    assertRefused(() => decrypt(build({ digest: 'http://www.w3.org/2000/09/xmldsig#sha256' })), /DigestMethod algorithm .* not supported/);
    assertRefused(() => decrypt(build({ transport: oaep11, mgf: `${XENC11}mgf1sha512` })), /MGF algorithm/);
  });

  it('tries the keys in order: a wrong key alone is refused, [wrong, right] works', () => {
    const xml = build();
    assertRefused(() => decrypt(xml, [keys.attacker.privateKey]), /none of the 1 SP decryption keys/);
    assertRefused(() => decrypt(xml, []), /none of the 0/);
    assert.equal(decrypt(xml, [keys.attacker.privateKey, keys.sp.privateKey]), ASSERTION);
    assert.equal(decrypt(xml, ['not a key', createPrivateKey(keys.attacker.privateKey), createPrivateKey(keys.sp.privateKey)]), ASSERTION);
    const fixture = fixtureXml('okta-encrypted-gcm');
    assert.ok(decrypt(fixture, [keys.idp.privateKey, keys.sp.privateKey]).includes('Assertion'));
  });

  it('refuses a GCM ciphertext or tag with any flipped byte', () => {
    for (const at of [12, 40, -17, -1]) {
      const flip = (b: Buffer) => {
        const copy = Buffer.from(b);
        copy[at < 0 ? copy.length + at : at]! ^= 0x01;
        return copy;
      };
      assertRefused(() => decrypt(build({ mutateCiphertext: flip })), /authentication tag/);
    }
    assertRefused(() => decrypt(build({ mutateCiphertext: (b) => b.subarray(0, 27) })), /too short/);
  });

  it('on a tampered CBC ciphertext either refuses or yields other plaintext, and never throws anything else', () => {
    const xml = build({ data: `${XENC}aes256-cbc` });
    const value = /<xenc:CipherValue>([^<]+)<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/.exec(xml)![1]!;
    const bytes = Buffer.from(value.replace(/\s/g, ''), 'base64');
    let refused = 0;
    for (let at = 0; at < bytes.length; at++) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x80;
      try {
        assert.notEqual(decrypt(xml.replace(value, copy.toString('base64'))), ASSERTION);
      } catch (error) {
        assert.ok(error instanceof CheckFailure && error.code === 'saml_decryption_failed', String(error));
        refused++;
      }
    }
    assert.ok(refused > 0, 'a flipped last-block byte breaks the padding length or the UTF-8');
  });

  it('strips XML-Enc CBC padding by its last byte only, and checks that byte is 1..16', () => {
    const body = Buffer.from(ASSERTION, 'utf8');
    const padTo = (last: number) => {
      const fill = 16 - (body.length % 16);
      return Buffer.concat([body, randomBytes(fill - 1), Buffer.from([last])]);
    };
    const fill = 16 - (body.length % 16);
    assert.equal(decrypt(build({ data: `${XENC}aes128-cbc`, padded: padTo(fill) })), ASSERTION);
    assertRefused(() => decrypt(build({ data: `${XENC}aes128-cbc`, padded: padTo(0) })), /padding length 0/);
    assertRefused(() => decrypt(build({ data: `${XENC}aes128-cbc`, padded: padTo(17) })), /padding length 17/);
    assertRefused(() => decrypt(build({ data: `${XENC}aes128-cbc`, mutateCiphertext: (b) => b.subarray(0, b.length - 1) })), /invalid length/);
  });

  it('refuses RSA PKCS#1 v1.5 key transport, and unknown or insecure algorithms', () => {
    assertRefused(() => decrypt(build({ transport: `${XENC}rsa-1_5`, pkcs1: true, digest: null })), /PKCS#1 v1\.5.*Bleichenbacher/);
    assertRefused(() => decrypt(build({ transport: `${XENC}kw-aes128` })), /key transport algorithm .* not supported/);
    assertRefused(() => decrypt(build({ declaredData: `${XENC}tripledes-cbc` })), /triple-DES/);
    assertRefused(() => decrypt(build({ declaredData: 'http://example.test/aes-ctr' })), /content encryption algorithm .* not supported/);
    assertRefused(() => decrypt(build({ declaredData: 'constructor' })), /not supported/);
  });

  it('refuses an unwrapped key whose length does not fit the data algorithm', () => {
    const xml = build({ data: `${XENC11}aes128-gcm`, declaredData: `${XENC11}aes256-gcm` });
    assertRefused(() => decrypt(xml), /16 bytes, aes-256-gcm needs 32/);
  });

  it('finds the EncryptedKey inline, beside EncryptedData, or by RetrievalMethod to the sibling', () => {
    for (const placement of ['inline', 'sibling', 'retrieval'] as const) assert.equal(decrypt(build({ placement })), ASSERTION, placement);
    assertRefused(() => decrypt(build({ placement: 'retrieval', retrievalUri: '#_other' })), /does not name the sibling/);
    assertRefused(() => decrypt(build({ placement: 'retrieval', retrievalUri: 'https://evil.test/key.xml' })), /does not name the sibling/);
    assertRefused(() => decrypt(build({ placement: 'none' })), /exactly one xenc:EncryptedKey.*found 0/);
    const twoKeys = build({ placement: 'inline' }).replace('</saml:EncryptedAssertion>', `${/<xenc:EncryptedKey[\s\S]*?<\/xenc:EncryptedKey>/.exec(build())![0]}</saml:EncryptedAssertion>`);
    assertRefused(() => decrypt(twoKeys), /found 2/);
  });

  it('refuses two EncryptedData, a non-Element Type, CipherReference and malformed or oversized base64', () => {
    assertRefused(() => decrypt(build({ extraData: true })), /exactly one xenc:EncryptedData.*found 2/);
    assert.equal(decrypt(build({ type: null })), ASSERTION);
    assertRefused(() => decrypt(build({ type: `${XENC}Content` })), /Type .* not supported/);
    const xml = build();
    assertRefused(() => decrypt(xml.replace(/<xenc:CipherData><xenc:CipherValue>\n/, '<xenc:CipherData><xenc:CipherReference URI="x"/><xenc:CipherValue>\n')), /CipherReference/);
    assertRefused(() => decrypt(xml.replace(/<xenc:CipherValue>\n/, '<xenc:CipherValue>\n$')), /not well-formed base64/);
    assertRefused(() => decrypt(xml.replace(/==?<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedKey>/, '</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>')), /not well-formed base64/);
    assertRefused(() => decrypt(xml.replace(/<xenc:CipherValue>\n/, `<xenc:CipherValue>\n${'A'.repeat(1 << 20)}`)), /longer than/);
    assertRefused(() => decrypt(`<EncryptedAssertion xmlns="urn:other">${xml}</EncryptedAssertion>`), /expected saml:EncryptedAssertion/);
  });
});
