// Checks on the assertion the signature covers (node-saml leaves these to us, or does them with
// its own clock): Issuer, exact audience, the bearer SubjectConfirmation and its Recipient, the
// time window with bounded skew, and InResponseTo against the login attempt's request ID.
import { NS, childrenNS, firstChildNS, type SamlElement } from '../xml.js';
import { fail } from './failure.js';

/** SAML deployments drift; three minutes is what the issue and most SPs allow. */
export const CLOCK_SKEW_MS = 3 * 60 * 1000;
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** An unsolicited response answers no request of ours, so its freshness is all that bounds it. */
export const UNSOLICITED_MAX_AGE_MS = 5 * 60 * 1000;

export interface Expectations {
  readonly idpEntityId: string;
  readonly spEntityId: string;
  readonly acsUrl: string;
  /** The AuthnRequest ID of the login attempt; null for an unsolicited (IdP-initiated) response. */
  readonly requestId: string | null;
  readonly nowMs: number;
}

function instant(value: string | null, what: string): number | undefined {
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(ms)) fail('saml_response_malformed', `${what} "${value}" is not an xs:dateTime`);
  return ms;
}

function checkWindow(notBefore: number | undefined, notOnOrAfter: number | undefined, nowMs: number, what: string): void {
  if (notBefore !== undefined && nowMs + CLOCK_SKEW_MS < notBefore) fail('saml_assertion_not_yet_valid', `${what} NotBefore ${new Date(notBefore).toISOString()} is in the future`);
  if (notOnOrAfter !== undefined && nowMs - CLOCK_SKEW_MS >= notOnOrAfter) fail('saml_assertion_expired', `${what} NotOnOrAfter ${new Date(notOnOrAfter).toISOString()} has passed`);
}

export function checkIssuer(element: SamlElement, expected: string, what: string): void {
  const issuer = firstChildNS(element, NS.saml, 'Issuer')?.textContent?.trim();
  if (issuer !== expected) fail('saml_issuer_mismatch', `${what} Issuer is "${issuer ?? '(none)'}", expected "${expected}"`);
}

export function checkAudience(conditions: SamlElement | undefined, spEntityId: string): void {
  const restrictions = childrenNS(conditions, NS.saml, 'AudienceRestriction');
  if (restrictions.length === 0) fail('saml_audience_mismatch', 'the assertion has no AudienceRestriction');
  for (const restriction of restrictions) {
    // Compared exactly, as node-saml's own audience check does: " https://sp" is not "https://sp".
    const audiences = childrenNS(restriction, NS.saml, 'Audience').map((a) => a.textContent ?? '');
    if (!audiences.includes(spEntityId)) fail('saml_audience_mismatch', `audience is ${audiences.join(', ') || '(empty)'}, expected ${spEntityId}`);
  }
}

/** Returns the latest bearer NotOnOrAfter: how long the assertion could be replayed. */
export function checkSubjectConfirmations(assertion: SamlElement, expected: Expectations): number {
  const confirmations = childrenNS(firstChildNS(assertion, NS.saml, 'Subject'), NS.saml, 'SubjectConfirmation');
  if (confirmations.length === 0) fail('saml_subject_confirmation_invalid', 'the assertion has no SubjectConfirmation');
  let latest = 0;
  for (const confirmation of confirmations) {
    const method = confirmation.getAttribute('Method');
    if (method !== BEARER) fail('saml_subject_confirmation_invalid', `SubjectConfirmation method ${method} is not bearer`);
    const data = firstChildNS(confirmation, NS.saml, 'SubjectConfirmationData');
    if (!data) fail('saml_subject_confirmation_invalid', 'bearer SubjectConfirmation has no SubjectConfirmationData');
    const recipient = data.getAttribute('Recipient');
    if (recipient !== expected.acsUrl) fail('saml_recipient_mismatch', `Recipient is "${recipient ?? '(none)'}", expected ${expected.acsUrl}`);
    const notOnOrAfter = instant(data.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData');
    if (notOnOrAfter === undefined) fail('saml_subject_confirmation_invalid', 'bearer SubjectConfirmationData has no NotOnOrAfter');
    checkWindow(instant(data.getAttribute('NotBefore'), 'SubjectConfirmationData'), notOnOrAfter, expected.nowMs, 'SubjectConfirmationData');
    checkInResponseTo(data.getAttribute('InResponseTo'), expected.requestId, 'SubjectConfirmationData');
    latest = Math.max(latest, notOnOrAfter);
  }
  return latest;
}

export function checkInResponseTo(value: string | null, requestId: string | null, what: string): void {
  const got = value === null || value === '' ? null : value;
  if (requestId === null) {
    if (got !== null) fail('saml_in_response_to_mismatch', `${what} answers request ${got}, but no sign-in was started here for it`);
    return;
  }
  if (got !== requestId) fail('saml_in_response_to_mismatch', `${what} InResponseTo is ${got ?? '(none)'}, expected ${requestId}`);
}

/** Returns until when the assertion is replayable (ms since epoch). */
export function checkAssertion(assertion: SamlElement, expected: Expectations): number {
  checkIssuer(assertion, expected.idpEntityId, 'assertion');
  const conditions = firstChildNS(assertion, NS.saml, 'Conditions');
  const conditionsEnd = instant(conditions?.getAttribute('NotOnOrAfter') ?? null, 'Conditions');
  checkWindow(instant(conditions?.getAttribute('NotBefore') ?? null, 'Conditions'), conditionsEnd, expected.nowMs, 'Conditions');
  checkAudience(conditions, expected.spEntityId);
  const issued = instant(assertion.getAttribute('IssueInstant'), 'IssueInstant');
  if (issued === undefined) fail('saml_response_malformed', 'the assertion has no IssueInstant');
  if (issued - CLOCK_SKEW_MS > expected.nowMs) fail('saml_assertion_not_yet_valid', `the assertion was issued in the future (${new Date(issued).toISOString()})`);
  if (expected.requestId === null && expected.nowMs - CLOCK_SKEW_MS - UNSOLICITED_MAX_AGE_MS > issued) {
    fail('saml_assertion_expired', `the unsolicited assertion was issued at ${new Date(issued).toISOString()}, more than 5 minutes ago`);
  }
  const bearerEnd = checkSubjectConfirmations(assertion, expected);
  return Math.max(bearerEnd, conditionsEnd ?? 0) + CLOCK_SKEW_MS;
}

/** Response-level fields: authenticated only when the Response is signed, so Destination is required then. */
export function checkResponseEnvelope(response: SamlElement, responseSigned: boolean, expected: Expectations): void {
  const destination = response.getAttribute('Destination');
  if (destination === null || destination === '') {
    if (responseSigned) fail('saml_destination_mismatch', 'the signed Response has no Destination');
  } else if (destination !== expected.acsUrl) {
    fail('saml_destination_mismatch', `Destination is ${destination}, expected ${expected.acsUrl}`);
  }
  if (firstChildNS(response, NS.saml, 'Issuer')) checkIssuer(response, expected.idpEntityId, 'Response');
  // Optional on the Response (the bearer SubjectConfirmationData carries the binding one), but
  // when present it must agree.
  const inResponseTo = response.getAttribute('InResponseTo');
  if (inResponseTo !== null && inResponseTo !== '') checkInResponseTo(inResponseTo, expected.requestId, 'Response');
}
