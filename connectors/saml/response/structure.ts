// Checks on the whole Response before any signature work: it is one samlp:Response with exactly
// one (possibly encrypted) assertion, a Success status, and only the signature shapes SAML allows.
// None of this trusts the content; it refuses early what node-saml would otherwise have to parse.
import { DOMParser } from '@xmldom/xmldom';
import { NS, childrenNS, firstChildNS, type SamlElement } from '../xml.js';
import { fail } from './failure.js';

const SHA1_ALGORITHMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
]);
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

export interface ResponseShape<E extends SamlElement = SamlElement> {
  readonly response: E;
  /** The Response carries its own Signature: then that signature must verify, and Destination is required. */
  readonly responseSigned: boolean;
  readonly encrypted: boolean;
}

export function parseSamlXml(xml: string, what: string): Document {
  const problems: string[] = [];
  const onProblem = (message: string) => void problems.push(message);
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: onProblem, fatalError: onProblem } }).parseFromString(xml, 'text/xml');
  if (problems.length > 0 || !doc?.documentElement) fail('saml_response_malformed', `${what} is not well-formed XML: ${problems[0] ?? 'empty document'}`);
  return doc;
}

export function checkStructure<E extends SamlElement>(response: E, allowSha1: boolean): ResponseShape<E> {
  if (response.namespaceURI !== NS.samlp || response.localName !== 'Response') fail('saml_response_malformed', `root element is ${response.tagName}, not samlp:Response`);
  checkStatus(response);
  const assertions = childrenNS(response, NS.saml, 'Assertion').length;
  const encrypted = childrenNS(response, NS.saml, 'EncryptedAssertion').length;
  if (assertions + encrypted !== 1) fail('saml_assertion_count', `the response holds ${assertions + encrypted} assertions; exactly one is accepted`);
  checkSignatureShapes(response, allowSha1);
  return { response, responseSigned: childrenNS(response, NS.ds, 'Signature').length > 0, encrypted: encrypted === 1 };
}

function checkStatus(response: SamlElement): void {
  const code = firstChildNS(firstChildNS(response, NS.samlp, 'Status'), NS.samlp, 'StatusCode');
  const value = code?.getAttribute('Value') ?? '';
  if (value === SUCCESS) return;
  const second = firstChildNS(code, NS.samlp, 'StatusCode')?.getAttribute('Value');
  const message = firstChildNS(firstChildNS(response, NS.samlp, 'Status'), NS.samlp, 'StatusMessage')?.textContent?.trim();
  const parts = [value || '(no status code)', second, message].filter(Boolean);
  fail('saml_status_not_success', `the identity provider answered ${parts.join(' / ')}`);
}

/** SAML core 5.4.2: references are same-document `#ID`s; SHA-1 only where the connection opts in. */
export function checkSignatureShapes(root: SamlElement, allowSha1: boolean): void {
  for (const reference of Array.from(root.getElementsByTagNameNS(NS.ds, 'Reference'))) {
    const uri = reference.getAttribute('URI') ?? '';
    if (!uri.startsWith('#') || uri.length < 2) fail('saml_reference_invalid', `signature reference URI "${uri}" is not a same-document #ID reference`);
  }
  if (allowSha1) return;
  // Only signature algorithms: RSA-OAEP key transport names SHA-1 as its mask digest, which is fine.
  const methods = [
    ...Array.from(root.getElementsByTagNameNS(NS.ds, 'SignedInfo')).map((info) => firstChildNS(info, NS.ds, 'SignatureMethod')),
    ...Array.from(root.getElementsByTagNameNS(NS.ds, 'Reference')).map((reference) => firstChildNS(reference, NS.ds, 'DigestMethod')),
  ];
  for (const method of methods) {
    const algorithm = method?.getAttribute('Algorithm') ?? '';
    if (SHA1_ALGORITHMS.has(algorithm)) {
      fail('saml_insecure_algorithm', `${method!.localName} ${algorithm} is SHA-1; set insecure_allow_sha1 on the connection to accept it`);
    }
  }
}
