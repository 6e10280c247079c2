// A key pair Gatehouse owns, with a self-signed certificate: SAML SP keys (IdPs pin the certificate
// from our metadata rather than chaining it to a CA) and OIDC private_key_jwt client keys (Entra
// takes a certificate upload). Its dates still matter: some IdPs (ADFS, Shibboleth with checks on)
// refuse an expired certificate. Keys come from node:crypto (OpenSSL); node-forge is used only
// because node:crypto cannot build a certificate.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { normalizeCertificate } from './certificates.js';

export const CERT_VALIDITY_YEARS = 5;
export const RSA_KEY_BITS = 2048;

// RFC 5280 ub-common-name.
const MAX_COMMON_NAME_CHARS = 64;
// Clocks on the IdP side run a little behind ours; a certificate that is not yet valid is refused.
const BACKDATE_MS = 60 * 1000;

export interface OwnedKeyPair {
  /** PKCS#8 PEM. */
  private_key: string;
  /** Canonical PEM. */
  certificate: string;
}

export function generateOwnedKeyPair(commonName: string, now: Date): OwnedKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: RSA_KEY_BITS,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const certificate = selfSignedCertificate(publicKey, privateKey, commonName, now);
  return { private_key: privateKey, certificate };
}

function selfSignedCertificate(publicKeyPem: string, privateKeyPem: string, commonName: string, now: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = addYears(now, CERT_VALIDITY_YEARS);
  const name = distinguishedName(commonName);
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  // forge writes CRLF line endings; store the same canonical PEM as every other certificate.
  return normalizeCertificate(forge.pki.certificateToPem(cert));
}

// 16 random bytes, top bit clear so the DER INTEGER is positive, and the first byte non-zero so
// the encoding stays minimal (forge writes the bytes as given; OpenSSL rejects padded integers).
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function addYears(date: Date, years: number): Date {
  const later = new Date(date.getTime());
  later.setUTCFullYear(later.getUTCFullYear() + years);
  return later;
}

// UTF8String for the CN: forge defaults to PrintableString, which cannot hold '_', '@' or
// anything beyond ASCII, and OpenSSL rejects a PrintableString that breaks those rules.
function distinguishedName(commonName: string): forge.pki.CertificateField[] {
  const cn = Array.from(commonName.trim()).slice(0, MAX_COMMON_NAME_CHARS).join('');
  if (cn === '') throw new TypeError('generateOwnedKeyPair needs a non-empty common name');
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  return [
    { shortName: 'CN', value: cn, valueTagClass: utf8 },
    { shortName: 'O', value: 'Gatehouse', valueTagClass: utf8 },
  ];
}
