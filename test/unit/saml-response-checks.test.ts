// Every check of the SAML connector, on responses from the test IdP signed with its real key:
// recorded vendor shapes are accepted with the clock pinned to their instant; each attack and
// each broken field is refused with its own failure code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { samlConnectorType, type SamlConfig } from '../../connectors/saml/index.js';
import { UpstreamRejected } from '../../src/errors.js';
import type { SamlVerdict } from '../../src/sso/connector.js';
import * as attack from '../support/saml-idp/attacks.js';
import { keys } from '../support/saml-idp/keys.js';
import { buildSamlResponse, DEFAULT_IDP_ENTITY_ID, encodeSamlResponse, FIXTURE_SP, type ResponseOptions } from '../support/saml-idp/response.js';

const CONNECTION_ID = 'conn_01FIXTURE0000000000000000';
const NOW = new Date('2026-06-01T12:00:00.000Z');
const REQUEST_ID = '_req_fixture_1';

function baseConfig(overrides: Partial<SamlConfig> = {}, idpEntityId = DEFAULT_IDP_ENTITY_ID): SamlConfig {
  return samlConnectorType.configSchema.parse({
    idp_entity_id: idpEntityId,
    idp_sso_url: 'https://idp.gatehouse.test/sso',
    idp_certificates: [keys.idp.certificate],
    sp_private_key: keys.sp.privateKey,
    sp_certificate: keys.sp.certificate,
    idp: { source: 'manual', entity_id: idpEntityId, sso_redirect_url: 'https://idp.gatehouse.test/sso', certificates: [keys.idp.certificate], want_authn_requests_signed: false },
    ...overrides,
  });
}

type CheckOptions = { config?: SamlConfig; requestId?: string | null; now?: Date; acsUrl?: string };

function baseCheck(samlResponse: string, options: CheckOptions = {}): Promise<SamlVerdict> {
  const connector = samlConnectorType.open(options.config ?? baseConfig(), { clock: () => NOW, publicUrl: 'https://gatehouse.test', allowInsecureOutbound: false, connectionId: CONNECTION_ID });
  const requestId = options.requestId === undefined ? REQUEST_ID : options.requestId;
  return connector.handleResponse({
    stash: requestId === null ? undefined : { request_id: requestId },
    params: { SAMLResponse: samlResponse },
    callbackUrl: options.acsUrl ?? FIXTURE_SP.acsUrl,
    now: options.now ?? NOW,
  });
}

const build = (options: ResponseOptions = {}) => buildSamlResponse({ issueInstant: NOW, inResponseTo: REQUEST_ID, ...options });
const encoded = (options: ResponseOptions = {}) => encodeSamlResponse(build(options));

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UpstreamRejected, `expected UpstreamRejected, got ${String(error)}`);
    assert.equal(error.code, code, `detail: ${error.detail}`);
    return true;
  });
}

interface Fixture {
  description: string;
  issued_at: string;
  sp: { entity_id: string; acs_url: string };
  idp_entity_id: string;
  saml_response: string;
  in_response_to?: string;
  expect: { idp_id: string; email?: string; groups?: string[]; name_id_format?: string };
}

const fixturesDir = new URL('../fixtures/saml/responses/', import.meta.url);
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, fixturesDir), 'utf8')) as Fixture] as const);

