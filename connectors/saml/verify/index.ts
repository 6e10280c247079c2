// The fast SAML verification path: the same verdicts as node-saml plus our policy (proven by the
// parity and differential-fuzz tests), at the cost of one parse, one or two canonicalizations and
// the RSA verify. Pure and stateless but for the certificate-key cache; runs inline. Every check
// after the signature is the shared one from ../response/, run on the verified tree.
import type { KeyObject } from 'node:crypto';
import { NS, childrenNS } from '../xml.js';
import { checkAssertion, checkResponseEnvelope } from '../response/assertion.js';
import { decodeSamlResponse } from '../response/decode.js';
import { CheckFailure, fail } from '../response/failure.js';
import { readIdentity } from '../response/identity.js';
import { checkSignatureShapes, checkStructure } from '../response/structure.js';
import type { VerifyInput, VerifyOutcome } from '../response/verify.js';
import { decryptAssertion } from './decrypt.js';
import { publicKeysOf } from './keys.js';
import { verifyEnvelopedSignature } from './signature.js';
import { parseTree, type XmlElement, type XmlTree } from './tree.js';

export function verifySamlResponseFast(input: VerifyInput): VerifyOutcome {
  try {
    return { ok: true, ...run(input) };
  } catch (error) {
    if (error instanceof CheckFailure) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
}

/** Two elements with one ID are the shape of every wrapping attack: refused before any crypto. */
function refuseDuplicateIds(tree: XmlTree): void {
  if (tree.duplicateId !== undefined) fail('saml_response_malformed', `two elements carry the ID "${tree.duplicateId}"`);
}

/**
 * node-saml counts the Response's assertions by local name alone (`*[local-name()='Assertion']`,
 * and the same for EncryptedAssertion) and refuses more than one; the shared structure check
 * counts those in the SAML namespace. So an `<Assertion>` in no or another namespace beside the
 * real one (a wrapper left by a signature-wrapping attempt) is refused here too: an element that
 * passes for an assertion to a namespace-blind reader has no place in a Response.
 */
function refuseLookalikeAssertions(response: XmlElement): void {
  for (const node of response.childNodes) {
    if (node.nodeType === 1 && node.namespaceURI !== NS.saml && (node.localName === 'Assertion' || node.localName === 'EncryptedAssertion')) {
      fail('saml_assertion_count', `the response holds <${node.tagName}> in namespace "${node.namespaceURI}" beside its assertion`);
    }
  }
}

/**
 * A carriage return in the assertion's text can only come from a character reference (`&#13;`;
 * a literal one is a line end, normalized on parsing). XML keeps it, and so does the fast path,
 * but node-saml hands back the verified assertion re-serialized by xmldom, which writes the CR
 * raw, so the next parse reads a line feed: the two would accept one response with different
 * identities. No SAML value needs a CR, so refused rather than read two ways.
 */
function refuseCarriageReturns(el: XmlElement): void {
  for (const node of el.childNodes) {
    if (node.nodeType === 1) refuseCarriageReturns(node);
    else if (node.nodeType === 3 && node.value.includes('\r')) fail('saml_response_invalid', `the text of <${el.tagName}> in the assertion holds a carriage return (&#13;), which node-saml reads as a line feed`);
  }
}

/** The assertion to read, and whether its own signature verified (false: it carries none). */
function signedAssertion(response: XmlElement, encrypted: boolean, keys: readonly KeyObject[], input: VerifyInput): { assertion: XmlElement; signed: boolean } {
  if (!encrypted) {
    const assertion = childrenNS(response, NS.saml, 'Assertion')[0]!;
    return { assertion, signed: verifyEnvelopedSignature(assertion, keys, input.allowSha1) };
  }
  // As node-saml does: the decrypted assertion is a document of its own, verified on its own.
  const xml = decryptAssertion(childrenNS(response, NS.saml, 'EncryptedAssertion')[0]!, input.decryptionKeys);
  const decrypted = parseTree(xml, 'the decrypted assertion');
  refuseDuplicateIds(decrypted);
  const assertion = decrypted.documentElement;
  if (assertion.namespaceURI !== NS.saml || assertion.localName !== 'Assertion') fail('saml_response_invalid', 'the encrypted content is not a saml:Assertion');
  checkSignatureShapes(assertion, input.allowSha1);
  return { assertion, signed: verifyEnvelopedSignature(assertion, keys, input.allowSha1) };
}

function run(input: VerifyInput) {
  const { xml } = decodeSamlResponse(input.samlResponse, { scanDeclarations: false });
  const tree = parseTree(xml);
  const response = tree.documentElement;
  const shape = checkStructure(response, input.allowSha1);
  refuseLookalikeAssertions(response);
  refuseDuplicateIds(tree);
  checkResponseEnvelope(response, shape.responseSigned, input);
  const keys = publicKeysOf(input.idpCertificates);
  const responseVerified = verifyEnvelopedSignature(response, keys, input.allowSha1);
  const { assertion, signed } = signedAssertion(response, shape.encrypted, keys, input);
  if (!responseVerified && !signed) fail('saml_signature_invalid', 'neither the Response nor the assertion is signed');
  if (childrenNS(assertion, NS.saml, 'Assertion').length > 0) fail('saml_assertion_count', 'the signed assertion nests another assertion');
  refuseCarriageReturns(assertion);
  const assertionId = assertion.getAttribute('ID');
  if (!assertionId) fail('saml_response_malformed', 'the assertion has no ID');
  const replayableUntilMs = checkAssertion(assertion, input);
  return { identity: readIdentity(assertion, input.subjectAttribute), assertionId, replayableUntilMs };
}
