// Committed test keys for the SAML test IdP. They are generated once (scripts/saml-fixtures.ts
// --keys) and then read from disk, so the recorded fixtures under test/fixtures/saml/responses stay
// verifiable against the same certificates on every run and every machine.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import forge from 'node-forge';

export interface TestKeyPair {
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  privateKey: string;
  /** Self-signed X.509 certificate, PEM ("BEGIN CERTIFICATE"). */
  certificate: string;
}

/** idp: the trusted IdP; idpNext: its rotation successor; attacker: trusted by no one; sp: what fixtures encrypt to. */
export const KEY_NAMES = ['idp', 'idpNext', 'attacker', 'sp'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export const keysDir = new URL('../../fixtures/saml/keys/', import.meta.url);

// Fixed validity window: wide enough that a test pinning its clock anywhere in 2020-2045 still sees
// a "current" certificate, and fixed so regenerating keys does not move it.
const NOT_BEFORE = new Date('2020-01-01T00:00:00.000Z');
const NOT_AFTER = new Date('2046-01-01T00:00:00.000Z');

const COMMON_NAMES: Record<KeyName, string> = {
  idp: 'Gatehouse Test IdP',
  idpNext: 'Gatehouse Test IdP (next)',
  attacker: 'Attacker Test IdP',
  sp: 'Gatehouse Test SP',
};

function fileNames(name: KeyName): { key: URL; cert: URL } {
  return { key: new URL(`${name}.key.pem`, keysDir), cert: new URL(`${name}.cert.pem`, keysDir) };
}

const cache = new Map<KeyName, TestKeyPair>();

function load(name: KeyName): TestKeyPair {
  let pair = cache.get(name);
  if (!pair) {
    const files = fileNames(name);
    try {
      pair = { privateKey: readFileSync(files.key, 'utf8'), certificate: readFileSync(files.cert, 'utf8') };
    } catch (error) {
      throw new Error(`missing SAML test key "${name}"; run: node --import tsx scripts/saml-fixtures.ts --keys`, { cause: error });
    }
    cache.set(name, pair);
  }
  return pair;
}

// Getters, not eagerly read constants: the fixtures script imports this module before the key
// files exist when it is asked to create them.
export const keys: Readonly<Record<KeyName, TestKeyPair>> = {
  get idp() {
    return load('idp');
  },
  get idpNext() {
    return load('idpNext');
  },
  get attacker() {
    return load('attacker');
  },
  get sp() {
    return load('sp');
  },
};

/** An RSA-2048 key (node:crypto) with a self-signed sha256 certificate (node-forge builds the X.509). */
export function generateTestKeyPair(commonName: string): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial: a leading 0x00 octet would be stripped, a high bit would make it negative.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = NOT_BEFORE;
  cert.validity.notAfter = NOT_AFTER;
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Gatehouse Tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  // forge writes CRLF line ends; LF keeps the committed files plain text like the keys.
  return { privateKey, certificate: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

/** Regenerates every committed key file. Only the fixtures script calls this, and only with --keys. */
export function writeTestKeyFiles(): void {
  mkdirSync(keysDir, { recursive: true });
  for (const name of KEY_NAMES) {
    const pair = generateTestKeyPair(COMMON_NAMES[name]);
    const files = fileNames(name);
    writeFileSync(files.key, pair.privateKey);
    writeFileSync(files.cert, pair.certificate);
    cache.delete(name);
  }
}
