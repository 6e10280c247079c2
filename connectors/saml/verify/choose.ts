// Which verifier decides a response, per connection: `fast` (default), `node-saml` (the reference,
// on the worker pool), or `both`, where node-saml re-checks a sample and a disagreement is
// reported and resolved towards the stricter verdict (a refusal beats an acceptance).
import type { ConnectorReport } from '../../../src/sso/connector.js';
import { verifierPool } from '../response/pool.js';
import type { VerifyInput, VerifyOutcome } from '../response/verify.js';
import { verifySamlResponseFast } from './index.js';

export type VerifierMode = 'fast' | 'node-saml' | 'both';

const summary = (o: VerifyOutcome) => (o.ok ? `accepted ${o.identity.idpId} (${o.assertionId})` : `refused ${o.code}: ${o.detail}`);

function sameVerdict(a: VerifyOutcome, b: VerifyOutcome): boolean {
  if (!a.ok || !b.ok) return a.ok === b.ok;
  return a.assertionId === b.assertionId && a.replayableUntilMs === b.replayableUntilMs && JSON.stringify(a.identity) === JSON.stringify(b.identity);
}

function stricter(fast: VerifyOutcome, reference: VerifyOutcome): VerifyOutcome {
  if (!reference.ok) return reference;
  if (!fast.ok) return fast;
  return { ok: false, code: 'saml_response_invalid', detail: 'the two SAML verifiers read different identities from this response' };
}

export async function verifyResponse(
  mode: VerifierMode,
  sampleRate: number,
  input: VerifyInput,
  report: ((event: ConnectorReport) => void) | undefined,
  random: () => number = Math.random,
): Promise<VerifyOutcome> {
  if (mode === 'node-saml') return verifierPool().verify(input);
  const fast = verifySamlResponseFast(input);
  if (mode === 'fast' || random() >= sampleRate) return fast;
  const reference = await verifierPool().verify(input);
  if (sameVerdict(fast, reference)) return fast;
  report?.({ event: 'saml_verifier_disagreement', fast: summary(fast), reference: summary(reference) });
  return stricter(fast, reference);
}
