// The only XML-DSig algorithms the fast verifier knows; anything else is refused before any crypto.
// SHA-1 entries are usable only behind the connection's insecure_allow_sha1 switch.

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SignatureAlgorithm {
  readonly hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  readonly key: 'rsa' | 'ec';
  readonly sha1: boolean;
}

export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithm> = new Map([
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', { hash: 'sha256', key: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', { hash: 'sha384', key: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', { hash: 'sha512', key: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', { hash: 'sha256', key: 'ec', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', { hash: 'sha384', key: 'ec', sha1: false }],
  ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', { hash: 'sha1', key: 'rsa', sha1: true }],
]);

export const DIGEST_ALGORITHMS: ReadonlyMap<string, { readonly hash: SignatureAlgorithm['hash']; readonly sha1: boolean }> = new Map([
  ['http://www.w3.org/2001/04/xmlenc#sha256', { hash: 'sha256', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', { hash: 'sha384', sha1: false }],
  ['http://www.w3.org/2001/04/xmlenc#sha512', { hash: 'sha512', sha1: false }],
  ['http://www.w3.org/2000/09/xmldsig#sha1', { hash: 'sha1', sha1: true }],
]);
