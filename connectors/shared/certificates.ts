// X.509 certificates as admins paste them (PEM from a console, the bare base64 body copied out of
// metadata, with line breaks wherever the clipboard put them) and as we store them: one canonical
// PEM, so the same certificate always compares equal and deduplicates.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { InvalidRequest } from '../../src/errors.js';

export const EXPIRY_WARNING_DAYS = 30;

// A real certificate is a few KiB; the cap keeps the regexes below from chewing on megabytes.
const MAX_CERTIFICATE_CHARS = 64 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// A type, not an interface, so it stays assignable to JSON-shaped types (index signatures).
export type CertificateSummary = {
  fingerprint_sha256: string;
  subject: string;
  not_before: string;
  not_after: string;
  expired: boolean;
  expires_soon: boolean;
};

function certificateInvalid(message: string, detail?: string): InvalidRequest {
  return new InvalidRequest(message, { code: 'saml_certificate_invalid', detail });
}

/** Accepts a PEM certificate or its bare base64 body; returns canonical PEM (64-character lines). */
export function normalizeCertificate(input: string): string {
  if (input.length > MAX_CERTIFICATE_CHARS) throw certificateInvalid('This certificate is too long to be an X.509 certificate');
  const body = input.includes('-----BEGIN') ? bodyOfPem(input) : input.replace(/\s+/g, '');
  if (body === '') throw certificateInvalid('The certificate is empty');
  if (!BASE64.test(body) || body.length % 4 !== 0) {
    throw certificateInvalid('This is not an X.509 certificate (expected -----BEGIN CERTIFICATE----- or the base64 text of one)');
  }
  const der = Buffer.from(body, 'base64');
  try {
    new X509Certificate(der);
  } catch (error) {
    throw certificateInvalid('This is not a valid X.509 certificate (it could not be decoded)', String(error));
  }
  return toPem(der);
}

// Text around the armor is tolerated (openssl's "Bag Attributes" and "subject=" lines), but the
// armor must hold exactly one certificate: a key, a CSR or a chain is a mistake worth naming.
function bodyOfPem(input: string): string {
  const blocks = Array.from(input.matchAll(PEM_BLOCK));
  const labels = blocks.map((block) => block[1] ?? '');
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw certificateInvalid(
      'This is a private key, not a certificate. Do not share a private key: paste the X.509 certificate (-----BEGIN CERTIFICATE-----) instead',
    );
  }
  const first = blocks[0];
  if (first === undefined || labels.some((label) => label !== 'CERTIFICATE')) {
    throw certificateInvalid('This is not an X.509 certificate (expected -----BEGIN CERTIFICATE-----)');
  }
  if (blocks.length > 1) {
    throw certificateInvalid(`This text holds ${blocks.length} certificates; paste one certificate at a time`);
  }
  return (first[2] ?? '').replace(/\s+/g, '');
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The base64 DER of a PEM certificate, as metadata's ds:X509Certificate carries it. */
export function certificateBody(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}

export function publicKeyOf(pem: string): KeyObject {
  return new X509Certificate(pem).publicKey;
}

/** What an admin needs to see about a certificate: which one it is, and when it stops working. */
export function describeCertificate(pem: string, now: Date): CertificateSummary {
  const cert = new X509Certificate(pem);
  const notBefore = parseOpenSslTime(cert.validFrom);
  const notAfter = parseOpenSslTime(cert.validTo);
  // RFC 5280: the validity period includes notAfter itself.
  const expired = now.getTime() > notAfter.getTime();
  return {
    fingerprint_sha256: cert.fingerprint256,
    subject: cert.subject.split('\n').join(', '),
    not_before: notBefore.toISOString(),
    not_after: notAfter.toISOString(),
    expired,
    expires_soon: !expired && notAfter.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS,
  };
}

// Node 20 has no validToDate; validTo is OpenSSL's "Mar  1 12:00:00 2031 GMT", which V8 parses.
function parseOpenSslTime(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new TypeError(`unparseable certificate time ${JSON.stringify(text)}`);
  return date;
}