// Every case runs through both verifiers: node-saml (the reference) and Gatehouse's own, which
// must give the same verdict and the same failure code.
for (const verifier of ['fast', 'node-saml'] as const) {
  describe(`verifier: ${verifier}`, () => {
    const config = (overrides: Partial<SamlConfig> = {}, idpEntityId = DEFAULT_IDP_ENTITY_ID) => baseConfig({ verifier, ...overrides }, idpEntityId);
    const check = (samlResponse: string, options: CheckOptions = {}) => baseCheck(samlResponse, { ...options, config: options.config ?? config() });

    describe('SAML responses in the shapes real IdPs send', () => {
      for (const [name, fixture] of fixtures) {
        it(`${name}: ${fixture.description}`, async () => {
          const sha1 = name.includes('sha1');
          const spEntityId = fixture.sp.entity_id === FIXTURE_SP.entityId ? {} : { sp_entity_id: fixture.sp.entity_id };
          const cfg = config({ ...spEntityId, insecure_allow_sha1: sha1 }, fixture.idp_entity_id);
          const options = { config: cfg, requestId: fixture.in_response_to ?? null, now: new Date(fixture.issued_at), acsUrl: fixture.sp.acs_url };
          const verdict = await check(fixture.saml_response, options);
          assert.equal(verdict.identity.idpId, fixture.expect.idp_id);
          if (fixture.expect.email) assert.equal(verdict.identity.email, fixture.expect.email);
          for (const group of fixture.expect.groups ?? []) assert.ok(verdict.identity.groups.includes(group) || JSON.stringify(verdict.identity.rawAttributes).includes(group), `group ${group}`);
          assert.ok(verdict.assertionId.length > 0);
          assert.ok(verdict.replayableUntil > new Date(fixture.issued_at));
          if (sha1) await refused(check(fixture.saml_response, { ...options, config: config({ ...spEntityId }, fixture.idp_entity_id) }), 'saml_insecure_algorithm');
        });
      }
    });

    describe('SAML response checks', () => {
      it('accepts assertion-, response- and both-signed responses and reads the identity', async () => {
        for (const sign of ['assertion', 'response', 'both'] as const) {
          const verdict = await check(encoded({ sign, attributes: { email: 'ada@acme.test', groups: ['eng', 'ops'], firstName: 'Ada' } }));
          assert.equal(verdict.identity.idpId, 'ada@acme.test', sign);
          assert.deepEqual(verdict.identity.groups, ['eng', 'ops']);
          assert.equal(verdict.identity.firstName, 'Ada');
          assert.deepEqual(verdict.identity.rawAttributes.groups, ['eng', 'ops']);
        }
      });

      it('refuses unsigned, stripped, tampered and attacker-signed responses', async () => {
        await refused(check(encoded({ sign: 'none' })), 'saml_signature_invalid');
        await refused(check(encodeSamlResponse(attack.stripSignatures(build()))), 'saml_signature_invalid');
        await refused(check(encodeSamlResponse(attack.tamperNameId(build()))), 'saml_signature_invalid');
        await refused(check(encodeSamlResponse(attack.tamperAttribute(build()))), 'saml_signature_invalid');
        await refused(check(encodeSamlResponse(attack.resignWithAttackerKey({ issueInstant: NOW, inResponseTo: REQUEST_ID }))), 'saml_signature_invalid');
      });

      it('refuses every signature-wrapping variant, never yielding the evil identity', async () => {
        for (const [name, wrap] of Object.entries(attack.XSW)) {
          const sign = name === 'xsw1' || name === 'xsw2' ? 'response' : 'assertion';
          const xml = wrap(build({ sign }));
          await assert.rejects(check(encodeSamlResponse(xml)), (error: unknown) => error instanceof UpstreamRejected, name);
        }
      });

      it('reads a NameID split by a comment whole, never truncated', async () => {
        const xml = attack.injectCommentInNameId(build({ nameId: 'user@evil.test.attacker.test', attributes: {} }), '.attacker.test');
        const verdict = await check(encodeSamlResponse(xml)).catch((error: unknown) => error);
        if (verdict instanceof Error) return assert.ok(verdict instanceof UpstreamRejected);
        assert.equal((verdict as SamlVerdict).identity.idpId, 'user@evil.test.attacker.test');
      });

      it('trusts only configured certificates, several at once during rotation', async () => {
        const rotated = encoded({ signingKey: keys.idpNext.privateKey, signingCert: keys.idpNext.certificate });
        await refused(check(rotated), 'saml_signature_invalid');
        const both = [keys.idp.certificate, keys.idpNext.certificate];
        const cfg = config({ idp: { source: 'manual', entity_id: DEFAULT_IDP_ENTITY_ID, sso_redirect_url: 'https://idp.gatehouse.test/sso', certificates: both, want_authn_requests_signed: false } });
        assert.equal((await check(rotated, { config: cfg })).identity.idpId, 'ada@acme.test');
        assert.equal((await check(encoded(), { config: cfg })).identity.idpId, 'ada@acme.test');
      });

      it('decrypts encrypted assertions (GCM and CBC) and still demands their signature', async () => {
        for (const algorithm of ['aes256-gcm', 'aes128-cbc'] as const) {
          const verdict = await check(encoded({ encrypt: { certificate: keys.sp.certificate, algorithm } }));
          assert.equal(verdict.identity.idpId, 'ada@acme.test', algorithm);
        }
        await refused(check(encoded({ sign: 'none', encrypt: { certificate: keys.sp.certificate, algorithm: 'aes256-gcm' } })), 'saml_signature_invalid');
        await refused(check(encoded({ encrypt: { certificate: keys.attacker.certificate, algorithm: 'aes256-gcm' } })), 'saml_decryption_failed');
      });

      it('refuses a whole-document reference, SHA-1 without the switch, and a DOCTYPE or entity expansion', async () => {
        await refused(check(encoded({ referenceUri: '' })), 'saml_reference_invalid');
        await refused(check(encoded({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' })), 'saml_insecure_algorithm');
        await refused(check(encoded({ digestAlgorithm: 'sha1' })), 'saml_insecure_algorithm');
        await refused(check(encodeSamlResponse(attack.addDoctype(build()))), 'saml_doctype_forbidden');
        await refused(check(encodeSamlResponse(attack.entityExpansion(build()))), 'saml_doctype_forbidden');
      });

      it('refuses oversized, missing, non-base64 and non-XML responses', async () => {
        await refused(check(encodeSamlResponse(attack.pad(build(), 300 * 1024))), 'saml_response_too_large');
        await refused(check(''), 'saml_response_missing');
        await refused(check('not base64 at all!'), 'saml_response_malformed');
        await refused(check(Buffer.from('<Response').toString('base64')), 'saml_response_malformed');
      });

      it('checks issuer, audience, Destination and Recipient exactly', async () => {
        await refused(check(encoded({ assertionIssuer: 'https://evil.test/idp' })), 'saml_issuer_mismatch');
        await refused(check(encoded({ issuer: 'https://evil.test/idp' })), 'saml_issuer_mismatch');
        await refused(check(encoded({ audience: 'https://gatehouse.test/saml/conn_OTHER' })), 'saml_audience_mismatch');
        await refused(check(encoded({ audience: null })), 'saml_audience_mismatch');
        await refused(check(encoded({ destination: 'https://gatehouse.test/saml/conn_OTHER/acs' })), 'saml_destination_mismatch');
        await refused(check(encoded({ sign: 'response', destination: null })), 'saml_destination_mismatch');
        assert.ok(await check(encoded({ sign: 'assertion', destination: null })), 'Destination is optional on an unsigned Response');
        await refused(check(encoded({ recipient: 'https://gatehouse.test/saml/conn_OTHER/acs', destination: null })), 'saml_recipient_mismatch');
      });

      it('posted to another connection ACS, a response for it is refused', async () => {
        const other = 'https://gatehouse.test/saml/conn_OTHER/acs';
        await refused(check(encoded(), { acsUrl: other }), 'saml_destination_mismatch');
        await refused(check(encoded({ destination: null }), { acsUrl: other }), 'saml_recipient_mismatch');
      });

      it('enforces the time window with at most 3 minutes of skew, on the injected clock', async () => {
        const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
        assert.ok(await check(encoded(), { now: minutes(7) }), 'within NotOnOrAfter + skew');
        await refused(check(encoded(), { now: minutes(9) }), 'saml_assertion_expired');
        await refused(check(encoded({ notBefore: minutes(10), notOnOrAfter: minutes(20), subjectNotOnOrAfter: minutes(20) })), 'saml_assertion_not_yet_valid');
        await refused(check(encoded({ subjectNotOnOrAfter: minutes(-4) })), 'saml_assertion_expired');
        // node-saml trips over the missing attribute before our own check names it; refused either way.
        await assert.rejects(check(encoded({ subjectNotOnOrAfter: null })), (e: unknown) => e instanceof UpstreamRejected && ['saml_subject_confirmation_invalid', 'saml_response_invalid'].includes(e.code));
      });

      it('demands bearer confirmation only, and InResponseTo of this attempt', async () => {
        await refused(check(encoded({ subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' })), 'saml_subject_confirmation_invalid');
        await refused(check(encoded({ subjectConfirmationMethod: ['urn:oasis:names:tc:SAML:2.0:cm:bearer', 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches'] })), 'saml_subject_confirmation_invalid');
        await refused(check(encoded({ inResponseTo: '_another_attempt' })), 'saml_in_response_to_mismatch');
        await refused(check(encoded({ inResponseTo: undefined })), 'saml_in_response_to_mismatch');
        await refused(check(encoded(), { requestId: null }), 'saml_in_response_to_mismatch');
        assert.ok(await check(encoded({ inResponseTo: undefined }), { requestId: null }), 'unsolicited without InResponseTo');
      });

      it('refuses a non-Success status with the IdP reason, and more than one assertion', async () => {
        await refused(check(encoded({ status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', message: 'locked' } })), 'saml_status_not_success');
        const two = build().replace(/(<saml:Assertion[\s\S]*<\/saml:Assertion>)/, '$1$1');
        await refused(check(encodeSamlResponse(two)), 'saml_assertion_count');
      });

      it('needs a stable subject: a transient NameID falls back on a stable attribute or is refused', async () => {
        const transient = await check(encoded({ nameIdFormat: 'transient', nameId: '_t1', attributes: { email: 'ada@acme.test' } }));
        assert.equal(transient.identity.idpId, 'ada@acme.test');
        await refused(check(encoded({ nameIdFormat: 'transient', nameId: '_t1', attributes: { firstName: 'Ada' } })), 'saml_subject_missing');
        const chosen = await check(encoded({ attributes: { employeeId: 'E42' } }), { config: config({ subject_attribute: 'employeeId' }) });
        assert.equal(chosen.identity.idpId, 'E42');
      });
    });
  });
}
