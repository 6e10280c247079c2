// Differential fuzzing of the fast SAML verifier against the node-saml reference: mutated recorded
// fixtures and test-IdP responses (test/support/saml-fuzz/), a fixed seed, so every run checks the
// same cases. The fast verifier may refuse more than the reference, but only for a reason written
// down in docs/saml-verifier.md ("Differential fuzzing"); it must never accept more, read another
// identity, throw or take long. `npm run fuzz` runs the same thing for longer, with any seed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { differentialFuzz, FAST_LIMIT_MS, type CaseResult, type FuzzReport } from '../support/saml-fuzz/run.js';

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
