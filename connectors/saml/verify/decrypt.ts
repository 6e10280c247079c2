// XML Encryption for saml:EncryptedAssertion with node:crypto alone: one EncryptedData (AES-CBC or
// AES-GCM) whose content key is RSA-OAEP-wrapped to one of our SP keys. It reads exactly the
// layout node-saml's xml-encryption reads, and refuses the rest instead of guessing: RSA PKCS#1
// v1.5 (a Bleichenbacher oracle), OAEP hash combinations node:crypto cannot express, RetrievalMethod
// to anything but the sibling EncryptedKey, and ambiguity (two EncryptedData or two EncryptedKeys).
// CBC is unauthenticated: the assertion's own signature, checked afterwards, is what protects it.
import { constants, createDecipheriv, privateDecrypt, type CipherGCMTypes, type KeyObject } from 'node:crypto';
import { fail } from '../response/failure.js';
import type { XmlElement } from './tree.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

// Maps, not object literals: an attacker-chosen URI such as "constructor" must not find anything.
type DataAlgorithm = { cipher: string; keyLength: number; gcm: boolean };
const DATA_ALGORITHMS = new Map<string, DataAlgorithm>([
  [`${XENC}aes128-cbc`, { cipher: 'aes-128-cbc', keyLength: 16, gcm: false }],
  [`${XENC}aes192-cbc`, { cipher: 'aes-192-cbc', keyLength: 24, gcm: false }],
  [`${XENC}aes256-cbc`, { cipher: 'aes-256-cbc', keyLength: 32, gcm: false }],
  [`${XENC11}aes128-gcm`, { cipher: 'aes-128-gcm', keyLength: 16, gcm: true }],
  [`${XENC11}aes192-gcm`, { cipher: 'aes-192-gcm', keyLength: 24, gcm: true }],
  [`${XENC11}aes256-gcm`, { cipher: 'aes-256-gcm', keyLength: 32, gcm: true }],
]);
const RSA_OAEP_MGF1P = `${XENC}rsa-oaep-mgf1p`;
const RSA_OAEP = `${XENC11}rsa-oaep`;
const REFUSED = new Map([
  [`${XENC}rsa-1_5`, 'RSA PKCS#1 v1.5 key transport is refused (Bleichenbacher padding oracle); the IdP must use RSA-OAEP'],
  [`${XENC}tripledes-cbc`, 'triple-DES content encryption is refused as insecure; the IdP must use AES-GCM or AES-CBC'],
]);
type Hash = 'sha1' | 'sha256';
const OAEP_DIGESTS = new Map<string, Hash>([[`${DS}sha1`, 'sha1'], [`${XENC}sha256`, 'sha256']]);
const MGF_HASHES = new Map<string, Hash>([[`${XENC11}mgf1sha1`, 'sha1'], [`${XENC11}mgf1sha256`, 'sha256']]);

/** Base64 characters, whitespace excluded: 1 MiB of ciphertext is far beyond any assertion. */
export const MAX_CIPHERTEXT_BASE64 = 1 << 20;
const MAX_WRAPPED_KEY_BASE64 = 2048; // an RSA-8192 block is 1368 characters
const GCM_IV = 12;
const GCM_TAG = 16;
const CBC_BLOCK = 16;

const refuse = (detail: string): never => fail('saml_decryption_failed', detail);

