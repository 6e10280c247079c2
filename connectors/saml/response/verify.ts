// The whole check of one posted SAMLResponse, as a list of small named steps over plain data in and
// plain data out: no state, no exceptions across the boundary, so it can run on a worker thread.
import type { UpstreamIdentity } from '../../../src/sso/connector.js';
import { NS, childrenNS } from '../xml.js';
import { checkAssertion, checkResponseEnvelope, type Expectations } from './assertion.js';
import { decodeSamlResponse } from './decode.js';
import { CheckFailure, fail, type FailureCode } from './failure.js';
import { readIdentity } from './identity.js';
import { verifySignature } from './signature.js';
import { checkSignatureShapes, checkStructure, parseSamlXml } from './structure.js';

export interface VerifyInput extends Expectations {
  readonly samlResponse: string | undefined;
  readonly idpCertificates: readonly string[];
  readonly decryptionKeys: readonly string[];
  readonly allowSha1: boolean;
  readonly subjectAttribute: string | undefined;
}

export type VerifyOutcome =
  | { readonly ok: true; readonly identity: UpstreamIdentity; readonly assertionId: string; readonly replayableUntilMs: number }
  | { readonly ok: false; readonly code: FailureCode; readonly detail: string };

export async function verifySamlResponse(input: VerifyInput): Promise<VerifyOutcome> {
  try {
    return { ok: true, ...(await run(input)) };
  } catch (error) {
    if (error instanceof CheckFailure) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
}

async function run(input: VerifyInput) {
  const { xml, base64 } = decodeSamlResponse(input.samlResponse);
  const shape = checkStructure(parseSamlXml(xml, 'the SAML response').documentElement, input.allowSha1);
  checkResponseEnvelope(shape.response, shape.responseSigned, input);
  const verifiedXml = await verifySignature({
    samlResponse: base64,
    idpCertificates: input.idpCertificates,
    spEntityId: input.spEntityId,
    acsUrl: input.acsUrl,
    decryptionKeys: input.decryptionKeys,
    responseSigned: shape.responseSigned,
    encrypted: shape.encrypted,
  });
  const verified = parseSamlXml(verifiedXml, 'the verified assertion').documentElement;
  if (verified.namespaceURI !== NS.saml || verified.localName !== 'Assertion') fail('saml_response_invalid', 'the signed content is not a saml:Assertion');
  // A decrypted assertion's own signature was not visible to the first shape check.
  if (shape.encrypted) checkSignatureShapes(verified, input.allowSha1);
  if (childrenNS(verified, NS.saml, 'Assertion').length > 0) fail('saml_assertion_count', 'the signed assertion nests another assertion');
  const assertionId = verified.getAttribute('ID');
  if (!assertionId) fail('saml_response_malformed', 'the assertion has no ID');
  const replayableUntilMs = checkAssertion(verified, input);
  return { identity: readIdentity(verified, input.subjectAttribute), assertionId, replayableUntilMs };
}
