// What a failed test sign-in means for the admin, in plain words, per failure code. The check's
// own detail (what the IdP sent, what was expected) is shown beside it.
const HINTS: Record<string, { title: string; hint: string }> = {
  saml_audience_mismatch: { title: 'Audience mismatch', hint: 'Set the Audience URI / Identifier (SP entity ID) in your identity provider to exactly the SP entity ID shown on the set-up page.' },
  saml_destination_mismatch: { title: 'Destination mismatch', hint: 'Set the Single sign-on URL / Reply URL in your identity provider to exactly the ACS URL shown on the set-up page.' },
  saml_recipient_mismatch: { title: 'Recipient mismatch', hint: 'The Recipient URL must be the ACS URL shown on the set-up page (in Okta: tick "Use this for Recipient URL and Destination URL").' },
  saml_signature_invalid: { title: 'The signature could not be verified', hint: 'The response was not signed with a certificate in the metadata you gave. Download the metadata again (the signing certificate may have changed) and save it.' },
  saml_issuer_mismatch: { title: 'Issuer mismatch', hint: 'The response came from a different identity provider entity ID than the metadata names. Save the metadata of this very application.' },
  saml_assertion_expired: { title: 'The response had expired', hint: 'Check the clock of your identity provider’s server, then try again.' },
  saml_assertion_not_yet_valid: { title: 'The response is not valid yet', hint: 'A clock is ahead: check the time of your identity provider’s server, then try again.' },
  saml_insecure_algorithm: { title: 'SHA-1 signature refused', hint: 'Set the signature algorithm of the application in your identity provider to RSA-SHA256.' },
  saml_status_not_success: { title: 'Your identity provider did not sign you in', hint: 'Check that your account is assigned to the application in your identity provider.' },
  saml_subject_missing: { title: 'No user identifier', hint: 'Set the Name ID of the application to the user’s email address (or a persistent identifier).' },
  saml_decryption_failed: { title: 'The assertion could not be decrypted', hint: 'Load the SP metadata again into your identity provider: it encrypts to an old certificate.' },
  saml_replay: { title: 'This response was already used', hint: 'Start the test again from this page.' },
  login_attempt_expired: { title: 'The test took too long', hint: 'Start the test again and finish signing in within 10 minutes.' },
  oidc_id_token_invalid: { title: 'The ID token was refused', hint: 'Check the client ID and that the issuer URL is the one your provider shows for this application.' },
  oidc_upstream_error: { title: 'Your provider returned an error', hint: 'Check the redirect URI registered for the application and that your account may use it.' },
  oidc_upstream_unreachable: { title: 'Your provider could not be reached', hint: 'Check the issuer URL.' },
};

export function explainFailure(code: string | null): { title: string; hint: string } {
  return (code && HINTS[code]) || { title: 'The sign-in was refused', hint: 'Check the details below against the values on the set-up page, save any change, and test again.' };
}
