// XML plumbing shared by the test IdP: escaping, parsing, enveloped signatures (xml-crypto) and
// element encryption in the wire format xml-encryption (and so node-saml) reads.
import { X509Certificate, constants, createCipheriv, publicEncrypt, randomBytes, type CipherGCM } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SIGNATURE_ALGORITHMS = {
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
} as const;
export type SignatureAlgorithm = keyof typeof SIGNATURE_ALGORITHMS;

export const DIGEST_ALGORITHMS = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

const CONTENT_ENCRYPTION = {
  'aes128-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc', cipher: 'aes-128-cbc', key: 16, iv: 16 },
  'aes256-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc', cipher: 'aes-256-cbc', key: 32, iv: 16 },
  'aes128-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes128-gcm', cipher: 'aes-128-gcm', key: 16, iv: 12 },
  'aes256-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', cipher: 'aes-256-gcm', key: 32, iv: 12 },
} as const;
export type ContentEncryption = keyof typeof CONTENT_ENCRYPTION;

// Both are RSA-OAEP with SHA-1 and MGF1-SHA-1 (the xmlenc11 defaults), so the key bytes are the
// same; only the URI differs. xml-encryption (node-saml's decrypter) knows only the first one.
const KEY_TRANSPORT = {
  'rsa-oaep-mgf1p': 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  'rsa-oaep': 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
} as const;
export type KeyTransport = keyof typeof KEY_TRANSPORT;

/** Escapes text or attribute content; quotes too, so one helper serves both places. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** ` name="value"` for each defined entry, so optional XML attributes are one expression. */
export function xmlAttrs(attrs: Record<string, string | undefined | null>): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
}

/** The base64 body of a PEM, as X509Certificate elements carry it. */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

export function randomId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/** Parses strictly: a test IdP that silently repaired broken XML would hide the bugs it exists to find. */
export function parseXml(xml: string): Document {
  const fail = (message: unknown) => {
    throw new Error(`XML parse error: ${String(message)}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new Error('XML parse error: no root element');
  return doc;
}

export function serializeXml(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

export interface SignOptions {
  /** ID of the element that carries the enveloped Signature (after its Issuer child). */
  elementId: string;
  privateKey: string;
  certificate: string;
  signatureAlgorithm?: SignatureAlgorithm;
  digestAlgorithm?: DigestAlgorithm;
  includeKeyInfo?: boolean;
  /** '' signs the whole document (URI=""); '#X' digests the element with ID X instead. */
  referenceUri?: string;
  /** Namespace prefix of the Signature elements; '' = default namespace (Entra's style). */
  prefix?: string;
}

/** Adds an enveloped, exclusive-c14n signature right after the element's Issuer, as SAML requires. */
export function signXml(xml: string, options: SignOptions): string {
  const byId = (id: string) => {
    if (id.includes("'")) throw new Error(`cannot sign an ID containing a quote: ${id}`);
    return `//*[@ID='${id}']`;
  };
  const signer = new SignedXml({
    privateKey: options.privateKey,
    publicCert: options.certificate,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[options.signatureAlgorithm ?? 'rsa-sha256'],
    canonicalizationAlgorithm: EXC_C14N,
    // Without a KeyInfo the SP must already hold the certificate, which is what a pinned-cert SP does.
    ...(options.includeKeyInfo === false ? { getKeyInfoContent: () => null } : {}),
  });
  const uri = options.referenceUri;
  signer.addReference({
    xpath: uri === '' ? '/*' : byId(uri ? uri.replace(/^#/, '') : options.elementId),
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: DIGEST_ALGORITHMS[options.digestAlgorithm ?? 'sha256'],
    isEmptyUri: uri === '',
  });
  signer.computeSignature(xml, {
    prefix: options.prefix ?? 'ds',
    location: { reference: `${byId(options.elementId)}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

export interface EncryptOptions {
  /** PEM certificate of the SP the assertion is encrypted to. */
  certificate: string;
  algorithm?: ContentEncryption;
  keyTransport?: KeyTransport;
}

/**
 * Encrypts an element into xenc:EncryptedData with an inline EncryptedKey, the layout
 * xml-encryption produces (IV || ciphertext [|| GCM tag], OAEP key with a sha1 DigestMethod).
 * Done with node:crypto rather than xmlenc.encrypt because that one is callback-async (it draws its
 * key and IV with async randomBytes), which would make every response builder return a Promise.
 */
export function encryptXml(elementXml: string, options: EncryptOptions): string {
  const alg = CONTENT_ENCRYPTION[options.algorithm ?? 'aes256-gcm'];
  const key = randomBytes(alg.key);
  const iv = randomBytes(alg.iv);
  const cipher = createCipheriv(alg.cipher, key, iv);
  const parts = [iv, cipher.update(elementXml, 'utf8'), cipher.final()];
  if (alg.cipher.endsWith('gcm')) parts.push((cipher as CipherGCM).getAuthTag());
  const spKey = new X509Certificate(options.certificate).publicKey;
  const encryptedKey = publicEncrypt({ key: spKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  return (
    `<xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${alg.uri}"/>` +
    `<ds:KeyInfo xmlns:ds="${NS.ds}"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="${KEY_TRANSPORT[options.keyTransport ?? 'rsa-oaep-mgf1p']}">` +
    `<ds:DigestMethod Algorithm="${DIGEST_ALGORITHMS.sha1}"/></xenc:EncryptionMethod>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(options.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${encryptedKey.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${Buffer.concat(parts).toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData>`
  );
}
