// saml.verifier: `fast` decides alone, `node-saml` is the reference, `both` re-checks a sample with
// node-saml and applies the stricter verdict, reporting the disagreement. The disagreement here is
// real: a processing instruction inside the NameID, signed by an xml-crypto signer. xml-crypto
// canonicalizes the PI as bare text (against C14N §2.3), so node-saml accepts; the fast verifier
// canonicalizes it as the spec says, the digest differs, and it refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VerifyInput } from '../../connectors/saml/response/verify.js';
import { verifyResponse } from '../../connectors/saml/verify/choose.js';
import type { ConnectorReport } from '../../src/sso/connector.js';
import { resign } from '../support/saml-fuzz/mutations.js';
import { keys } from '../support/saml-idp/keys.js';
import { buildSamlResponse, DEFAULT_IDP_ENTITY_ID, encodeSamlResponse, FIXTURE_SP } from '../support/saml-idp/response.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const input = (samlResponse: string): VerifyInput => ({
  samlResponse,
  idpCertificates: [keys.idp.certificate],
  decryptionKeys: [keys.sp.privateKey],
  allowSha1: false,
  subjectAttribute: undefined,
  idpEntityId: DEFAULT_IDP_ENTITY_ID,
  spEntityId: FIXTURE_SP.entityId,
  acsUrl: FIXTURE_SP.acsUrl,
  requestId: '_req_choice',
  nowMs: NOW.getTime(),
});
const options = { issueInstant: NOW, inResponseTo: '_req_choice', sign: 'response' as const, nameId: 'ada@acme.test' };
const plain = input(encodeSamlResponse(buildSamlResponse(options)));
const withPi = input(encodeSamlResponse(resign(buildSamlResponse(options).replace('>ada@acme.test<', '>ada<?note x?>@acme.test<'), keys.idp.privateKey)!));

function recorder() {
  const reports: ConnectorReport[] = [];
  return { reports, report: (event: ConnectorReport) => void reports.push(event) };
}

describe('choosing the SAML verifier', () => {
  it('all modes accept a plain response alike, and both reports nothing', async () => {
    const { reports, report } = recorder();
    for (const mode of ['fast', 'node-saml', 'both'] as const) {
      const outcome = await verifyResponse(mode, 1, plain, report);
      assert.ok(outcome.ok && outcome.identity.idpId === 'ada@acme.test', `${mode}: ${JSON.stringify(outcome)}`);
    }
    assert.deepEqual(reports, []);
  });

  it('the two verifiers really disagree on the PI case', async () => {
    assert.equal((await verifyResponse('node-saml', 1, withPi, undefined)).ok, true, 'node-saml accepts');
    const fast = await verifyResponse('fast', 1, withPi, undefined);
    assert.ok(!fast.ok && fast.code === 'saml_signature_invalid', JSON.stringify(fast));
  });

  it('both: the stricter verdict wins and the disagreement is reported', async () => {
    const { reports, report } = recorder();
    const outcome = await verifyResponse('both', 1, withPi, report);
    assert.equal(outcome.ok, false);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.event, 'saml_verifier_disagreement');
    assert.match(reports[0]!.fast, /^refused saml_signature_invalid/);
    // node-saml even reads the PI's data into the NameID.
    assert.match(reports[0]!.reference, /^accepted adax@acme\.test/);
  });

  it('both: only the sample is re-checked', async () => {
    const { reports, report } = recorder();
    const outcome = await verifyResponse('both', 0.25, withPi, report, () => 0.5);
    assert.equal(outcome.ok, false, 'outside the sample the fast verdict stands');
    assert.deepEqual(reports, []);
    await verifyResponse('both', 0.25, withPi, report, () => 0.1);
    assert.equal(reports.length, 1, 'inside the sample node-saml re-checks');
  });
});
