// Differential fuzzing of the fast SAML verifier against the node-saml reference: mutated recorded
// fixtures and test-IdP responses (test/support/saml-fuzz/), a fixed seed, so every run checks the
// same cases. The fast verifier may refuse more than the reference, but only for a reason written
// down in docs/saml-verifier.md ("Differential fuzzing"); it must never accept more, read another
// identity, throw or take long. `npm run fuzz` runs the same thing for longer, with any seed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { verifySamlResponse, type VerifyOutcome } from '../../connectors/saml/response/verify.js';
import { verifySamlResponseFast } from '../../connectors/saml/verify/index.js';
import { RESIGN, mulberry32 } from '../support/saml-fuzz/mutations.js';
import { differentialFuzz, FAST_LIMIT_MS, fuzzBases, type CaseResult, type FuzzReport } from '../support/saml-fuzz/run.js';

const SEED = 20261202;
/** About 12 s on a 2-core machine (11 ms a case: both verifiers, re-signing, minimizing disagreements). */
const CASES = 1100;

/** One line per case: enough to replay it (seed, index) and to see why it failed. */
const describeCase = (c: CaseResult) =>
  `#${c.index} ${c.base} [${c.kinds.join(', ')}] cause: ${c.cause ?? '-'}\n    fast: ${c.minimal?.fast ?? c.fast}\n    node-saml: ${c.minimal?.reference ?? c.reference}`;

describe('SAML differential fuzz (fast verifier vs node-saml)', () => {
  let report: FuzzReport;
  before(async () => {
    report = await differentialFuzz({ seed: SEED, cases: CASES });
  });

  it('ran every case, and both verifiers accepted some and refused some', () => {
    assert.equal(report.cases, CASES);
    assert.ok(report.counts['agree-accept'] > CASES / 20, 'too few mutations keep a response valid: the fuzz tests little');
    assert.ok(report.counts['agree-reject'] > CASES / 4);
  });

  it('never throws', () => {
    const threw = report.failures.filter((c) => c.outcome === 'fast-threw');
    assert.deepEqual(threw.map(describeCase), []);
  });

  it(`never takes more than ${FAST_LIMIT_MS} ms on one response`, () => {
    assert.ok(report.maxFastMs < FAST_LIMIT_MS, `slowest fast check: ${report.maxFastMs.toFixed(1)} ms`);
  });

  it('reads the same identity, assertion ID and replay window whenever both accept', () => {
    const mismatches = report.failures.filter((c) => c.outcome === 'accept-mismatch');
    assert.deepEqual(mismatches.map(describeCase), []);
  });

  it('never accepts a response node-saml refuses', () => {
    const accepted = report.failures.filter((c) => c.outcome === 'fast-only-accept');
    assert.deepEqual(accepted.map(describeCase), []);
  });

  it('refuses what node-saml accepts only for a documented reason', () => {
    const unexplained = report.fastOnlyRejects.filter((c) => c.reason === undefined);
    assert.deepEqual(unexplained.map(describeCase), []);
  });
});

// What the long runs (`npm run fuzz`) found, each reduced to one edit of a base: the fast verifier
// accepted what node-saml refuses, or read another identity. Each is now refused by the fast path,
// by name; node-saml's verdict is asserted too, so a change in the reference shows up here.
describe('SAML differential fuzz: the findings of the long runs, fixed', () => {
  const bases = new Map(fuzzBases().map((b) => [b.name, b]));
  const both = async (baseName: string, edit: (xml: string) => string): Promise<{ fast: VerifyOutcome; reference: VerifyOutcome }> => {
    const base = bases.get(baseName)!;
    const input = { ...base.input, samlResponse: Buffer.from(edit(base.xml), 'utf8').toString('base64') };
    return { fast: verifySamlResponseFast(input), reference: await verifySamlResponse(input) };
  };
  const resign = (xml: string) => RESIGN.apply(xml, mulberry32(0))!;
  const refusal = (v: VerifyOutcome) => (v.ok ? `accepted ${v.identity.idpId}` : `${v.code}: ${v.detail}`);
  /** The last occurrence of `find` replaced: the edits below aim at the last AttributeValue or end tag. */
  const replaceLast = (xml: string, find: string, by: string) => {
    const at = xml.lastIndexOf(find);
    assert.ok(at >= 0, `${find} not in the base`);
    return xml.slice(0, at) + by + xml.slice(at + find.length);
  };

  it('a CDATA section splitting SignatureValue: xml-crypto reads its first text node only', async () => {
    const { fast, reference } = await both('idp-assertion-signed', (xml) => xml.replace(/(<ds:SignatureValue>[^<]{20})([^<]{20})/, '$1<![CDATA[$2]]>'));
    assert.match(refusal(fast), /saml_signature_invalid: SignatureValue must be plain text/);
    assert.match(refusal(reference), /saml_signature_invalid: node-saml: Invalid signature/);
  });

  it('whitespace before ">" in an end tag of a correctly signed response: xmldom misparses it', async () => {
    // c14n does not see inside tags, so the signature still verifies on the document as written.
    const { fast, reference } = await both('idp-assertion-signed', (xml) => replaceLast(xml, '</saml:AttributeValue>', '</saml:AttributeValue\n>'));
    assert.match(refusal(fast), /saml_response_malformed: the SAML response has whitespace before ">" in the end tag of <saml:AttributeValue>/);
    assert.equal(reference.ok, false);
  });

  it("the Response's signature moved into the assertion signature's KeyInfo: node-saml counts its Transforms", async () => {
    const { fast, reference } = await both('idp-both-signed', (xml) => {
      const start = xml.indexOf('<ds:Signature');
      const end = xml.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
      const moved = xml.slice(0, start) + xml.slice(end);
      return replaceLast(moved, '</ds:X509Data>', `${xml.slice(start, end)}</ds:X509Data>`);
    });
    assert.match(refusal(fast), /saml_signature_invalid: the signature holds 4 ds:Transform elements/);
    assert.match(refusal(reference), /too many transforms/);
  });

  it('an ID with a quote, the Reference URI to match, re-signed: not an NCName', async () => {
    const { fast, reference } = await both('idp-assertion-signed', (xml) => resign(xml.replaceAll('_fuzz_assertion"', 'a&quot;b"')));
    assert.match(refusal(fast), /saml_reference_invalid: the signed element's ID "a"b" is not made of XML name characters/);
    assert.match(refusal(reference), /ref URI included quote character/);
  });

  it('an <Assertion> in no namespace beside the real one: node-saml counts assertions by local name', async () => {
    // ADFS declares the SAML namespace on its Assertion, not on the Response, so a bare <Assertion> there is in none.
    const { fast, reference } = await both('adfs', (xml) => resign(xml.replace('</samlp:Status>', '</samlp:Status><Assertion/>')));
    assert.match(refusal(fast), /saml_assertion_count: the response holds <Assertion> in namespace "" beside its assertion/);
    assert.match(refusal(reference), /multiple assertions/);
  });

  it('&#13; in a signed attribute value: node-saml reads a line feed where the document has a carriage return', async () => {
    const { fast, reference } = await both('idp-both-signed', (xml) => resign(replaceLast(xml, '>ops<', '>op&#13;s<')));
    assert.match(refusal(fast), /saml_response_invalid: the text of <saml:AttributeValue> in the assertion holds a carriage return/);
    assert.ok(reference.ok);
    assert.deepEqual(reference.identity.rawAttributes.groups, ['eng', 'op\ns']);
  });
});
