// Every refusal of a SAML response is a CheckFailure with a stable code, so an admin sees exactly
// which check failed. Plain data on purpose: a verdict may cross a worker-thread boundary.

export type FailureCode =
  | 'saml_response_missing'
  | 'saml_response_too_large'
  | 'saml_response_malformed'
  | 'saml_doctype_forbidden'
  | 'saml_insecure_algorithm'
  | 'saml_reference_invalid'
  | 'saml_status_not_success'
  | 'saml_assertion_count'
  | 'saml_signature_invalid'
  | 'saml_decryption_failed'
  | 'saml_issuer_mismatch'
  | 'saml_audience_mismatch'
  | 'saml_destination_mismatch'
  | 'saml_recipient_mismatch'
  | 'saml_subject_confirmation_invalid'
  | 'saml_assertion_expired'
  | 'saml_assertion_not_yet_valid'
  | 'saml_in_response_to_mismatch'
  | 'saml_unsolicited_response'
  | 'saml_subject_missing'
  | 'saml_response_invalid';

export class CheckFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'CheckFailure';
  }
}

export function fail(code: FailureCode, detail: string): never {
  throw new CheckFailure(code, detail);
}

/** What the browser sees per failure: short, without the internals that go to the audit log. */
export const PUBLIC_MESSAGES: Partial<Record<FailureCode, string>> = {
  saml_status_not_success: 'Your identity provider did not sign you in.',
  saml_assertion_expired: 'The sign-in response from your identity provider has expired. Try again.',
  saml_assertion_not_yet_valid: 'The sign-in response is not valid yet; a clock may be wrong. Try again in a minute.',
  saml_unsolicited_response: 'This connection accepts only sign-ins started from the application.',
};

export const DEFAULT_PUBLIC_MESSAGE = 'The response from your identity provider could not be accepted.';