/** The plaintext saml:Assertion XML; keys are tried in order (current SP key, then a staged next one). */
export function decryptAssertion(encryptedAssertion: XmlElement, privateKeys: readonly (string | KeyObject)[]): string {
  if (encryptedAssertion.namespaceURI !== SAML || encryptedAssertion.localName !== 'EncryptedAssertion') refuse(`expected saml:EncryptedAssertion, got ${encryptedAssertion.tagName}`);
  const data = only(children(encryptedAssertion, XENC, 'EncryptedData'), 'xenc:EncryptedData in the EncryptedAssertion');
  const type = data.getAttribute('Type');
  if (type !== null && type !== `${XENC}Element`) refuse(`EncryptedData Type ${type} is not supported (only Element)`);
  const algorithm = dataAlgorithm(data);
  const encryptedKey = findEncryptedKey(encryptedAssertion, data);
  const oaepHash = keyTransportHash(encryptedKey);
  const wrapped = base64(cipherValue(encryptedKey, 'EncryptedKey'), MAX_WRAPPED_KEY_BASE64, 'the EncryptedKey CipherValue');
  const ciphertext = base64(cipherValue(data, 'EncryptedData'), MAX_CIPHERTEXT_BASE64, 'the EncryptedData CipherValue');
  const key = unwrap(wrapped, oaepHash, privateKeys);
  if (key.length !== algorithm.keyLength) refuse(`the unwrapped key is ${key.length} bytes, ${algorithm.cipher} needs ${algorithm.keyLength}`);
  return utf8(algorithm.gcm ? openGcm(algorithm, key, ciphertext) : openCbc(algorithm, key, ciphertext));
}

function children(parent: XmlElement, ns: string, localName: string): XmlElement[] {
  return parent.childNodes.filter((n): n is XmlElement => n.nodeType === 1 && n.namespaceURI === ns && n.localName === localName);
}

function only(elements: XmlElement[], what: string): XmlElement {
  if (elements.length !== 1) refuse(`expected exactly one ${what}, found ${elements.length}`);
  return elements[0]!;
}

function dataAlgorithm(data: XmlElement): DataAlgorithm {
  const uri = only(children(data, XENC, 'EncryptionMethod'), 'EncryptionMethod in EncryptedData').getAttribute('Algorithm') ?? '';
  return DATA_ALGORITHMS.get(uri) ?? refuse(REFUSED.get(uri) ?? `content encryption algorithm "${uri}" is not supported`);
}

/**
 * The one EncryptedKey: inline in EncryptedData/ds:KeyInfo or a sibling of EncryptedData. A
 * RetrievalMethod is only honoured as a pointer to that same sibling (URI "#Id"); anything else it
 * could name (other documents, transforms) is refused, so it never selects what we did not find.
 */
function findEncryptedKey(encryptedAssertion: XmlElement, data: XmlElement): XmlElement {
  const keyInfos = children(data, DS, 'KeyInfo');
  if (keyInfos.length > 1) refuse('EncryptedData has more than one ds:KeyInfo');
  const siblings = children(encryptedAssertion, XENC, 'EncryptedKey');
  const candidates = [...keyInfos.flatMap((k) => children(k, XENC, 'EncryptedKey')), ...siblings];
  const encryptedKey = only(candidates, 'xenc:EncryptedKey (in EncryptedData/ds:KeyInfo or beside EncryptedData)');
  const id = encryptedKey.getAttribute('Id');
  for (const method of keyInfos.flatMap((k) => children(k, DS, 'RetrievalMethod'))) {
    const type = method.getAttribute('Type');
    if (type !== null && type !== `${XENC}EncryptedKey`) refuse(`RetrievalMethod Type ${type} is not supported`);
    if (method.childNodes.some((n) => n.nodeType === 1)) refuse('RetrievalMethod with Transforms is not supported');
    if (!siblings.includes(encryptedKey) || id === null || method.getAttribute('URI') !== `#${id}`) {
      refuse(`RetrievalMethod URI "${method.getAttribute('URI')}" does not name the sibling EncryptedKey`);
    }
  }
  return encryptedKey;
}

/** The OAEP hash; node:crypto's MGF1 always uses the OAEP hash, so only matching pairs can be done. */
function keyTransportHash(encryptedKey: XmlElement): Hash {
  const method = only(children(encryptedKey, XENC, 'EncryptionMethod'), 'EncryptionMethod in EncryptedKey');
  const uri = method.getAttribute('Algorithm') ?? '';
  if (uri !== RSA_OAEP_MGF1P && uri !== RSA_OAEP) refuse(REFUSED.get(uri) ?? `key transport algorithm "${uri}" is not supported`);
  // A label changes the OAEP check; xml-encryption ignores it (and so fails), so we refuse it plainly.
  if (children(method, XENC, 'OAEPparams').length > 0) refuse('RSA-OAEP with OAEPparams is not supported');
  const digest = optionalAlgorithm(method, DS, 'DigestMethod', OAEP_DIGESTS);
  // rsa-oaep-mgf1p fixes MGF1 to SHA-1 by definition; xmlenc11#rsa-oaep says it in xenc11:MGF.
  const mgf = uri === RSA_OAEP ? optionalAlgorithm(method, XENC11, 'MGF', MGF_HASHES) : 'sha1';
  if (digest !== mgf) refuse(`RSA-OAEP with ${digest} and MGF1-${mgf} is not supported: node:crypto ties the MGF1 hash to the OAEP hash`);
  return digest;
}

