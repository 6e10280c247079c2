// The signature step, delegated to node-saml (the reference implementation; xml-crypto is never
// called directly): only the configured IdP certificates verify, on the Response or on the
// assertion, encrypted assertions are decrypted with the SP key first and held to the same rule.
// node-saml's own time, audience and InResponseTo checks are switched off or duplicated: ours run
// on the verified assertion with the injected clock. What comes back is the assertion XML that the
// signature covers, and nothing else is read for the identity.
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { CheckFailure, fail, type FailureCode } from './failure.js';

export interface SignatureInput {
  readonly samlResponse: string;
  readonly idpCertificates: readonly string[];
  readonly spEntityId: string;
  readonly acsUrl: string;
  /** Current SP key first, then a published next key (the IdP may already encrypt to it). */
  readonly decryptionKeys: readonly string[];
  readonly responseSigned: boolean;
  readonly encrypted: boolean;
}

function verifierFor(input: SignatureInput, decryptionKey: string | undefined): SAML {
  return new SAML({
    idpCert: [...input.idpCertificates],
    issuer: input.spEntityId,
    callbackUrl: input.acsUrl,
    audience: input.spEntityId,
    // A Response that carries a signature must verify; otherwise the assertion must (node-saml
    // insists on one of the two whatever these say).
    wantAuthnResponseSigned: input.responseSigned,
    wantAssertionsSigned: false,
    acceptedClockSkewMs: -1,
    validateInResponseTo: ValidateInResponseTo.never,
    ...(decryptionKey === undefined ? {} : { decryptionPvk: decryptionKey }),
  });
}

const classify = (message: string): FailureCode =>
  /audience/i.test(message)
    ? 'saml_audience_mismatch'
    : /decrypt|EncryptedAssertion|decryption|oaep|rsa routines|symmetric key|cipher/i.test(message)
      ? 'saml_decryption_failed'
      : /signature|signed|too many transforms/i.test(message)
        ? 'saml_signature_invalid'
        : /missing saml assertion/i.test(message)
          ? 'saml_assertion_count'
          : 'saml_response_invalid';

/** Returns the verified assertion XML. */
export async function verifySignature(input: SignatureInput): Promise<string> {
  const keys: Array<string | undefined> = input.encrypted ? [...input.decryptionKeys] : [undefined];
  let failure: CheckFailure | undefined;
  for (const key of keys) {
    try {
      const { profile } = await verifierFor(input, key).validatePostResponseAsync({ SAMLResponse: input.samlResponse });
      const xml = profile?.getAssertionXml?.();
      if (!xml) fail('saml_response_invalid', 'node-saml returned no assertion');
      return xml;
    } catch (error) {
      if (error instanceof CheckFailure) throw error;
      const message = error instanceof Error ? error.message : String(error);
      failure = new CheckFailure(classify(message), `node-saml: ${message}`);
      // Only a failed decryption is worth a second key; anything else is the response's fault.
      if (failure.code !== 'saml_decryption_failed') throw failure;
    }
  }
  throw failure ?? new CheckFailure('saml_decryption_failed', 'no SP key to decrypt the assertion with');
}