/** SHA-1 when the element is absent (the XML-Enc default for both the digest and MGF1). */
function optionalAlgorithm(parent: XmlElement, ns: string, localName: string, known: ReadonlyMap<string, Hash>): Hash {
  const found = children(parent, ns, localName);
  if (found.length === 0) return 'sha1';
  const uri = only(found, `${localName} in the key EncryptionMethod`).getAttribute('Algorithm') ?? '';
  return known.get(uri) ?? refuse(`${localName} algorithm "${uri}" is not supported for RSA-OAEP`);
}

function cipherValue(parent: XmlElement, what: string): string {
  const cipherData = only(children(parent, XENC, 'CipherData'), `CipherData in ${what}`);
  if (children(cipherData, XENC, 'CipherReference').length > 0) refuse(`CipherReference in ${what} is not supported`);
  return only(children(cipherData, XENC, 'CipherValue'), `CipherValue in ${what}`).textContent;
}

/** Strict base64: XML whitespace removed, then it must re-encode to itself (no stray characters or bits). */
function base64(text: string, maxLength: number, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length > maxLength) refuse(`${what} is longer than ${maxLength} base64 characters`);
  const bytes = Buffer.from(compact, 'base64');
  if (compact.length === 0 || bytes.toString('base64') !== compact) refuse(`${what} is not well-formed base64`);
  return bytes;
}

function unwrap(wrapped: Buffer, oaepHash: Hash, privateKeys: readonly (string | KeyObject)[]): Buffer {
  for (const key of privateKeys) {
    try {
      return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped);
    } catch {
      // Not this key (or not an RSA private key): the next one may be the staged rotation key.
    }
  }
  return refuse(`none of the ${privateKeys.length} SP decryption keys unwraps the EncryptedKey`);
}

/** XML-Enc CBC: IV first; padding is arbitrary bytes whose last one gives their count (1..16). */
function openCbc(algorithm: DataAlgorithm, key: Buffer, data: Buffer): Buffer {
  if (data.length < 2 * CBC_BLOCK || data.length % CBC_BLOCK !== 0) refuse(`${algorithm.cipher} ciphertext has an invalid length`);
  const decipher = createDecipheriv(algorithm.cipher, key, data.subarray(0, CBC_BLOCK)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data.subarray(CBC_BLOCK)), decipher.final()]);
  const padding = plain[plain.length - 1]!;
  if (padding < 1 || padding > CBC_BLOCK) refuse(`${algorithm.cipher} padding length ${padding} is invalid`);
  return plain.subarray(0, plain.length - padding);
}

/** XML-Enc 1.1 GCM: 12-byte IV || ciphertext || 16-byte tag; nothing is returned unless the tag verifies. */
function openGcm(algorithm: DataAlgorithm, key: Buffer, data: Buffer): Buffer {
  if (data.length < GCM_IV + GCM_TAG) refuse(`${algorithm.cipher} ciphertext is too short`);
  const decipher = createDecipheriv(algorithm.cipher as CipherGCMTypes, key, data.subarray(0, GCM_IV), { authTagLength: GCM_TAG });
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG));
  const plain = decipher.update(data.subarray(GCM_IV, data.length - GCM_TAG));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    return refuse(`${algorithm.cipher} authentication tag does not verify (tampered or wrong key)`);
  }
}

/** Invalid UTF-8 is refused rather than replaced with U+FFFD; a BOM, if any, is kept as decrypted. */
function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return refuse('the decrypted assertion is not valid UTF-8');
  }
}
